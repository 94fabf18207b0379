"""Fixtures of the planning tests that need a real job queue."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from common.db import db
from scheduling.models import SolveJob
from tests.services import REDIS_URL, redis_connection


def remove_queue(connection, name: str, job_ids=()) -> None:
    """Delete a queue, its registries and its jobs from the test Redis."""
    for pattern in [f"rq:*{name}*", *(f"rq:*{job_id}*" for job_id in job_ids)]:
        for key in connection.scan_iter(pattern):
            connection.delete(key)


@pytest.fixture
def solve_queue(app, monkeypatch):
    """Jobs go to a private queue on the test Redis instead of running inline; removed afterwards."""
    from rq import Queue

    connection = redis_connection()
    name = f"solve-test-{uuid.uuid4().hex[:12]}"
    monkeypatch.setitem(app.config, "JOBS_EAGER", False)
    monkeypatch.setitem(app.config, "REDIS_URL", REDIS_URL)
    monkeypatch.setitem(app.config, "JOB_QUEUE", name)
    queue = Queue(name, connection=connection)
    yield queue
    job_ids = [j.rq_job_id for j in db.session.scalars(select(SolveJob)) if j.rq_job_id]
    queue.delete(delete_jobs=True)
    remove_queue(connection, name, job_ids)
