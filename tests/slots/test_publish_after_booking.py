"""A day plan made before CS booked more visits onto that day is refused at publishing (409), never a 500."""

from __future__ import annotations

import pytest

from common.db import db
from dispatch.enums import VisitStatus
from dispatch.models import Visit
from scheduling.models import Plan
from tests.slots.conftest import TUESDAY, technician, visit_at

pytestmark = pytest.mark.usefixtures("no_overlap_constraint")


def test_publishing_a_plan_after_a_booking_onto_its_day_is_refused_naming_the_booked_visit(app, cs, login_as):
    dispatcher = login_as("dispatcher")
    technician("Wang Lei")
    planned = visit_at(31.2397, 121.4998)
    plan = dispatcher.post("/api/v1/plans", json={"date": TUESDAY.isoformat(), "region": "shanghai", "time_limit_s": 1})
    assert plan.status_code == 202, plan.json
    booked = visit_at(31.2400, 121.5000)
    slot = cs.get(f"/api/v1/visits/{booked.id}/slots?days=1").json["offers"][0]["slot_start"]
    assert cs.post(f"/api/v1/visits/{booked.id}/booking", json={"slot": slot}).status_code == 201

    response = dispatcher.post(f"/api/v1/plans/{plan.json['id']}/publish")
    assert response.status_code == 409, response.json
    assert f"visit {booked.id} was placed on technician" in response.json["message"]
    assert response.json["message"].startswith(f"Plan {plan.json['id']} is out of date; solve the day again")
    db.session.expire_all()
    assert db.session.get(Visit, planned.id).status is VisitStatus.UNSCHEDULED  # nothing half-published
    assert db.session.get(Plan, plan.json["id"]).status.value == "draft"
