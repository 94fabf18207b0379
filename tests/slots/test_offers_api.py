"""Slot offers through the API: cheapest first with reasons, and days without a slot say why."""

from __future__ import annotations

from datetime import timedelta

from tests.slots.conftest import TUESDAY, local, technician, visit_at


def test_offers_come_cheapest_first_and_say_why(cs):
    wang = technician("Wang Lei")
    technician("Li Na", at=(31.30, 121.55))  # farther from the customer
    visit = visit_at(31.2397, 121.4998)

    response = cs.get(f"/api/v1/visits/{visit.id}/slots?days=2")

    assert response.status_code == 200, response.json
    offers = response.json["offers"]
    assert [o["added_travel_s"] for o in offers] == sorted(o["added_travel_s"] for o in offers)
    assert len(offers) == 10  # 5 slots a day (08-18 in 2-hour slots), 2 days
    assert offers[0]["technician_name"] == "Wang Lei" and offers[0]["technician_id"] == wang.id
    assert offers[0]["reason"].startswith("Wang Lei has no other visit that day: ")
    assert offers[0]["customer_available"] is True
    assert [d["date"] for d in response.json["days"]] == [
        TUESDAY.isoformat(),
        (TUESDAY + timedelta(days=1)).isoformat(),
    ]
    assert all(d["offered"] == 5 and d["reason"] is None for d in response.json["days"])


def test_a_visit_next_to_a_planned_one_is_cheap_on_that_day(cs):
    wang = technician("Wang Lei")
    visit_at(
        31.2397,
        121.4998,
        technician=wang,
        planned_start=local(TUESDAY, 9),
        promised=(local(TUESDAY, 8), local(TUESDAY, 10)),
    )
    neighbour = visit_at(31.2400, 121.5000)

    offers = cs.get(f"/api/v1/visits/{neighbour.id}/slots?days=2").json["offers"]

    cheapest = offers[0]
    assert cheapest["slot_start"].startswith(TUESDAY.isoformat())
    assert cheapest["reason"].startswith("adds ") and cheapest["reason"].endswith(" of travel to Wang Lei's route")
    # next door: a few seconds of travel, far less than the round trip of an empty day
    assert cheapest["added_travel_s"] < 120 < offers[-1]["added_travel_s"]


def test_a_day_without_the_skill_says_nobody_has_it(cs):
    technician("Wang Lei", skills=("large_appliance_install",))
    visit = visit_at(31.2397, 121.4998, skills=("furniture_assembly",))

    body = cs.get(f"/api/v1/visits/{visit.id}/slots?days=1").json

    assert body["offers"] == []
    assert body["days"][0]["reason"] == "no technician with skill Furniture assembly works on Tuesday 2026-11-24"
    assert len(body["unavailable"]) == 5


def test_a_day_off_has_no_technician(cs):
    technician("Wang Lei", working_days=[1, 3, 4, 5, 6, 7])  # not on Tuesdays
    visit = visit_at(31.2397, 121.4998)

    body = cs.get(f"/api/v1/visits/{visit.id}/slots?days=2").json

    assert body["days"][0] == {
        "date": "2026-11-24",
        "offered": 0,
        "outside_availability": 0,
        "reason": "no technician works on Tuesday 2026-11-24",
        "reason_code": "day_no_technician",
        "reason_params": {"date": "2026-11-24"},
    }
    assert body["days"][1]["offered"] == 5


def test_a_restricted_technician_is_offered_only_in_their_districts(cs):
    technician("Wang Lei", service_districts=["pudong"])
    visit = visit_at(31.2397, 121.4998, district="huangpu")

    body = cs.get(f"/api/v1/visits/{visit.id}/slots?days=1").json

    assert body["days"][0]["reason"] == "no technician serving district huangpu works on Tuesday 2026-11-24"


def test_a_full_slot_names_the_full_technicians(cs):
    wang = technician("Wang Lei")
    # Wang Lei's 10:00-12:00 is taken by a promised two-hour job across town
    visit_at(
        31.30,
        121.40,
        technician=wang,
        duration_min=120,
        planned_start=local(TUESDAY, 10),
        promised=(local(TUESDAY, 10), local(TUESDAY, 10, 15)),
    )
    visit = visit_at(31.2397, 121.4998, duration_min=90)

    body = cs.get(f"/api/v1/visits/{visit.id}/slots?days=1").json

    reasons = {u["slot_start"][11:16]: u["reason"] for u in body["unavailable"]}
    assert reasons["10:00"] == "the only suitable technician, Wang Lei, is full between 10:00 and 12:00"


def test_only_staff_may_ask_for_offers(clock, login_as):
    visit = visit_at(31.2397, 121.4998)
    response = login_as("technician").get(f"/api/v1/visits/{visit.id}/slots")
    assert response.status_code == 403
