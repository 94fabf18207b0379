"""Slot offers and booking while CS is on the phone: load the coming days' routes, ask the core, book under a lock.

A booked slot becomes the visit's promised window, which every later day plan treats as a hard window of a
must-serve visit (see scheduling/day/). Two agents booking the same room at once are serialized on the
technician's day: PostgreSQL locks a `TechnicianDay` row (an exclusion constraint on the visits' planned
times is the backstop), SQLite takes its write lock up front with BEGIN IMMEDIATE.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from common.db import db, utcnow
from common.errors import Conflict, NotFound, RuleViolation
from common.i18n import to_local
from common.models import User
from common.outbox import OutboundEvent
from common.transaction import after_commit, begin_write, transaction
from dispatch import rules
from dispatch.enums import MessageKind, VisitStatus
from dispatch.models import Ticket, Visit
from dispatch.service.messages import queue_customer_message, send_after_commit
from dispatch.service.outbound import announce
from dispatch.service.timeline import record_event
from dispatch.service.visits import place_visit
from scheduling.day.clock import from_day_seconds
from scheduling.offers.rules import DEFAULT_DAYS, MAX_DAYS
from scheduling.offers.schemas import SlotOffersSchema
from scheduling.offers.search import FoundOffer, SlotOffer, SlotOffers, offer_for_slot, offers_for
from technicians.models import Technician, TechnicianDay
from technicians.service.days import lock_technician_day

# Each lost race means another booking of that room committed, so a slot runs out after a few; the bound
# only guards against a livelock.
MAX_BOOKING_ATTEMPTS = 20
DONE_STATUSES = frozenset({VisitStatus.COMPLETED, VisitStatus.FAILED, VisitStatus.CANCELLED})
UNDER_WAY = frozenset({VisitStatus.EN_ROUTE, VisitStatus.ARRIVED})


@dataclass(frozen=True)
class Booking:
    """A promised slot: the visit as stored and the offer it was booked from."""

    visit: Visit
    offer: SlotOffer
    message_id: int
    moved_visit_ids: list[int]


def offer_slots(
    visit_id: int, *, days: int = DEFAULT_DAYS, now: datetime | None = None, show_all: bool = False
) -> SlotOffers:
    """The feasible slots of the next `days` days (from tomorrow) for a visit, cheapest first, each with its reason.

    Only slots that lie wholly inside the availability the customer gave are offered, unless `show_all`
    (CS asks the customer about other times); a customer who gave none is offered every free slot.
    Either way each offer says whether it is inside (`customer_available`), and booking accepts any
    free slot: the filter is what CS proposes, not what the customer may agree to.
    """
    now = now or utcnow()
    visit = _visit_or_404(visit_id)
    _check_bookable(visit)
    return offers_for(visit, days=days, now=now, show_all=show_all)


def book_slot(visit_id: int, *, slot_start: datetime, by: User, now: datetime | None = None) -> Booking:
    """Promise the slot starting at `slot_start` and place the visit on the technician offered for it.

    The slot must be among the current offers, re-computed under the technician day's lock; otherwise
    Conflict (409) carrying fresh offers. The window, the placement, a timeline entry and the customer's
    confirmation text are written in one transaction; the text is sent once it has committed.
    """
    now = now or utcnow()
    if slot_start <= now:
        raise RuleViolation("slot_begun", field="slot", params={"slot": slot_start})
    day = to_local(slot_start).date()
    with transaction():
        begin_write()
        visit = _visit_or_404(visit_id, lock=True)
        _check_bookable(visit)
        _check_not_booked_already(visit, slot_start)
        for _ in range(MAX_BOOKING_ATTEMPTS):
            found = offer_for_slot(visit, day, slot_start) if _within_offer_days(day, now) else None
            if found is None:
                break  # a true refusal: the slot is not offered any more
            technician_id = found.offer.technician_id
            attempt = db.session.begin_nested()
            technician_day = _lock_days(visit, technician_id, day)
            # Another booking may have committed while we waited for the lock: read the day again.
            db.session.expire_all()
            visit = _visit_or_404(visit_id)
            found = offer_for_slot(visit, day, slot_start, only_technician=technician_id)
            if found is None:
                # That technician's day filled up meanwhile; letting go of its lock, look at the slot again.
                attempt.rollback()
                continue
            booking = _book(visit, found, technician_day, by=by)
            attempt.commit()
            after_commit(lambda message_id=booking.message_id: send_after_commit([message_id]))
            return booking
        else:
            fresh = offer_slots(visit_id, days=DEFAULT_DAYS, now=now)
            raise Conflict("slot_contended", offers=SlotOffersSchema().dump(fresh), params={"slot": slot_start})
        fresh = offer_slots(visit_id, days=DEFAULT_DAYS, now=now)
        raise Conflict("slot_gone", offers=SlotOffersSchema().dump(fresh), params={"slot": slot_start})


# --- checks ------------------------------------------------------------------------------------------


def _visit_or_404(visit_id: int, *, lock: bool = False) -> Visit:
    query = select(Visit).where(Visit.id == visit_id)
    if lock:
        # Two agents booking the same visit are served one after the other.
        query = query.with_for_update().execution_options(populate_existing=True)
    else:
        # what the checks and the offers read of the visit's ticket, in two queries fewer than loading it lazily
        ticket = joinedload(Visit.ticket, innerjoin=True)
        query = query.options(
            ticket.joinedload(Ticket.customer, innerjoin=True),
            ticket.selectinload(Ticket.visits),
            ticket.selectinload(Ticket.availability),
        )
    visit = db.session.scalar(query)
    if visit is None:
        raise NotFound("visit_not_found", params={"visit_id": visit_id})
    return visit


def _check_bookable(visit: Visit) -> None:
    """Refuse a visit that is done, under way, or beyond its ticket's quota without a manager's approval."""
    if visit.status in DONE_STATUSES:
        raise Conflict(
            "visit_done_not_bookable",
            current=visit.status.value,
            params={"visit_id": visit.id, "current": visit.status},
        )
    if visit.status in UNDER_WAY:
        raise Conflict(
            "visit_under_way_not_bookable",
            current=visit.status.value,
            params={"visit_id": visit.id, "current": visit.status},
        )
    ticket = visit.ticket
    rules.check_quota_approved(rules.quota_standing(ticket.visits, ticket.visit_quota), visit.id)
    customer = ticket.customer
    if customer.lat is None or customer.lon is None:
        raise RuleViolation("address_without_coordinates", field="visit", params={"address": customer.address})


def _check_not_booked_already(visit: Visit, slot_start: datetime) -> None:
    """The same booking sent again (a second click, a retry without Idempotency-Key) changes nothing.

    Booking it once more would release and re-promise the same window and text the customer a second
    confirmation; the visit is locked here, so of two identical bookings at once the second one sees the first.
    """
    if visit.technician_id is None or visit.promised_start is None or visit.promised_start != slot_start:
        return
    raise Conflict(
        "slot_already_booked",
        params={"slot": visit.promised_start, "name": visit.technician.name},
        visit_id=visit.id,
        technician_id=visit.technician_id,
        slot_start=visit.promised_start.isoformat(),
    )


def _within_offer_days(day: date, now: datetime) -> bool:
    first = to_local(now).date() + timedelta(days=1)
    return first <= day < first + timedelta(days=MAX_DAYS)


# --- locks -------------------------------------------------------------------------------------------


def _lock_days(visit: Visit, technician_id: int, day: date) -> TechnicianDay:
    """Lock the new technician's day and, on a reschedule, the day the visit leaves, always in the same order.

    The old slot is released in the booking's transaction, so the day it leaves is locked as well; taking
    both locks in (technician, day) order keeps two crossing reschedules from deadlocking.
    """
    wanted = {(technician_id, day)}
    if visit.technician_id is not None and visit.planned_start is not None:
        wanted.add((visit.technician_id, to_local(visit.planned_start).date()))
    locked = {key: lock_technician_day(*key) for key in sorted(wanted)}
    for key, row in locked.items():
        if key != (technician_id, day):
            row.version += 1  # the day the visit leaves changes too
    return locked[(technician_id, day)]


# --- writing the booking -----------------------------------------------------------------------------


def _book(visit: Visit, found: FoundOffer, technician_day: TechnicianDay, *, by: User) -> Booking:
    offer, day = found.offer, found.day
    technician = db.session.get(Technician, offer.technician_id)
    if visit.promised_start is not None:
        # A reschedule: the old promise is given up in this same transaction, so nobody holds two slots.
        record_event(
            visit.ticket,
            "slot_released",
            by=by,
            visit=visit,
            slot_start=visit.promised_start,
            slot_end=visit.promised_end,
            technician_id=visit.technician_id,
            technician=visit.technician.name if visit.technician else None,
        )
    visit.promised_start, visit.promised_end = offer.slot_start, offer.slot_end
    place_visit(
        visit,
        technician=technician,
        start=offer.planned_start,
        end=offer.planned_start + timedelta(seconds=visit.duration_s),
        by=by,
        source="booking",
    )
    moved = _retime_route(found, technician, day, by=by, booked=visit)
    record_event(
        visit.ticket,
        "slot_promised",
        by=by,
        visit=visit,
        slot_start=offer.slot_start,
        slot_end=offer.slot_end,
        technician_id=technician.id,
        technician=technician.name,
        planned_start=offer.planned_start,
        added_travel_s=offer.added_travel_s,
    )
    message = queue_customer_message(visit.ticket, visit=visit, kind=MessageKind.SLOT_CONFIRMED)
    technician_day.version += 1
    db.session.flush()
    return Booking(visit=visit, offer=offer, message_id=message.id, moved_visit_ids=moved)


def _retime_route(found: FoundOffer, technician: Technician, day: date, *, by: User, booked: Visit) -> list[int]:
    """Move the route's other visits later where the new visit pushes them (inside their windows)."""
    moved = []
    for stop in found.core.route.stops:
        visit_id = int(stop.visit[1:])
        if visit_id == booked.id:
            continue
        start = from_day_seconds(stop.start, day)
        visit = db.session.get(Visit, visit_id)
        if visit.planned_start == start:
            continue
        before = visit.planned_start
        visit.planned_start, visit.planned_end = start, from_day_seconds(stop.end, day)
        record_event(
            visit.ticket,
            "visit_retimed",
            by=by,
            visit=visit,
            technician_id=technician.id,
            start_before=before,
            start=start,
            made_room_for_visit=booked.id,
        )
        announce(
            visit.ticket,
            OutboundEvent.VISIT_RESCHEDULED,
            visit=visit,
            source="booking",
            start_before=before,
            made_room_for_visit=booked.id,
        )
        moved.append(visit_id)
    return moved
