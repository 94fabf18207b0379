"""A promise is kept: book many random slots through the API, plan the days, every booked visit is served in its slot."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import pytest

from common.db import db
from dispatch.models import Visit
from scheduling.service import start_day_plan
from tests.slots.conftest import TUESDAY, technician, visit_at

DAYS = 3
BOOKINGS = 100


@pytest.mark.slow
def test_a_hundred_random_bookings_are_all_served_in_their_slots_by_the_day_plans(cs, login_as):
    rng = random.Random(7)
    homes = [
        (31.23, 121.47),
        (31.22, 121.54),
        (31.28, 121.45),
        (31.19, 121.43),
        (31.30, 121.52),
        (31.15, 121.50),
        (31.25, 121.38),
        (31.20, 121.60),
        (31.32, 121.40),
        (31.17, 121.36),
    ]
    for n, home in enumerate(homes):
        skills = ("large_appliance_install", "furniture_assembly") if n % 2 else ("large_appliance_install",)
        technician(f"Tech {n}", at=home, skills=skills, max_visits_per_day=6)
    booked: dict[int, tuple[datetime, datetime]] = {}
    for _ in range(BOOKINGS):
        skill = rng.choice(["large_appliance_install", "furniture_assembly"])
        visit = visit_at(
            round(rng.uniform(31.15, 31.33), 5),
            round(rng.uniform(121.36, 121.60), 5),
            skills=(skill,),
            duration_min=rng.choice([30, 45, 60, 90]),
        )
        offers = cs.get(f"/api/v1/visits/{visit.id}/slots?days={DAYS}").json["offers"]
        if not offers:
            continue
        pick = rng.choice(offers)
        response = cs.post(f"/api/v1/visits/{visit.id}/booking", json={"slot": pick["slot_start"]})
        assert response.status_code == 201, response.json
        booked[visit.id] = (datetime.fromisoformat(pick["slot_start"]), datetime.fromisoformat(pick["slot_end"]))
    assert len(booked) >= 90  # 10 technicians x 6 visits x 3 days leave room for nearly all of them

    dispatcher = login_as("dispatcher").user
    served: dict[int, datetime] = {}
    for n in range(DAYS):
        plan = start_day_plan(TUESDAY + timedelta(days=n), "shanghai", time_limit_s=3, by=dispatcher, eager=True)
        assert plan.violations == [], plan.violations
        assert plan.result["unassigned"] == [] and plan.left_out == []
        for route in plan.result["routes"]:
            for stop in route["stops"]:
                served[int(stop["visit"][1:])] = plan.date, stop["start"]

    from scheduling.day.clock import from_day_seconds

    assert set(served) == set(booked)
    for visit_id, (day, start_s) in served.items():
        start = from_day_seconds(start_s, day)
        assert booked[visit_id][0] <= start <= booked[visit_id][1], visit_id
        assert db.session.get(Visit, visit_id).promised_start == booked[visit_id][0]
