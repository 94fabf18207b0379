"""Fixtures of the planning tests that need a real job queue."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from common.db import db
from scheduling.models import SolveJob
from tests.services import private_queue


@pytest.fixture
def solve_queue(app, monkeypatch):
    """Jobs go to a private queue on the test Redis instead of running inline; removed afterwards."""

    def job_ids() -> list[str]:
        return [j.rq_job_id for j in db.session.scalars(select(SolveJob)) if j.rq_job_id]

    yield from private_queue(app, monkeypatch, "JOB_QUEUE", "solve", job_ids)
