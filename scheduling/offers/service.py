"""Slot offers and booking while CS is on the phone: load the coming days' routes, ask the core, book under a lock.

A booked slot becomes the visit's promised window, which every later day plan treats as a hard window of a
must-serve visit (see scheduling/store.py). Two agents booking the same room at once are serialized on the
technician's day: PostgreSQL locks a `TechnicianDay` row (an exclusion constraint on the visits' planned
times is the backstop), SQLite takes its write lock up front with BEGIN IMMEDIATE.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from flask import current_app, g
from sqlalchemy import select
from sqlalchemy.orm import selectinload

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
from dispatch.service.visits import BUSY_STATUSES, place_visit
from scheduling import store
from scheduling.core import parse_problem
from scheduling.core.reasons import Reason
from scheduling.core.slots import Offer, slot_grid
from scheduling.core.slots import offer_slots as core_offer_slots
from scheduling.offers.rules import DEFAULT_DAYS, MAX_DAYS
from scheduling.offers.schemas import SlotOffersSchema
from technicians.models import Technician, TechnicianDay
from technicians.service.days import lock_technician_day

# Each lost race means another booking of that room committed, so a slot runs out after a few; the bound
# only guards against a livelock.
MAX_BOOKING_ATTEMPTS = 20
DEFAULT_SLOT_GRID = {"first_start": "08:00", "last_end": "18:00", "length_min": 120}
DONE_STATUSES = frozenset({VisitStatus.COMPLETED, VisitStatus.FAILED, VisitStatus.CANCELLED})
UNDER_WAY = frozenset({VisitStatus.EN_ROUTE, VisitStatus.ARRIVED})


@dataclass(frozen=True)
class SlotOffer:
    """One slot CS may promise: the cheapest technician for it and why it is cheap."""

    slot_start: datetime
    slot_end: datetime
    technician_id: int
    technician_name: str
    planned_start: datetime
    added_travel_s: int
    reason: Reason  # worded in the reader's language by scheduling/reason_text.py
    customer_available: bool | None  # inside the availability the customer gave; None when they gave none


@dataclass(frozen=True)
class UnavailableSlot:
    slot_start: datetime
    slot_end: datetime
    reason: Reason


@dataclass(frozen=True)
class DayOfOffers:
    date: date
    offered: int
    reason: Reason | None


@dataclass(frozen=True)
class SlotOffers:
    """The feasible slots of the coming days for one visit, cheapest first."""

    visit_id: int
    offers: list[SlotOffer]
    days: list[DayOfOffers]
    unavailable: list[UnavailableSlot] = field(default_factory=list)


@dataclass(frozen=True)
class Booking:
    """A promised slot: the visit as stored and the offer it was booked from."""

    visit: Visit
    offer: SlotOffer
    message_id: int
    moved_visit_ids: list[int]


def offer_slots(visit_id: int, *, days: int = DEFAULT_DAYS, by: User, now: datetime | None = None) -> SlotOffers:
    """The feasible slots of the next `days` days (from tomorrow) for a visit, cheapest first, each with its reason."""
    now = now or utcnow()
    visit = _visit_or_404(visit_id)
    _check_bookable(visit)
    return _offers_for(visit, days=days, now=now)


def book_slot(visit_id: int, *, slot_start: datetime, by: User, now: datetime | None = None) -> Booking:
    """Promise the slot starting at `slot_start` and place the visit on the technician offered for it.

    The slot must be among the current offers, re-computed under the technician day's lock; otherwise
    Conflict (409) carrying fresh offers. The window, the placement, a timeline entry and the customer's
    confirmation text are written in one transaction; the text is sent once it has committed.
    """
    now = now or utcnow()
    if slot_start <= now:
        raise RuleViolation(
            f"The slot {_say(slot_start)} has already begun; pick one of the offered slots from tomorrow on.",
            field="slot",
        )
    day = to_local(slot_start).date()
    with transaction():
        begin_write()
        visit = _visit_or_404(visit_id, lock=True)
        _check_bookable(visit)
        _check_not_booked_already(visit, slot_start)
        for _ in range(MAX_BOOKING_ATTEMPTS):
            found = _offer_for_slot(visit, day, slot_start) if _within_offer_days(day, now) else None
            if found is None:
                break  # a true refusal: the slot is not offered any more
            technician_id = found.offer.technician_id
            attempt = db.session.begin_nested()
            technician_day = _lock_days(visit, technician_id, day)
            # Another booking may have committed while we waited for the lock: read the day again.
            db.session.expire_all()
            visit = _visit_or_404(visit_id)
            found = _offer_for_slot(visit, day, slot_start, only_technician=technician_id)
            if found is None:
                # That technician's day filled up meanwhile; letting go of its lock, look at the slot again.
                attempt.rollback()
                continue
            booking = _book(visit, found, technician_day, by=by)
            attempt.commit()
            after_commit(lambda message_id=booking.message_id: send_after_commit([message_id]))
            return booking
        else:
            fresh = offer_slots(visit_id, days=DEFAULT_DAYS, by=by, now=now)
            raise Conflict(
                f"The slot {_say(slot_start)} is being booked by several agents at this moment; send "
                "the booking again.",
                offers=SlotOffersSchema().dump(fresh),
            )
        fresh = offer_slots(visit_id, days=DEFAULT_DAYS, by=by, now=now)
        raise Conflict(
            f"The slot {_say(slot_start)} is not among the current offers any more (another booking "
            "may have taken it); pick one of the fresh offers.",
            offers=SlotOffersSchema().dump(fresh),
        )


# --- checks ------------------------------------------------------------------------------------------


def _visit_or_404(visit_id: int, *, lock: bool = False) -> Visit:
    query = select(Visit).where(Visit.id == visit_id)
    if lock:
        # Two agents booking the same visit are served one after the other.
        query = query.with_for_update().execution_options(populate_existing=True)
    visit = db.session.scalar(query)
    if visit is None:
        raise NotFound(f"There is no visit {visit_id}.")
    return visit


def _check_bookable(visit: Visit) -> None:
    """Refuse a visit that is done, under way, or beyond its ticket's quota without a manager's approval."""
    if visit.status in DONE_STATUSES:
        raise Conflict(
            f"Visit {visit.id} is {visit.status.value}; a slot can only be booked for a visit still to "
            "be done (register a new visit instead).",
            current=visit.status.value,
        )
    if visit.status in UNDER_WAY:
        raise Conflict(
            f"Visit {visit.id} is already {visit.status.value}: the technician is on it; it cannot be "
            "booked into another slot.",
            current=visit.status.value,
        )
    ticket = visit.ticket
    rules.check_quota_approved(rules.quota_standing(ticket.visits, ticket.visit_quota), visit.id)
    customer = ticket.customer
    if customer.lat is None or customer.lon is None:
        raise RuleViolation(
            f"The customer's address ({customer.address}) has no coordinates; enter its latitude "
            "and longitude so slots can be offered.",
            field="visit",
        )


def _check_not_booked_already(visit: Visit, slot_start: datetime) -> None:
    """The same booking sent again (a second click, a retry without Idempotency-Key) changes nothing.

    Booking it once more would release and re-promise the same window and text the customer a second
    confirmation; the visit is locked here, so of two identical bookings at once the second one sees the first.
    """
    if visit.technician_id is None or visit.promised_start is None or visit.promised_start != slot_start:
        return
    raise Conflict(
        f"Visit {visit.id} is already booked for this slot ({_say(visit.promised_start)}, "
        f"{visit.technician.name}); nothing was changed and the customer was not texted again.",
        visit_id=visit.id,
        technician_id=visit.technician_id,
        slot_start=visit.promised_start.isoformat(),
    )


def _within_offer_days(day: date, now: datetime) -> bool:
    first = to_local(now).date() + timedelta(days=1)
    return first <= day < first + timedelta(days=MAX_DAYS)


def _say(moment: datetime) -> str:
    return to_local(moment).strftime("%Y-%m-%d %H:%M")


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


def _book(visit: Visit, found: _FoundOffer, technician_day: TechnicianDay, *, by: User) -> Booking:
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


def _retime_route(found: _FoundOffer, technician: Technician, day: date, *, by: User, booked: Visit) -> list[int]:
    """Move the route's other visits later where the new visit pushes them (inside their windows)."""
    moved = []
    for stop in found.core.route.stops:
        visit_id = int(stop.visit[1:])
        if visit_id == booked.id:
            continue
        start = store.from_day_seconds(stop.start, day)
        visit = db.session.get(Visit, visit_id)
        if visit.planned_start == start:
            continue
        before = visit.planned_start
        visit.planned_start, visit.planned_end = start, store.from_day_seconds(stop.end, day)
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


# --- computing offers --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _FoundOffer:
    offer: SlotOffer
    core: Offer
    day: date


def slot_grid_seconds(day: date) -> list[tuple[int, int]]:
    """The day's slots (config SLOT_GRID: first_start, last_end "HH:MM", length_min) in plan seconds."""
    grid = {**DEFAULT_SLOT_GRID, **(current_app.config.get("SLOT_GRID") or {})}
    first = store.wall_clock_seconds(time.fromisoformat(grid["first_start"]), day)
    last = store.wall_clock_seconds(time.fromisoformat(grid["last_end"]), day)
    return slot_grid(first, last, int(grid["length_min"]) * 60)


def _offers_for(visit: Visit, *, days: int, now: datetime) -> SlotOffers:
    first = to_local(now).date() + timedelta(days=1)
    wanted = [first + timedelta(days=n) for n in range(min(days, MAX_DAYS))]
    technicians = _region_technicians(visit.ticket.customer.region)
    routed = _routed_visits(technicians, wanted)
    offers, summaries, unavailable = [], [], []
    for day in wanted:
        result = _day_offers(visit, day, technicians, routed.get(day, []))
        offers += [found.offer for found in result.found]
        unavailable += result.unavailable
        summaries.append(DayOfOffers(day, len(result.found), result.reason))
    offers.sort(key=lambda o: (o.added_travel_s, o.slot_start))
    return SlotOffers(visit_id=visit.id, offers=offers, days=summaries, unavailable=unavailable)


def _offer_for_slot(
    visit: Visit, day: date, slot_start: datetime, *, only_technician: int | None = None
) -> _FoundOffer | None:
    technicians = _region_technicians(visit.ticket.customer.region)
    if only_technician is not None:
        technicians = {k: t for k, t in technicians.items() if k == only_technician}
    result = _day_offers(visit, day, technicians, _routed_visits(technicians, [day]).get(day, []))
    return next((f for f in result.found if f.offer.slot_start == slot_start), None)


@dataclass(frozen=True)
class _DayResult:
    found: list[_FoundOffer]
    unavailable: list[UnavailableSlot]
    reason: Reason | None


def _region_technicians(region: str) -> dict[int, Technician]:
    return {
        t.id: t
        for t in db.session.scalars(
            select(Technician)
            .where(Technician.region == region, Technician.active.is_(True))
            .options(selectinload(Technician.skills))
            .order_by(Technician.id)
        )
    }


def _routed_visits(technicians: dict[int, Technician], days: list[date]) -> dict[date, list[Visit]]:
    """The visits on the technicians' routes of `days` (planned and not done), by local day, in one query."""
    if not technicians or not days:
        return {}
    start, end = store.day_bounds(min(days))[0], store.day_bounds(max(days))[1]
    visits = db.session.scalars(
        select(Visit)
        .where(
            Visit.technician_id.in_(list(technicians)),
            Visit.status.in_(BUSY_STATUSES),
            Visit.planned_start >= start,
            Visit.planned_start < end,
        )
        .options(
            selectinload(Visit.ticket).selectinload(Ticket.availability),
            selectinload(Visit.ticket).selectinload(Ticket.customer),
        )
    )
    by_day: dict[date, list[Visit]] = {}
    for routed in visits:
        by_day.setdefault(to_local(routed.planned_start).date(), []).append(routed)
    return by_day


def _technician_entry(technician: Technician, day: date) -> dict:
    """The loader's technician entry; reused across days with the same UTC offsets (no clock change that day)."""
    offsets = (
        store.local_midnight(day) - datetime.combine(day, time(0), tzinfo=UTC),
        store.local_midnight(day + timedelta(days=1)) - datetime.combine(day + timedelta(days=1), time(0), tzinfo=UTC),
    )
    cache = g.setdefault("technician_entries", {})
    key = (technician.id, technician.updated_at, offsets)
    if key not in cache:
        cache[key] = store.technician_entry(technician, day)
    return copy.deepcopy(cache[key])


def _day_offers(visit: Visit, day: date, technicians: dict[int, Technician], routed: list[Visit]) -> _DayResult:
    """Offers of one day, from the day's routes encoded exactly as the day plan's loader encodes them."""
    day_techs = [t for t in technicians.values() if day.isoweekday() in (t.working_days or [])]
    tech_ids = {t.id for t in day_techs}
    tech_entries = [_technician_entry(t, day) for t in day_techs]
    locations = {f"H{t.id}": {"id": f"H{t.id}", "lat": t.home_lat, "lon": t.home_lon} for t in day_techs}
    routes: dict[str, list[tuple[datetime, str]]] = {}
    not_before: dict[str, int] = {}
    entries, districts = [], {}
    for other in routed:
        if other.id == visit.id or other.technician_id not in tech_ids:
            continue
        entry = store.visit_entry(other, day, tech_ids)
        if not isinstance(entry, dict):
            continue  # no coordinates: the day plan reports it, and it cannot be timed here either
        customer = other.ticket.customer
        locations.setdefault(entry["location"], {"id": entry["location"], "lat": customer.lat, "lon": customer.lon})
        entries.append(entry)
        districts[entry["id"]] = customer.district or store.NO_DISTRICT
        routes.setdefault(f"t{other.technician_id}", []).append((other.planned_start, entry["id"]))
        # a booking may push another customer's visit later inside its window, never earlier
        not_before[entry["id"]] = math.ceil(store.to_day_seconds(other.planned_start, day))
    customer = visit.ticket.customer
    target = {
        "id": f"v{visit.id}",
        "location": f"C{customer.id}",
        "duration_s": visit.duration_s,
        "skills": sorted(visit.required_skills or []),
        "windows": [],
        "priority": visit.ticket.priority,
    }
    locations.setdefault(target["location"], {"id": target["location"], "lat": customer.lat, "lon": customer.lon})
    entries.append(target)
    districts[target["id"]] = customer.district or store.NO_DISTRICT
    store.add_district_skills(tech_entries, day_techs, entries, districts)
    problem = {
        "date": day.isoformat(),
        "locations": list(locations.values()),
        "technicians": tech_entries,
        "visits": entries,
        "travel": {
            "speed_kmh": current_app.config.get("TRAVEL_SPEED_KMH", store.DEFAULT_SPEED_KMH),
            "detour_factor": current_app.config.get("TRAVEL_DETOUR_FACTOR", store.DEFAULT_DETOUR_FACTOR),
        },
    }
    result = core_offer_slots(
        parse_problem(problem),
        target["id"],
        routes={t: [vid for _, vid in sorted(stops)] for t, stops in routes.items()},
        slots=slot_grid_seconds(day),
        not_before=not_before,
        names={f"t{t.id}": t.name for t in day_techs},
    )
    found = [_FoundOffer(_slot_offer(visit, o, day, technicians), o, day) for o in result.offers]
    unavailable = [
        UnavailableSlot(store.to_local_time(n.slot[0], day), store.to_local_time(n.slot[1], day), n.reason)
        for n in result.unavailable
    ]
    return _DayResult(found, unavailable, result.reason)


def _slot_offer(visit: Visit, offer: Offer, day: date, technicians: dict[int, Technician]) -> SlotOffer:
    # local times (with their offset) read best on the phone; they compare equal to the UTC instants
    slot_start = store.to_local_time(offer.slot[0], day)
    slot_end = store.to_local_time(offer.slot[1], day)
    windows = visit.ticket.availability
    available = any(w.start < slot_end and w.end > slot_start for w in windows) if windows else None
    technician = technicians[int(offer.technician[1:])]
    return SlotOffer(
        slot_start=slot_start,
        slot_end=slot_end,
        technician_id=technician.id,
        technician_name=technician.name,
        planned_start=store.to_local_time(offer.start, day),
        added_travel_s=offer.added_travel_s,
        reason=offer.reason,
        customer_available=available,
    )
