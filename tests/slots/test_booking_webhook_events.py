"""A slot booked on the phone is told to outside systems, and so is a visit moved to make room for it."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from common.db import db
from common.outbox import OutboxEvent
from tests.slots.conftest import technician, visit_at


def test_a_booked_slot_writes_visit_booked_with_the_promised_window(cs):
    technician("Wang Lei")
    visit = visit_at(31.2397, 121.4998)
    offer = cs.get(f"/api/v1/visits/{visit.id}/slots?days=1").json["offers"][0]

    booked = cs.post(f"/api/v1/visits/{visit.id}/booking", json={"slot": offer["slot_start"]})

    assert booked.status_code == 201, booked.json
    [event] = db.session.scalars(select(OutboxEvent).where(OutboxEvent.ticket_id == visit.ticket_id)).all()
    data = event.payload["data"]
    assert event.type == "visit.booked" and data["source"] == "booking"
    promised = datetime.fromisoformat(data["visit"]["promised_start"])
    assert promised == datetime.fromisoformat(booked.json["visit"]["promised_start"])
    assert promised.utcoffset() == timedelta(0)
    assert data["visit"]["technician"]["name"] == "Wang Lei"
