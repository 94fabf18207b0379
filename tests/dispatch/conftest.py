"""Fixtures of the CS-side tests: role clients on the frozen clock and tickets made through the API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests import factories
from tests.clock import TUESDAY_9_LOCAL


@pytest.fixture
def dispatcher(clock, login_as):
    return login_as("dispatcher")


@pytest.fixture
def manager(clock, login_as):
    return login_as("manager")


@pytest.fixture
def new_ticket(cs):
    """`new_ticket(**overrides)`: POST a valid ticket as the `cs` client; returns the JSON body."""

    def _create(api=None, **overrides) -> dict:
        response = (api or cs).post("/api/v1/tickets", json=factories.ticket_payload(**overrides))
        assert response.status_code == 201, response.json
        return response.json

    return _create


@pytest.fixture
def installer(clock):
    """A technician who installs large appliances, working every day 08:30-18:00 local time."""
    return factories.make_technician(skills=("large_appliance_install",))


def assign(api, visit_id: int, technician_id: int, start: datetime = TUESDAY_9_LOCAL):
    return api.post(
        f"/api/v1/visits/{visit_id}/assignment", json={"technician_id": technician_id, "start": start.isoformat()}
    )


def finish_visit(visit_id: int):
    """Mark a visit done and queue its follow-up, as the technician side does when a visit completes."""
    from common.db import db
    from dispatch.enums import VisitStatus
    from dispatch.models import Visit
    from dispatch.service.follow_ups import queue_follow_up

    visit = db.session.get(Visit, visit_id)
    visit.status = VisitStatus.COMPLETED
    visit.finished_at = visit.planned_end or datetime.now(UTC)
    follow_up = queue_follow_up(visit.ticket, visit=visit, by=None)
    db.session.commit()
    return follow_up.id


def later(**kw) -> datetime:
    return datetime.now(UTC) + timedelta(**kw)
