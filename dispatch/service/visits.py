"""Visit use cases: place a visit on a technician's day, return it for rebooking."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from common.db import db
from common.models import User
from dispatch.enums import TicketStatus, VisitStatus
from dispatch.models import Visit
from dispatch.rules import check_visit_transition
from dispatch.service.tickets import set_ticket_status
from dispatch.service.timeline import record_event


def place_visit(visit: Visit, *, technician, start: datetime, end: datetime | None = None, by: User | None,
                source: str) -> None:
    """Schedule `visit` with `technician` from `start` (flushes only).

    `source` says who decided ("manual", "plan 12", "rebalance") for the timeline. Feasibility
    (skills, shift, overlaps) is the caller's job: the optimizer checks its own plans, and the
    manual assignment use case checks before calling this.
    """
    check_visit_transition(visit.status, VisitStatus.SCHEDULED)
    end = end or start + timedelta(seconds=visit.duration_s)
    moved = visit.technician_id is not None and (visit.technician_id != technician.id or visit.planned_start != start)
    visit.technician_id = technician.id
    visit.technician = technician
    visit.planned_start, visit.planned_end = start, end
    visit.status = VisitStatus.SCHEDULED
    if visit.ticket.status in (TicketStatus.OPEN, TicketStatus.REOPENED):
        set_ticket_status(visit.ticket, TicketStatus.SCHEDULED, by=by)
    record_event(visit.ticket, "visit_rescheduled" if moved else "visit_scheduled", by=by, visit=visit,
                 technician_id=technician.id, technician=technician.name, start=start, end=end, source=source)


def return_for_rebooking(visit: Visit, *, reason: str, note: str | None, by: User | None) -> Visit:
    """After a failed visit, send the ticket back to its CS owner with a new unscheduled visit (flushes only)."""
    ticket = visit.ticket
    next_no = (db.session.scalar(select(func.max(Visit.sequence_no)).where(Visit.ticket_id == ticket.id)) or 0) + 1
    new_visit = Visit(ticket=ticket, sequence_no=next_no, required_skills=list(visit.required_skills),
                      duration_s=visit.duration_s, status=VisitStatus.UNSCHEDULED,
                      counts_against_quota=visit.counts_against_quota)
    db.session.add(new_visit)
    db.session.flush()
    set_ticket_status(ticket, TicketStatus.OPEN, by=by, reason=reason)
    record_event(ticket, "rebooking_needed", by=by, visit=new_visit, failed_visit_id=visit.id, reason=reason,
                 note=note)
    return new_visit
