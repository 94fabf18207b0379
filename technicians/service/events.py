"""Visit status events a technician sends from the phone: accepted, en_route, arrived, completed, failed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import contains_eager

from common import row_locks
from common.db import db, utcnow
from common.errors import NotFound, RuleViolation
from common.i18n import local_zone
from common.models import User
from common.outbox import OutboundEvent
from common.transaction import transactional
from dispatch.enums import MessageKind, TicketStatus
from dispatch.models import Ticket, Visit
from dispatch.rules import check_visit_transition
from dispatch.service.follow_ups import queue_follow_up
from dispatch.service.messages import queue_customer_message
from dispatch.service.outbound import announce
from dispatch.service.tickets import set_ticket_status
from dispatch.service.timeline import record_event
from dispatch.service.visits import return_for_rebooking
from technicians.models import ServiceReport, Technician
from technicians.rules import TECHNICIAN_EVENTS, check_event_details, check_event_time

# Events that only happen on the visit's own day (the customer is told the technician is coming).
ON_THE_DAY = frozenset({"en_route", "arrived"})
# Events announced to outside systems: their body shows the ticket's order, product and owner.
ANNOUNCED = frozenset({"en_route", "completed", "failed"})


@dataclass(frozen=True)
class VisitEventResult:
    """What one status event did, as the phone needs to show it."""

    kind: str
    at: datetime
    timeline_event_id: int
    visit_id: int
    visit_status: str
    ticket_id: int
    ticket_status: str
    follow_up_id: int | None = None
    rebooking_visit_id: int | None = None


@transactional
def record_visit_event(
    visit_id: int,
    *,
    kind: str,
    by: User,
    at: datetime | None = None,
    reason: str | None = None,
    note: str | None = None,
    lat: float | None = None,
    lon: float | None = None,
    now: datetime | None = None,
) -> VisitEventResult:
    """Apply a technician's status event to their own visit, move the ticket along and log it on its timeline."""
    now = now or utcnow()
    at = at or now
    check_event_details(kind, reason=reason, lat=lat, lon=lon)
    visit = own_visit(visit_id, by=by, lock=True, announcing=kind in ANNOUNCED)
    target = TECHNICIAN_EVENTS[kind]
    check_visit_transition(visit.status, target)
    check_event_time(
        at,
        now=now,
        not_before=visit.started_at if kind in ("completed", "failed") else None,
        planned_start=visit.planned_start if kind in ON_THE_DAY else None,
        zone=local_zone(),
    )
    ticket = visit.ticket
    follow_up_id = rebooking_visit_id = None

    if kind == "completed" and _report_of(visit) is None:
        raise RuleViolation("report_before_completed", field="type", params={"visit_id": visit.id})
    visit.status = target
    if kind in ("en_route", "arrived"):
        set_ticket_status(ticket, TicketStatus.IN_SERVICE, by=by, visit_id=visit.id)
    if kind == "en_route":
        queue_customer_message(ticket, visit=visit, kind=MessageKind.TECHNICIAN_ON_THE_WAY)
    if kind == "arrived":
        visit.started_at = at
        visit.checkin_lat, visit.checkin_lon = lat, lon
    event = record_event(ticket, f"visit_{kind}", by=by, visit=visit, at=at, lat=lat, lon=lon, reason=reason, note=note)
    if kind == "en_route":
        announce(ticket, OutboundEvent.TECHNICIAN_ON_THE_WAY, visit=visit, at=at)
    if kind == "completed":
        visit.finished_at = at
        announce(ticket, OutboundEvent.VISIT_DONE, visit=visit, at=at, report=report_data(_report_of(visit)))
        follow_up_id = queue_follow_up(ticket, visit=visit, by=by).id
    elif kind == "failed":
        visit.finished_at = at
        visit.failure_reason, visit.failure_note = reason, note
        announce(ticket, OutboundEvent.VISIT_FAILED, visit=visit, at=at, report=report_data(_report_of(visit)))
        rebooking_visit_id = return_for_rebooking(visit, reason=reason, note=note, by=by).id
    db.session.flush()
    return VisitEventResult(
        kind=kind,
        at=at,
        timeline_event_id=event.id,
        visit_id=visit.id,
        visit_status=visit.status.value,
        ticket_id=ticket.id,
        ticket_status=ticket.status.value,
        follow_up_id=follow_up_id,
        rebooking_visit_id=rebooking_visit_id,
    )


def report_data(report: ServiceReport | None) -> dict | None:
    """The service report as an outside system gets it with a visit's result (files stay here: only counts)."""
    if report is None:
        return None
    return {
        "id": report.id,
        "result": report.result.value,
        "work_done": report.work_done,
        "parts": report.parts,
        "fees_yuan": str(report.fees_yuan),
        "photos": len(report.photos or []),
        "signed": report.signature is not None,
        "customer_confirmed": report.customer_confirmed,
        "submitted_at": report.submitted_at.isoformat() if report.submitted_at else None,
    }


def own_visit(visit_id: int, *, by: User, lock: bool = False, announcing: bool = False) -> Visit:
    """The visit if it is on `by`'s list; another technician's visit is reported as missing (flushes nothing).

    `announcing`: also load what an outbound event's body shows of the ticket (order, product, owner)."""
    technician = _technician_of(by)
    visit = db.session.scalar(
        _own_visit_query(lock=lock, announcing=announcing), {"visit_id": visit_id, "technician_id": technician.id}
    )
    if visit is None:
        raise NotFound("visit_not_on_your_list", params={"visit_id": visit_id})
    if lock:
        row_locks.note_locked(db.session(), Ticket.__tablename__, [visit.ticket_id])
    return visit


@lru_cache(maxsize=4)
def _own_visit_query(*, lock: bool, announcing: bool) -> Select:
    # Built once per variant: building the joined SELECT cost about as much CPU as running it.
    # The ticket (and its customer, texted on en_route) is needed by every event: one round trip for all.
    ticket = contains_eager(Visit.ticket)
    options = [ticket.joinedload(Ticket.customer, innerjoin=True)]
    if announcing:  # in the same round trip, instead of three lazy loads
        options += [ticket.joinedload(rel, innerjoin=True) for rel in (Ticket.order, Ticket.product, Ticket.owner)]
    query = (
        select(Visit)
        .join(Visit.ticket)
        .options(*options)
        .where(Visit.id == bindparam("visit_id"), Visit.technician_id == bindparam("technician_id"))
    )
    if lock:
        # Two status events for one visit (two phones, a retry with a new key) are applied one after the other.
        # The ticket is locked in the same round trip: the event's summary refresh would lock it next anyway
        # (in the same order, visit first), and now finds it held (common.row_locks).
        query = query.with_for_update(of=(Visit, Ticket))
    return query


def _technician_of(user: User) -> Technician:
    technician = user.technician
    if technician is None:
        raise NotFound("login_without_technician")
    return technician


def _report_of(visit: Visit) -> ServiceReport | None:
    return db.session.scalar(select(ServiceReport).where(ServiceReport.visit_id == visit.id))
