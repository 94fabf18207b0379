"""A booking sent again (a double click, a phone retrying) is made once; agents booking together all get true answers."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from common.db import db
from dispatch.enums import MessageKind
from dispatch.models import CustomerMessage, Visit
from tests.concurrency import at_once, statuses
from tests.slots.conftest import technician, visit_at

pytestmark = pytest.mark.usefixtures("no_overlap_constraint")


def bearer(api, **headers) -> dict:
    return {"Authorization": f"Bearer {api.token}", **headers}


def confirmations(visit_id: int) -> int:
    db.session.expire_all()
    return db.session.scalar(
        select(func.count())
        .select_from(CustomerMessage)
        .where(CustomerMessage.visit_id == visit_id, CustomerMessage.kind == MessageKind.SLOT_CONFIRMED)
    )


def test_the_same_booking_sent_twenty_times_at_once_books_once_and_texts_once(app, cs):
    technician("Wang Lei")
    visit = visit_at(31.2397, 121.4998)
    slot = cs.get(f"/api/v1/visits/{visit.id}/slots?days=1").json["offers"][0]["slot_start"]
    headers = bearer(cs, **{"Idempotency-Key": "book-once"})
    answers = at_once(
        app, 20, lambda client: client.post(f"/api/v1/visits/{visit.id}/booking", json={"slot": slot}, headers=headers)
    )
    assert statuses(answers) == [201] * 20
    assert len({answer["message_id"] for _, answer in answers}) == 1
    assert confirmations(visit.id) == 1


def test_six_agents_booking_one_slot_with_six_free_technicians_all_get_it(app, cs, login_as):
    for n in range(6):
        technician(f"Technician {n}", max_visits_per_day=1)
    visits = [visit_at(31.2397 + n / 1000, 121.4998) for n in range(6)]
    slot = cs.get(f"/api/v1/visits/{visits[0].id}/slots?days=1").json["offers"][0]["slot_start"]
    agents = iter([(login_as("cs").token, v.id) for v in visits])
    mine = {}

    def book(client):
        token, visit_id = mine.setdefault(threading.get_ident(), next(agents))
        return client.post(
            f"/api/v1/visits/{visit_id}/booking", json={"slot": slot}, headers={"Authorization": f"Bearer {token}"}
        )

    answers = at_once(app, 6, book)
    # Each agent lost at most a few races for the cheapest technician, but a room was free for everyone.
    assert statuses(answers) == [201] * 6, [a["message"] for code, a in answers if code != 201]
    db.session.expire_all()
    on = [db.session.get(Visit, v.id).technician_id for v in visits]
    assert len(set(on)) == 6


def test_twenty_bookings_of_different_visits_at_once_never_fail_with_a_locked_database(app, cs):
    technician("Wang Lei")
    technician("Li Na")
    visits = [visit_at(31.2397 + n / 1000, 121.4998) for n in range(20)]
    slots = {v.id: cs.get(f"/api/v1/visits/{v.id}/slots?days=1").json["offers"][0]["slot_start"] for v in visits}
    queue = iter(visits)
    mine = {}

    def book(client):
        visit = mine.setdefault(threading.get_ident(), next(queue))
        return client.post(f"/api/v1/visits/{visit.id}/booking", json={"slot": slots[visit.id]}, headers=bearer(cs))

    answers = at_once(app, 20, book)
    assert all(code in (201, 409) for code, _ in answers), answers
    for code, answer in answers:
        if code == 409:
            assert "not among the current offers" in answer["message"] and answer["offers"]


def test_the_same_booking_sent_again_without_a_key_is_refused_as_already_booked_and_texts_once(app, cs):
    """A resend without Idempotency-Key (a second click, an old client) must not re-book nor text the customer again."""
    technician("Wang Lei")
    visit = visit_at(31.2397, 121.4998)
    slot = cs.get(f"/api/v1/visits/{visit.id}/slots?days=1").json["offers"][0]["slot_start"]
    first = cs.post(f"/api/v1/visits/{visit.id}/booking", json={"slot": slot})
    assert first.status_code == 201, first.json

    again = cs.post(f"/api/v1/visits/{visit.id}/booking", json={"slot": slot})

    assert again.status_code == 409, again.json
    assert "already booked for this slot" in again.json["message"]
    assert again.json["visit_id"] == visit.id
    assert again.json["technician_id"] == first.json["visit"]["technician_id"]
    assert confirmations(visit.id) == 1
    events = [e["action"] for e in cs.get(f"/api/v1/tickets/{first.json['visit']['ticket_id']}").json["timeline"]]
    assert events.count("slot_promised") == 1 and "slot_released" not in events
