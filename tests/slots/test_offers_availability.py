"""CS offers the slots the customer is at home for; all free slots only when asked; past availability is refused."""

from __future__ import annotations

from datetime import timedelta

from common.db import db
from dispatch.models import Customer, Ticket
from tests import factories
from tests.slots.conftest import MONDAY, TUESDAY, local, technician, visit_at
from tests.slots.intake_form import FORM as INTAKE_FORM

WEDNESDAY = TUESDAY + timedelta(days=1)


def _times(offers: list[dict]) -> list[str]:
    return sorted(o["slot_start"][:16] for o in offers)


def test_only_slots_wholly_inside_the_customers_availability_are_offered(cs):
    technician("Wang Lei")
    # at home on Tuesday from 09:00 to 14:00: only 10-12 and 12-14 lie wholly inside (08-10 starts before)
    visit = visit_at(31.2397, 121.4998, windows=[(local(TUESDAY, 9), local(TUESDAY, 14))])

    body = cs.get(f"/api/v1/visits/{visit.id}/slots?days=2").json

    assert _times(body["offers"]) == ["2026-11-24T10:00", "2026-11-24T12:00"]
    assert all(o["customer_available"] is True for o in body["offers"])
    assert body["show_all"] is False
    assert body["outside_availability"] == 8  # 3 more free slots on Tuesday, 5 on Wednesday
    tuesday, wednesday = body["days"]
    assert (tuesday["offered"], tuesday["outside_availability"], tuesday["reason"]) == (2, 3, None)
    assert wednesday["offered"] == 0 and wednesday["reason_code"] == "day_outside_availability"
    assert wednesday["reason"] == "the customer is not at home for a whole slot on Wednesday 2026-11-25"
    outside = [u for u in body["unavailable"] if u["reason_code"] == "slot_outside_availability"]
    assert len(outside) == 8
    assert outside[0]["slot_start"][:16] == "2026-11-24T08:00"
    assert outside[0]["reason"] == "the customer is not at home for all of 08:00-10:00"


def test_show_all_offers_every_free_slot_and_marks_those_outside(cs):
    technician("Wang Lei")
    visit = visit_at(31.2397, 121.4998, windows=[(local(TUESDAY, 9), local(TUESDAY, 14))])

    body = cs.get(f"/api/v1/visits/{visit.id}/slots?days=2&show_all=true").json

    assert len(body["offers"]) == 10 and body["show_all"] is True and body["outside_availability"] == 0
    inside = [o["slot_start"][:16] for o in body["offers"] if o["customer_available"]]
    assert sorted(inside) == ["2026-11-24T10:00", "2026-11-24T12:00"]
    assert all(u["reason_code"] != "slot_outside_availability" for u in body["unavailable"])


def test_a_slot_outside_the_availability_may_still_be_booked_when_the_customer_agrees(cs):
    technician("Wang Lei")
    visit = visit_at(31.2397, 121.4998, windows=[(local(TUESDAY, 9), local(TUESDAY, 14))])
    evening = local(WEDNESDAY, 16)

    response = cs.post(f"/api/v1/visits/{visit.id}/booking", json={"slot": evening.isoformat()})

    assert response.status_code == 201, response.json
    assert response.json["slot_start"].startswith("2026-11-25T16:00")


def test_a_customer_who_gave_no_times_is_offered_every_free_slot(cs):
    technician("Wang Lei")
    visit = visit_at(31.2397, 121.4998, windows=[])

    body = cs.get(f"/api/v1/visits/{visit.id}/slots?days=1").json

    assert len(body["offers"]) == 5 and body["outside_availability"] == 0
    assert all(o["customer_available"] is None for o in body["offers"])


def test_show_all_must_be_a_boolean(cs):
    technician("Wang Lei")
    visit = visit_at(31.2397, 121.4998)

    response = cs.get(f"/api/v1/visits/{visit.id}/slots?show_all=perhaps")

    assert response.status_code == 422
    assert "show_all" in response.json["errors"]["query"]


def _nothing_stored() -> bool:
    return db.session.query(Ticket).count() == 0 and db.session.query(Customer).count() == 0


def test_an_availability_window_already_over_is_refused_naming_the_field_and_nothing_is_stored(cs):
    yesterday = local(MONDAY - timedelta(days=1), 9)
    payload = factories.ticket_payload(
        availability=[
            {"start": local(TUESDAY, 9).isoformat(), "end": local(TUESDAY, 12).isoformat()},
            {"start": yesterday.isoformat(), "end": (yesterday + timedelta(hours=3)).isoformat()},
        ]
    )

    response = cs.post("/api/v1/tickets", json=payload)

    assert response.status_code == 422, response.json
    assert list(response.json["errors"]["json"]) == ["availability"]
    assert "already over" in response.json["errors"]["json"]["availability"][0]
    assert _nothing_stored()


def test_a_window_under_way_is_kept(cs):
    # Monday 10:00 now: the customer is at home from 08:00 to 20:00 today, so its rest still counts
    payload = factories.ticket_payload(
        availability=[{"start": local(MONDAY, 8).isoformat(), "end": local(MONDAY, 20).isoformat()}]
    )

    response = cs.post("/api/v1/tickets", json=payload)

    assert response.status_code == 201, response.json


def test_the_intake_page_marks_a_window_already_over_and_stores_nothing(clock, page_login):
    browser = page_login(factories.make_user("cs"))
    form = {**INTAKE_FORM, "available_from": "2026-11-22T09:00", "available_until": "2026-11-22T12:00"}

    response = browser.post("/intake", data=form)

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    until = html.split('name="available_until"')[1].split("</label>")[0]
    assert 'aria-invalid="true"' in until and "already over" in until
    assert _nothing_stored()
