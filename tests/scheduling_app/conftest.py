"""Fixtures of the planning tests: a real job queue, and a published Tuesday under way for rebalancing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from common.db import db
from scheduling.models import SolveJob
from tests import factories
from tests.scheduling_app.builders import CENTRAL_SHANGHAI, DAY, ELEVEN_LOCAL, local, make_visit
from tests.services import private_queue


@pytest.fixture
def solve_queue(app, monkeypatch):
    """Jobs go to a private queue on the test Redis instead of running inline; removed afterwards."""

    def job_ids() -> list[str]:
        return [j.rq_job_id for j in db.session.scalars(select(SolveJob)) if j.rq_job_id]

    yield from private_queue(app, monkeypatch, "JOB_QUEUE", "solve", job_ids)


@pytest.fixture
def dispatcher(app, clock, login_as):
    """A dispatcher on Tuesday morning, 08:00 in Shanghai."""
    clock.move_to(datetime(2026, 11, 24, 0, 0, tzinfo=UTC))
    return login_as("dispatcher")


@pytest.fixture
def crew(app):
    """Two technicians with phones (users), both in Shanghai, 08:30-18:00 with lunch."""
    return [factories.make_user("technician") for _ in range(2)]


@pytest.fixture
def published_day(app, clock, dispatcher, crew):
    """Two technicians, eight visits between 09:00 and 17:00, planned and published at 08:00; now it is 11:00."""
    for i, (lat, lon) in enumerate(CENTRAL_SHANGHAI[:8]):
        start_h = 9 + (i % 4) * 2
        make_visit(
            lat=lat,
            lon=lon,
            skills=("ac_install",),
            duration_min=45,
            windows=[(local(DAY, start_h), local(DAY, start_h + 2))],
        )
    plan = dispatcher.post(
        "/api/v1/plans", json={"date": DAY.isoformat(), "region": "shanghai", "time_limit_s": 1}
    ).json
    assert dispatcher.post(f"/api/v1/plans/{plan['id']}/publish").status_code == 200
    clock.move_to(ELEVEN_LOCAL)
