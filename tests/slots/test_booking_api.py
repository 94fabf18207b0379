"""Booking a slot: it becomes the promised window, the visit is placed, and every bad request changes nothing."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from common.db import db
from dispatch.enums import MessageStatus, VisitStatus
from dispatch.models import CustomerMessage, TimelineEvent, Visit
from tests.slots.conftest import TUESDAY, local, technician, visit_at


def state_of(visit_id: int) -> dict:
    """What a refused booking must leave as it was."""
    db.session.expire_all()
    visit = db.session.get(Visit, visit_id)
    return {
        "visit": (visit.status, visit.technician_id, visit.planned_start, visit.promised_start, visit.promised_end),
        "events": db.session.scalar(select(func.count()).select_from(TimelineEvent)),
        "messages": db.session.scalar(select(func.count()).select_from(CustomerMessage)),
    }


def book(api, visit_id: int, slot: str | datetime):
    return api.post(
        f"/api/v1/visits/{visit_id}/booking", json={"slot": slot.isoformat() if isinstance(slot, datetime) else slot}
    )


def test_booking_stores_the_window_and_places_the_visit(cs):
    wang = technician("Wang Lei")
    visit = visit_at(31.2397, 121.4998)
    offer = cs.get(f"/api/v1/visits/{visit.id}/slots?days=1").json["offers"][0]

    response = book(cs, visit.id, offer["slot_start"])

    assert response.status_code == 201, response.json
    body = response.json
    assert body["technician_name"] == "Wang Lei"
    assert body["visit"]["status"] == "scheduled" and body["visit"]["technician_id"] == wang.id
    assert datetime.fromisoformat(body["visit"]["promised_start"]) == datetime.fromisoformat(offer["slot_start"])
    assert datetime.fromisoformat(body["visit"]["promised_end"]) == datetime.fromisoformat(offer["slot_end"])
    assert datetime.fromisoformat(body["visit"]["planned_start"]) == datetime.fromisoformat(offer["planned_start"])
    ticket = cs.get(f"/api/v1/tickets/{body['visit']['ticket_id']}").json
    assert ticket["status"] == "scheduled"
    assert "slot_promised" in [e["action"] for e in ticket["timeline"]]


def test_booking_writes_the_confirmation_text_and_the_default_sender_logs_it(cs, caplog):
    technician("Wang Lei")
    visit = visit_at(31.2397, 121.4998)
    offer = cs.get(f"/api/v1/visits/{visit.id}/slots?days=1").json["offers"][0]

    with caplog.at_level("INFO", logger="dispatch.service.messages"):
        message_id = book(cs, visit.id, offer["slot_start"]).json["message_id"]

    message = db.session.get(CustomerMessage, message_id)
    assert message.kind.value == "slot_confirmed" and message.to_phone == visit.ticket.customer.phone
    assert "Wang Lei" in message.body and "2026-11-24" in message.body
    assert message.status is MessageStatus.SENT and message.attempts == 1
    assert message.body in caplog.text


def test_a_booking_pushes_a_later_visit_within_its_window(cs):
    wang = technician("Wang Lei")
    # Wang Lei: 10:00-11:00 next door, promised 10-12; the new 1-hour visit only fits before it if it moves
    first = visit_at(
        31.2397,
        121.4998,
        technician=wang,
        planned_start=local(TUESDAY, 10),
        promised=(local(TUESDAY, 10), local(TUESDAY, 12)),
    )
    visit = visit_at(31.2400, 121.5000)
    offers = cs.get(f"/api/v1/visits/{visit.id}/slots?days=1").json["offers"]
    early = next(o for o in offers if o["slot_start"].startswith("2026-11-24T08:00"))
    assert early["technician_id"] == wang.id

    body = book(cs, visit.id, early["slot_start"]).json

    db.session.expire_all()
    moved = db.session.get(Visit, first.id)
    new_end = datetime.fromisoformat(body["visit"]["planned_end"])
    if body["moved_visit_ids"]:
        assert body["moved_visit_ids"] == [first.id]
    assert moved.planned_start >= new_end
    assert local(TUESDAY, 10) <= moved.planned_start <= local(TUESDAY, 12)


def test_a_slot_not_among_the_offers_is_refused_with_fresh_offers(cs):
    technician("Wang Lei")
    visit = visit_at(31.2397, 121.4998)
    before = state_of(visit.id)

    response = book(cs, visit.id, local(TUESDAY, 7))  # the grid starts at 08:00

    assert response.status_code == 409
    assert "not among the current offers" in response.json["message"]
    assert len(response.json["offers"]["offers"]) == 35  # 5 slots a day for 7 days
    assert state_of(visit.id) == before


def test_a_slot_taken_since_the_offer_is_refused_with_fresh_offers(cs):
    wang = technician("Wang Lei", max_visits_per_day=1)
    visit, rival = visit_at(31.2397, 121.4998), visit_at(31.2400, 121.5000)
    offer = cs.get(f"/api/v1/visits/{visit.id}/slots?days=1").json["offers"][0]
    assert book(cs, rival.id, offer["slot_start"]).status_code == 201
    before = state_of(visit.id)

    response = book(cs, visit.id, offer["slot_start"])

    assert response.status_code == 409
    fresh = response.json["offers"]
    assert fresh["days"][0]["reason"] == (
        "the only suitable technician, Wang Lei, already has their maximum of visits on Tuesday 2026-11-24"
    )
    assert state_of(visit.id) == before
    assert db.session.scalar(select(func.count()).select_from(Visit).where(Visit.technician_id == wang.id)) == 1


def test_a_slot_in_the_past_is_refused(cs):
    technician("Wang Lei")
    visit = visit_at(31.2397, 121.4998)
    before = state_of(visit.id)

    response = book(cs, visit.id, local(TUESDAY - timedelta(days=2), 10))

    assert response.status_code == 422
    assert response.json["errors"] == {"json": {"slot": [response.json["message"]]}}
    assert "already begun" in response.json["message"]
    assert state_of(visit.id) == before


@pytest.mark.parametrize("status", ["completed", "cancelled", "failed"])
def test_a_visit_that_is_done_or_cancelled_cannot_be_booked(cs, status):
    technician("Wang Lei")
    visit = visit_at(31.2397, 121.4998)
    visit.status = VisitStatus(status)
    db.session.commit()
    before = state_of(visit.id)

    response = book(cs, visit.id, local(TUESDAY, 10))

    assert response.status_code == 409
    assert response.json["current"] == status
    assert response.json["message"].startswith(f"Visit {visit.id} is {status.capitalize()};")
    assert state_of(visit.id) == before
    assert cs.get(f"/api/v1/visits/{visit.id}/slots").status_code == 409


def test_a_visit_beyond_the_quota_needs_a_managers_approval(cs, login_as):
    technician("Wang Lei")
    visit = visit_at(31.2397, 121.4998)  # quota 1
    from dispatch.service.visits import return_for_rebooking

    visit.status = VisitStatus.FAILED
    second = return_for_rebooking(visit, reason="customer_absent", note=None, by=None)
    db.session.commit()
    before = state_of(second.id)

    response = book(cs, second.id, local(TUESDAY, 10))

    assert response.status_code == 422
    assert "beyond the order's quota of 1; a manager must approve it" in response.json["message"]
    assert state_of(second.id) == before

    second.approved_by_id = login_as("manager").user.id
    db.session.commit()
    offer = cs.get(f"/api/v1/visits/{second.id}/slots?days=1").json["offers"][0]
    assert book(cs, second.id, offer["slot_start"]).status_code == 201


def test_the_booked_window_shows_on_the_ticket_page(cs, page_login):
    technician("Wang Lei")
    visit = visit_at(31.2397, 121.4998)
    offer = cs.get(f"/api/v1/visits/{visit.id}/slots?days=1").json["offers"][0]
    book(cs, visit.id, offer["slot_start"])

    page = page_login(cs.user).get(f"/tickets/{visit.ticket_id}")

    start = datetime.fromisoformat(offer["slot_start"])
    assert f"{start:%Y-%m-%d %H:%M}-{start + timedelta(hours=2):%H:%M}" in page.get_data(as_text=True)
