"""What CS changes on a ticket after registering it: another visit, a cancelled visit, a reopen, the customer's details."""

from __future__ import annotations

from datetime import datetime

from common.db import db, utcnow
from common.errors import Conflict, NotFound
from common.models import User
from common.transaction import transactional
from dispatch import rules
from dispatch.enums import APPROXIMATE_PRECISIONS, LocationPrecision, TicketStatus, VisitStatus
from dispatch.models import Ticket, Visit
from dispatch.service.tickets import get_ticket, place_customer, set_ticket_status
from dispatch.service.timeline import record_event
from dispatch.service.visits import BUSY_STATUSES, add_follow_on_visit


@transactional
def reopen_ticket(ticket_id: int, *, reason: str, by: User, now: datetime | None = None) -> Ticket:
    """Reopen a closed ticket with a new visit counted against the quota (beyond it, the visit waits for a manager)."""
    now = now or utcnow()
    ticket = get_ticket(ticket_id)
    if ticket.status is not TicketStatus.CLOSED:
        raise Conflict(
            "ticket_not_closed", current=ticket.status.value, params={"ticket_id": ticket.id, "current": ticket.status}
        )
    visit = add_follow_on_visit(ticket, by=by, reason=reason)
    set_ticket_status(ticket, TicketStatus.REOPENED, by=by, reason=reason)
    ticket.close_reason = ticket.close_note = ticket.closed_at = None
    record_event(ticket, "reopened", by=by, at=now, visit=visit, reason=reason)
    return ticket


@transactional
def add_visit(ticket_id: int, *, reason: str, by: User) -> Visit:
    """Add one more on-site visit to an open ticket; beyond the order's quota it waits for a manager's approval."""
    ticket = get_ticket(ticket_id)
    if ticket.status not in (TicketStatus.OPEN, TicketStatus.SCHEDULED, TicketStatus.REOPENED):
        raise Conflict(
            "ticket_not_waiting_for_service",
            current=ticket.status.value,
            params={"ticket_id": ticket.id, "current": ticket.status},
        )
    if any(v.status in rules.VISIT_OPEN for v in ticket.visits):
        open_visit = next(v for v in ticket.visits if v.status in rules.VISIT_OPEN)
        raise Conflict("ticket_has_open_visit", visit_id=open_visit.id, params={"ticket_id": ticket.id})
    visit = add_follow_on_visit(ticket, by=by, reason=reason)
    return visit


@transactional
def cancel_visit(visit_id: int, *, reason: str, by: User) -> Visit:
    """Cancel one visit that no technician has started; its slot is freed and it stops counting against the quota."""
    visit = db.session.get(Visit, visit_id)
    if visit is None:
        raise NotFound("visit_not_found", params={"visit_id": visit_id})
    rules.check_visit_transition(visit.status, VisitStatus.CANCELLED)
    ticket = visit.ticket
    previous = dict(technician_id=visit.technician_id, start=visit.planned_start, slot_start=visit.promised_start)
    visit.status = VisitStatus.CANCELLED
    record_event(ticket, "visit_cancelled", by=by, visit=visit, reason=reason, **previous)
    still_planned = any(v.status in BUSY_STATUSES for v in ticket.visits if v.id != visit.id)
    if ticket.status is TicketStatus.SCHEDULED and not still_planned:
        set_ticket_status(ticket, TicketStatus.OPEN, by=by, reason=reason)
    return visit


@transactional
def update_customer(ticket_id: int, *, changes: dict, by: User) -> Ticket:
    """Correct the ticket customer's name, phone or address; a new address without coordinates is located again.

    `changes` is CustomerUpdateSchema's output. Coordinates sent with it are taken as given.
    """
    ticket = get_ticket(ticket_id)
    customer = ticket.customer
    before = {key: getattr(customer, key) for key in ("name", "phone", "address", "district", "lat", "lon")}
    for key in ("name", "phone", "address", "district"):
        if key in changes:
            setattr(customer, key, changes[key])
    if changes.get("lat") is not None:
        customer.lat, customer.lon = changes["lat"], changes["lon"]
        customer.location_precision = LocationPrecision.GIVEN.value
    elif "address" in changes and changes["address"] != before["address"]:
        if "district" not in changes:
            customer.district = None  # the old district belonged to the old address
        place_customer(customer)
    changed = {key: getattr(customer, key) for key in before if getattr(customer, key) != before[key]}
    if changed:
        record_event(
            ticket,
            "customer_updated",
            by=by,
            approximate=customer.location_precision in APPROXIMATE_PRECISIONS,
            **changed,
        )
    return ticket
