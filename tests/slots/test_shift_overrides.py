"""A rebalance's changed hours for one day (a spare shift on a day off, or sent home at noon) are the same hours
for the day plan, the slot offers CS reads out and a dispatcher's drag on the board."""

from __future__ import annotations

from datetime import datetime, timedelta

from common.db import db
from scheduling.day.problem import load_day_problem
from technicians.models import TechnicianDay
from tests.slots.conftest import TUESDAY, local, technician, visit_at

HOUR_S = 3600  # Shanghai keeps no daylight saving: plan seconds of a day are hours since midnight


def give_hours(tech, day, start_h: float, end_h: float) -> None:
    """What applying a rebalance leaves on the technician's day: its hours instead of the usual ones."""
    db.session.add(
        TechnicianDay(
            technician_id=tech.id, day=day, version=1, shift_override=[int(start_h * HOUR_S), int(end_h * HOUR_S)]
        )
    )
    db.session.commit()


def tuesday_offers(cs, visit) -> list[dict]:
    response = cs.get(f"/api/v1/visits/{visit.id}/slots?days=1")
    assert response.status_code == 200, response.json
    return response.json["offers"]


def drag(dispatcher, visit, tech, start: datetime):
    return dispatcher.post(
        f"/api/v1/visits/{visit.id}/assignment", json={"technician_id": tech.id, "start": start.isoformat()}
    )


def plan_shift(tech) -> list[int]:
    problem = load_day_problem(TUESDAY, "shanghai", time_limit_s=1)
    return next(t["shift"] for t in problem["technicians"] if t["id"] == f"t{tech.id}")


def test_a_spare_shift_on_a_day_off_is_planned_offered_and_draggable_on_its_hours(cs, login_as):
    zhao = technician("Zhao Gang", working_days=[1, 3, 4, 5, 6, 7])  # off on Tuesdays
    give_hours(zhao, TUESDAY, 13, 18)
    wanted = visit_at(31.2397, 121.4998)

    assert plan_shift(zhao) == [13 * HOUR_S, 18 * HOUR_S]
    offers = tuesday_offers(cs, wanted)
    assert offers, "the spare shift is room CS may offer"
    assert {o["technician_id"] for o in offers} == {zhao.id}
    assert all(o["planned_start"] >= local(TUESDAY, 13).isoformat() for o in offers)

    dispatcher = login_as("dispatcher")
    too_early = drag(dispatcher, wanted, zhao, local(TUESDAY, 10))
    assert too_early.status_code == 422 and "13:00" in too_early.json["message"], too_early.json
    assert drag(dispatcher, wanted, zhao, local(TUESDAY, 14)).status_code == 200


def test_a_technician_sent_home_at_noon_is_planned_offered_and_dragged_only_in_the_morning(cs, login_as):
    wang = technician("Wang Lei")  # usually 08:30-18:00 every day
    give_hours(wang, TUESDAY, 8.5, 12)
    wanted = visit_at(31.2397, 121.4998, duration_min=60)

    assert plan_shift(wang) == [int(8.5 * HOUR_S), 12 * HOUR_S]
    offers = tuesday_offers(cs, wanted)
    assert offers and all(o["technician_id"] == wang.id for o in offers)
    noon = local(TUESDAY, 12)
    assert all(datetime.fromisoformat(o["planned_start"]) + timedelta(hours=1) <= noon for o in offers), offers

    dispatcher = login_as("dispatcher")
    afternoon = drag(dispatcher, wanted, wang, local(TUESDAY, 14))
    assert afternoon.status_code == 422 and "12:00" in afternoon.json["message"], afternoon.json
    assert drag(dispatcher, wanted, wang, local(TUESDAY, 9)).status_code == 200
