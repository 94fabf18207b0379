"""Visit use cases: list and show visits per audience, unassign by hand, place, rebook (assigning is scheduling's)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from common.db import db, utcnow
from common.errors import Conflict, NotFound, RuleViolation
from common.i18n import local_day_bounds, local_zone
from common.models import Role, User
from common.outbox import OutboundEvent
from common.transaction import transactional
from dispatch import rules
from dispatch.enums import TicketStatus, VisitStatus
from dispatch.models import Ticket, Visit
from dispatch.remedies.models import ReturnOrder
from dispatch.rules import check_visit_transition
from dispatch.schemas import VisitForTechnicianSchema, VisitSchema
from dispatch.service.outbound import announce
from dispatch.service.tickets import set_ticket_status
from dispatch.service.timeline import record_event

# Visits that hold a technician's time: planned, accepted or under way.
BUSY_STATUSES = frozenset({VisitStatus.SCHEDULED, VisitStatus.ACCEPTED, VisitStatus.EN_ROUTE, VisitStatus.ARRIVED})


def place_visit(
    visit: Visit, *, technician, start: datetime, end: datetime | None = None, by: User | None, source: str
) -> None:
    """Schedule `visit` with `technician` from `start` (flushes only).

    `source` says who decided ("manual", "plan 12", "rebalance") for the timeline. Feasibility
    (skills, shift, overlaps) is the caller's job: the optimizer checks its own plans, and the
    manual assignment use case checks before calling this.
    """
    check_visit_transition(visit.status, VisitStatus.SCHEDULED)
    end = end or start + timedelta(seconds=visit.duration_s)
    first = visit.technician_id is None
    moved = not first and (visit.technician_id != technician.id or visit.planned_start != start)
    visit.technician_id = technician.id
    visit.technician = technician
    visit.planned_start, visit.planned_end = start, end
    visit.status = VisitStatus.SCHEDULED
    if visit.ticket.status in (TicketStatus.OPEN, TicketStatus.REOPENED):
        set_ticket_status(visit.ticket, TicketStatus.SCHEDULED, by=by)
    record_event(
        visit.ticket,
        "visit_rescheduled" if moved else "visit_scheduled",
        by=by,
        visit=visit,
        technician_id=technician.id,
        technician=technician.name,
        start=start,
        end=end,
        source=source,
    )
    if first or moved:
        announce(
            visit.ticket,
            OutboundEvent.VISIT_BOOKED if first else OutboundEvent.VISIT_RESCHEDULED,
            visit=visit,
            source=source,
        )


def add_unscheduled_visit(
    ticket: Ticket,
    *,
    required_skills: list[str],
    duration_s: int,
    counts_against_quota: bool,
    approved_by_id: int | None = None,
) -> Visit:
    """A new visit on `ticket`, not planned yet, numbered after its last one (flushes only)."""
    next_no = (db.session.scalar(select(func.max(Visit.sequence_no)).where(Visit.ticket_id == ticket.id)) or 0) + 1
    visit = Visit(
        ticket=ticket,
        sequence_no=next_no,
        required_skills=list(required_skills),
        duration_s=duration_s,
        status=VisitStatus.UNSCHEDULED,
        counts_against_quota=counts_against_quota,
        approved_by_id=approved_by_id,
    )
    db.session.add(visit)
    db.session.flush()
    return visit


def return_for_rebooking(visit: Visit, *, reason: str, note: str | None, by: User | None) -> Visit:
    """After a failed visit, send the ticket back to its CS owner with a new unscheduled visit (flushes only)."""
    ticket = visit.ticket
    new_visit = add_unscheduled_visit(
        ticket,
        required_skills=visit.required_skills,
        duration_s=visit.duration_s,
        counts_against_quota=visit.counts_against_quota,
    )
    set_ticket_status(ticket, TicketStatus.OPEN, by=by, reason=reason)
    record_event(ticket, "rebooking_needed", by=by, visit=new_visit, failed_visit_id=visit.id, reason=reason, note=note)
    _move_pickup(visit, new_visit, by=by)
    announce(ticket, OutboundEvent.REBOOK_NEEDED, visit=new_visit, failed_visit_id=visit.id, reason=reason, note=note)
    return new_visit


def _move_pickup(failed: Visit, rebooked: Visit, *, by: User | None) -> None:
    """A failed pickup left the unit with the customer: its return order waits on the rebooked visit now, so
    the order shows that visit's status and the warehouse expects the unit from it."""
    order = db.session.scalar(select(ReturnOrder).where(ReturnOrder.pickup_visit_id == failed.id))
    if order is None:
        return
    order.pickup_visit = rebooked
    db.session.flush()
    record_event(
        failed.ticket,
        "pickup_visit_rebooked",
        by=by,
        visit=rebooked,
        return_order_id=order.id,
        failed_visit_id=failed.id,
    )


def add_follow_on_visit(ticket: Ticket, *, by: User, reason: str) -> Visit:
    """A new unscheduled visit like the ticket's last one, counted against the quota (flushes only).

    Beyond the quota it waits for a manager's approval: a manager adding it approves it at once; anyone
    else's visit is stored awaiting approval, and nothing books or plans it until a manager decides.
    """
    used = rules.quota_standing(ticket.visits, ticket.visit_quota).used
    beyond = used >= ticket.visit_quota
    last = ticket.visits[-1]
    visit = add_unscheduled_visit(
        ticket,
        required_skills=last.required_skills,
        duration_s=last.duration_s,
        counts_against_quota=True,
        approved_by_id=by.id if beyond and by.has_role(Role.MANAGER) else None,
    )
    record_event(
        ticket,
        "visit_added",
        by=by,
        visit=visit,
        reason=reason,
        visits_used=used + 1,
        visit_quota=ticket.visit_quota,
        approved_by=by.username if visit.approved_by_id else None,
    )
    if beyond and visit.approved_by_id is None:
        record_event(
            ticket, "quota_approval_requested", by=by, visit=visit, visits_used=used + 1, visit_quota=ticket.visit_quota
        )
    return visit


@transactional
def decide_quota_approval(visit_id: int, *, approve: bool, reason: str | None = None, by: User) -> Visit:
    """A manager approves a visit beyond the order's quota, or refuses it with a reason (the visit is cancelled)."""
    visit = _visit_or_404(visit_id)
    ticket = visit.ticket
    standing = rules.quota_standing(ticket.visits, ticket.visit_quota)
    if not standing.needs_approval(visit.id):
        raise Conflict("visit_not_awaiting_approval", visit_id=visit.id)
    if approve:
        visit.approved_by_id = by.id
        record_event(
            ticket,
            "quota_approved",
            by=by,
            visit=visit,
            reason=reason,
            visits_used=standing.numbers[visit.id],
            visit_quota=ticket.visit_quota,
        )
    else:
        if not reason:
            raise RuleViolation("quota_refusal_needs_reason", field="reason")
        check_visit_transition(visit.status, VisitStatus.CANCELLED)
        visit.status = VisitStatus.CANCELLED
        record_event(ticket, "quota_refused", by=by, visit=visit, reason=reason, visit_quota=ticket.visit_quota)
    return visit


@dataclass(frozen=True)
class TechnicianVisit:
    """A visit as its technician may see it: `customer_phone` is set only when they may call."""

    visit: Visit
    customer_phone: str | None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.visit, name)


@dataclass(frozen=True)
class VisitView:
    """Visits and the out-schema that fits the reader (technicians see less than staff)."""

    items: list
    schema: type


def list_visits(
    *,
    on_date: date | None = None,
    technician_id: int | None = None,
    status: VisitStatus | None = None,
    limit: int = 200,
    by: User,
    now: datetime | None = None,
) -> VisitView:
    """Visits by planned start; a technician gets only their own, whatever `technician_id` says."""
    query = select(Visit).options(
        selectinload(Visit.ticket).selectinload(Ticket.customer), selectinload(Visit.technician)
    )
    own = _own_technician_id(by)
    if by.role is Role.TECHNICIAN:
        technician_id = own if own is not None else -1
    if technician_id is not None:
        query = query.where(Visit.technician_id == technician_id)
    if status is not None:
        query = query.where(Visit.status == status)
    if on_date is not None:
        start, end = local_day_bounds(on_date)
        query = query.where(Visit.planned_start >= start, Visit.planned_start < end)
    query = query.order_by(Visit.planned_start.is_(None), Visit.planned_start, Visit.id).limit(limit)
    return _for_reader(list(db.session.scalars(query)), by=by, now=now or utcnow())


def get_visit(visit_id: int, *, by: User, now: datetime | None = None) -> VisitView:
    """One visit for its reader; another technician's visit is as good as absent (404)."""
    visit = db.session.get(Visit, visit_id)
    if visit is None or (by.role is Role.TECHNICIAN and visit.technician_id != _own_technician_id(by)):
        raise NotFound("visit_not_found", params={"visit_id": visit_id})
    return _for_reader([visit], by=by, now=now or utcnow())


@transactional
def unassign_visit(visit_id: int, *, by: User) -> Visit:
    """Take a planned visit off its technician's day; the ticket waits for planning again."""
    visit = _visit_or_404(visit_id)
    check_visit_transition(visit.status, VisitStatus.UNSCHEDULED)
    previous = dict(technician_id=visit.technician_id, start=visit.planned_start)
    visit.status = VisitStatus.UNSCHEDULED
    visit.technician_id = visit.technician = None
    visit.planned_start = visit.planned_end = None
    ticket = visit.ticket
    still_planned = any(v.status in BUSY_STATUSES for v in ticket.visits if v.id != visit.id)
    if ticket.status is TicketStatus.SCHEDULED and not still_planned:
        set_ticket_status(ticket, TicketStatus.OPEN, by=by, reason="visit unassigned")
    record_event(ticket, "visit_unscheduled", by=by, visit=visit, **previous)
    return visit


def _visit_or_404(visit_id: int) -> Visit:
    visit = db.session.get(Visit, visit_id)
    if visit is None:
        raise NotFound("visit_not_found", params={"visit_id": visit_id})
    return visit


def _own_technician_id(user: User) -> int | None:
    return user.technician.id if user.technician is not None else None


def _for_reader(visits: list[Visit], *, by: User, now: datetime) -> VisitView:
    if by.role is not Role.TECHNICIAN:
        return VisitView(items=visits, schema=VisitSchema)
    own, today = _own_technician_id(by), now.astimezone(local_zone()).date()
    items = [TechnicianVisit(v, phone_for_technician(v, technician_id=own, today=today)) for v in visits]
    return VisitView(items=items, schema=VisitForTechnicianSchema)


def phone_for_technician(visit: Visit, *, technician_id: int | None, today: date) -> str | None:
    """The customer's phone if this technician may call: privacy rule, only their own visits of local `today`."""
    if (
        technician_id is not None
        and visit.technician_id == technician_id
        and visit.planned_start is not None
        and visit.planned_start.astimezone(local_zone()).date() == today
        and visit.status is not VisitStatus.CANCELLED
    ):
        return visit.ticket.customer.phone
    return None
