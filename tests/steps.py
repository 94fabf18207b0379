"""Flows many tests walk through the API as the users do: register a ticket, book its visit, do the visit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from common.db import db
from dispatch.enums import VisitStatus
from dispatch.models import Visit
from dispatch.service.follow_ups import queue_follow_up
from tests import factories
from tests.clock import MONDAY_10_LOCAL, TUESDAY_9_LOCAL
from tests.technicians.conftest import signature_url

# 13:00 local on the frozen Monday: late enough for the technician to drive there first.
MONDAY_13_LOCAL = MONDAY_10_LOCAL + timedelta(hours=3)


def register_ticket(cs, **overrides) -> dict:
    """CS registers a valid ticket (`factories.ticket_payload(**overrides)`); returns the JSON body."""
    response = cs.post("/api/v1/tickets", json=factories.ticket_payload(**overrides))
    assert response.status_code == 201, response.json
    return response.json


def assign(api, visit_id: int, technician_id: int, start: datetime = TUESDAY_9_LOCAL):
    """The dispatcher's manual assignment; returns the answer (the caller judges it)."""
    return api.post(
        f"/api/v1/visits/{visit_id}/assignment", json={"technician_id": technician_id, "start": start.isoformat()}
    )


def book(dispatcher, visit_id: int, technician_id: int, start: datetime = MONDAY_13_LOCAL) -> datetime:
    """Assign a visit that must be accepted; returns its start."""
    response = assign(dispatcher, visit_id, technician_id, start)
    assert response.status_code == 200, response.json
    return start


def register_and_book(cs, dispatcher, technician_id: int, start: datetime = MONDAY_13_LOCAL, **ticket):
    """CS registers a ticket and the dispatcher gives its first visit to the technician; (ticket, visit id)."""
    registered = register_ticket(cs, **ticket)
    visit_id = registered["visits"][0]["id"]
    book(dispatcher, visit_id, technician_id, start)
    return registered, visit_id


def arrive(technician, visit_id: int, clock, *, drive: timedelta = timedelta(0)) -> None:
    """The technician accepts the visit, sets off, drives for `drive` and arrives."""
    for kind in ("accepted", "en_route"):
        assert technician.post(f"/api/v1/visits/{visit_id}/events", json={"type": kind}).status_code == 201
    clock.tick(drive)
    assert technician.post(f"/api/v1/visits/{visit_id}/events", json={"type": "arrived"}).status_code == 201


def do_visit(technician, visit_id: int, clock, *, result: str = "resolved") -> int:
    """The technician's part: accept, drive, arrive, file the report, complete. Returns the follow-up id."""
    arrive(technician, visit_id, clock, drive=timedelta(minutes=40))
    clock.tick(timedelta(minutes=80))
    report = technician.post(
        f"/api/v1/visits/{visit_id}/report",
        json={
            "work_done": "Mounted and tested the unit.",
            "result": result,
            "customer_confirmed": True,
            "signature": signature_url(),
        },
    )
    assert report.status_code == 201, report.json
    done = technician.post(f"/api/v1/visits/{visit_id}/events", json={"type": "completed"})
    assert done.status_code == 201, done.json
    return done.json["follow_up_id"]


def finish_visit(visit_id: int):
    """Mark a visit done and queue its follow-up, as the technician side does when a visit completes."""
    visit = db.session.get(Visit, visit_id)
    visit.status = VisitStatus.COMPLETED
    visit.finished_at = visit.planned_end or datetime.now(UTC)
    follow_up = queue_follow_up(visit.ticket, visit=visit, by=None)
    db.session.commit()
    return follow_up.id


def submit_form(browser, url: str, data: dict) -> str:
    """Send a page's form as the user's browser does and follow it to the page it leads to; that page's HTML."""
    return browser.post(url, data=data, follow_redirects=True).get_data(as_text=True)
