"""The use cases write their events to the outbox in their own transaction: a refused change writes none."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from common.db import db
from common.outbox import OutboxEvent
from tests import factories
from tests.steps import MONDAY_13_LOCAL, arrive, do_visit, register_and_book


def outbox(ticket_id: int | None = None) -> list[OutboxEvent]:
    db.session.expire_all()
    query = select(OutboxEvent).order_by(OutboxEvent.id)
    if ticket_id is not None:
        query = query.where(OutboxEvent.ticket_id == ticket_id)
    return list(db.session.scalars(query))


def types(ticket_id: int) -> list[str]:
    return [e.type for e in outbox(ticket_id)]


def test_a_ticket_from_registration_to_closure_tells_each_step(crew, clock):
    cs, dispatcher, technician = crew
    ticket, visit_id = register_and_book(cs, dispatcher, technician.user.technician.id)
    start = MONDAY_13_LOCAL
    clock.move_to(start - timedelta(minutes=40))
    follow_up_id = do_visit(technician, visit_id, clock)
    cs.post(
        f"/api/v1/followups/{follow_up_id}/attempts",
        json={"outcome": "reached", "satisfaction": 5, "resolved": True, "note": "cooling well"},
    )

    assert types(ticket["id"]) == [
        "ticket.registered",
        "visit.booked",
        "visit.technician_on_the_way",
        "visit.done",
        "follow_up.recorded",
        "ticket.closed",
    ]
    events = {e.type: e.payload for e in outbox(ticket["id"])}
    booked = events["visit.booked"]["data"]
    assert booked["visit"]["technician"]["id"] == technician.user.technician.id
    assert booked["visit"]["planned_start"] == start.isoformat() and booked["source"] == "manual"
    done = events["visit.done"]["data"]
    assert done["visit"]["status"] == "completed"
    assert done["report"]["result"] == "resolved" and done["report"]["work_done"] == "Mounted and tested the unit."
    assert events["follow_up.recorded"]["data"]["follow_up"] == {
        "id": follow_up_id,
        "attempt": 1,
        "max_attempts": 3,
        "outcome": "reached",
        "satisfaction": 5,
        "resolved": True,
        "note": "cooling well",
    }
    closed = events["ticket.closed"]
    assert closed["data"]["ticket"]["status"] == "closed" and closed["data"]["ticket"]["close_reason"] == "resolved"
    assert closed["type"] == "ticket.closed" and closed["timestamp"]
    # Outside systems get no customer phone or address.
    assert "13812345678" not in str([e.payload for e in outbox()])


def test_a_failed_visit_tells_the_failure_and_that_a_rebooking_is_needed(crew, clock):
    cs, dispatcher, technician = crew
    ticket, visit_id = register_and_book(cs, dispatcher, technician.user.technician.id)
    start = MONDAY_13_LOCAL
    clock.move_to(start)
    arrive(technician, visit_id, clock)
    failed = technician.post(
        f"/api/v1/visits/{visit_id}/events", json={"type": "failed", "reason": "needs_parts", "note": "compressor"}
    )
    assert failed.status_code == 201, failed.json

    assert types(ticket["id"])[-2:] == ["visit.failed", "ticket.rebook_needed"]
    failure, rebook = [e.payload["data"] for e in outbox(ticket["id"])[-2:]]
    assert (failure["visit"]["status"], failure["visit"]["failure_reason"]) == ("failed", "needs_parts")
    assert rebook["visit"]["id"] == failed.json["rebooking_visit_id"] and rebook["failed_visit_id"] == visit_id


def test_an_unresolved_follow_up_reopens_the_ticket(crew, clock):
    cs, dispatcher, technician = crew
    payload = {"order": {"platform": "jd", "order_no": "JD-WH-1", "order_value": 15000, "purchase_date": "2026-09-01"}}
    ticket, visit_id = register_and_book(cs, dispatcher, technician.user.technician.id, **payload)
    start = MONDAY_13_LOCAL
    clock.move_to(start - timedelta(minutes=40))
    follow_up_id = do_visit(technician, visit_id, clock, result="not_resolved")
    cs.post(
        f"/api/v1/followups/{follow_up_id}/attempts", json={"outcome": "reached", "satisfaction": 2, "resolved": False}
    )
    assert types(ticket["id"])[-2:] == ["follow_up.recorded", "ticket.reopened"]
    reopened = outbox(ticket["id"])[-1].payload["data"]
    assert reopened["ticket"]["status"] == "reopened" and reopened["visit"]["sequence_no"] == 2


def test_moving_a_planned_visit_tells_it_was_rescheduled(crew, clock):
    cs, dispatcher, technician = crew
    other = factories.make_technician(skills=("large_appliance_install",))
    ticket, visit_id = register_and_book(cs, dispatcher, technician.user.technician.id)
    start = MONDAY_13_LOCAL
    moved = dispatcher.post(
        f"/api/v1/visits/{visit_id}/assignment",
        json={"technician_id": other.id, "start": (start + timedelta(hours=2)).isoformat()},
    )
    assert moved.status_code == 200, moved.json
    assert types(ticket["id"]) == ["ticket.registered", "visit.booked", "visit.rescheduled"]
    assert outbox(ticket["id"])[-1].payload["data"]["visit"]["technician"]["id"] == other.id


def test_a_cancelled_ticket_tells_its_visits_cancelled_and_the_ticket_closed(cs):
    ticket = cs.post("/api/v1/tickets", json=factories.ticket_payload()).json
    cs.post(f"/api/v1/tickets/{ticket['id']}/cancel", json={"reason": "bought elsewhere"})
    assert types(ticket["id"]) == ["ticket.registered", "visit.cancelled", "ticket.closed"]
    closed = outbox(ticket["id"])[-1].payload["data"]
    assert closed["ticket"]["close_reason"] == "cancelled" and closed["reason"] == "bought elsewhere"


def test_a_refused_change_leaves_no_event(crew, clock):
    cs, dispatcher, technician = crew
    ticket = cs.post("/api/v1/tickets", json=factories.ticket_payload()).json
    before = types(ticket["id"])

    duplicate = cs.post(
        "/api/v1/tickets",
        json=factories.ticket_payload(
            order={
                "platform": "tmall",
                "order_no": ticket["order"]["order_no"],
                "order_value": 1.0,
                "purchase_date": "2026-01-01",
            }
        ),
    )

    assert duplicate.status_code == 409
    assert types(ticket["id"]) == before
    assert db.session.scalar(select(func.count()).select_from(OutboxEvent)) == len(before)


def test_every_event_has_its_own_message_id(cs):
    for _ in range(3):
        cs.post("/api/v1/tickets", json=factories.ticket_payload())
    ids = [e.message_id for e in outbox()]
    assert len(ids) == len(set(ids)) == 3 and all(i.startswith("msg_") for i in ids)
