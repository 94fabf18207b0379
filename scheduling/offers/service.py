"""Slot offers and booking while CS is on the phone: load the coming days' routes, ask the core, book under a lock.

A booked slot becomes the visit's promised window, which every later day plan treats as a hard window of a
must-serve visit (see scheduling/store.py). Two agents booking the same room at once are serialized on the
technician's day: PostgreSQL locks a `TechnicianDay` row (an exclusion constraint on the visits' planned
times is the backstop), SQLite takes its write lock up front with BEGIN IMMEDIATE.
"""

from __future__ import annotations

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
from dispatch.models import AvailabilityWindow, Customer, Ticket, Visit
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
    # the whole slot lies inside one window of the availability the customer gave; None when they gave none
    customer_available: bool | None


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
    outside_availability: int = 0  # free slots left out because the customer is not at home then


@dataclass(frozen=True)
class SlotOffers:
    """The feasible slots of the coming days for one visit, cheapest first."""

    visit_id: int
    offers: list[SlotOffer]
    days: list[DayOfOffers]
    unavailable: list[UnavailableSlot] = field(default_factory=list)
    show_all: bool = False  # slots outside the customer's availability are offered too
    outside_availability: int = 0  # free slots left out because the customer is not at home then


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
    return _offers_for(visit, days=days, now=now, show_all=show_all)


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


def _offers_for(visit: Visit, *, days: int, now: datetime, show_all: bool = False) -> SlotOffers:
    first = to_local(now).date() + timedelta(days=1)
    wanted = [first + timedelta(days=n) for n in range(min(days, MAX_DAYS))]
    technicians = _region_technicians(visit.ticket.customer.region)
    routed = _routed_visits(technicians if _as_before() else _skilled(technicians, visit) or technicians, wanted)
    offers, summaries, unavailable, hidden_in_all = [], [], [], 0
    for day in wanted:
        result = _day_offers(visit, day, technicians, routed.get(day, []))
        shown = [f.offer for f in result.found if show_all or f.offer.customer_available is not False]
        hidden = [f.offer for f in result.found if not show_all and f.offer.customer_available is False]
        offers += shown
        unavailable += result.unavailable
        unavailable += [
            UnavailableSlot(o.slot_start, o.slot_end, Reason("slot_outside_availability", {"slot": _day_slot(o, day)}))
            for o in hidden
        ]
        reason = result.reason
        if not shown and hidden:
            reason = Reason("day_outside_availability", {"date": day.isoformat()})
        summaries.append(DayOfOffers(day, len(shown), reason, outside_availability=len(hidden)))
        hidden_in_all += len(hidden)
    offers.sort(key=lambda o: (o.added_travel_s, o.slot_start))
    unavailable.sort(key=lambda u: u.slot_start)
    return SlotOffers(
        visit_id=visit.id,
        offers=offers,
        days=summaries,
        unavailable=unavailable,
        show_all=show_all,
        outside_availability=hidden_in_all,
    )


def _day_slot(offer: SlotOffer, day: date) -> list[int]:
    """The offer's slot as plan seconds of `day` (as reasons carry it)."""
    return [round(store.to_day_seconds(offer.slot_start, day)), round(store.to_day_seconds(offer.slot_end, day))]


def customer_is_home(windows, start: datetime, end: datetime) -> bool | None:
    """Whether the whole of [start, end] lies inside one of the customer's availability windows; None without any."""
    if not windows:
        return None
    return any(w.start <= start and end <= w.end for w in windows)


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


def _as_before() -> bool:
    """Config SLOT_OFFER_LOADER="orm": offers computed as they were before the row loader and the skill filter.

    Every technician of the day with their routes, read as ORM objects (each ticket's visits loaded one ticket
    at a time, for the quota). Kept as the reference the fast path must agree with
    (tests/slots/test_offer_loader.py) and as the "before" of `python -m scheduling.bench slots --compare`.
    """
    return current_app.config.get("SLOT_OFFER_LOADER") == "orm"


def _routed_visits(technicians: dict[int, Technician], days: list[date]) -> dict[date, list[_RoutedVisit]]:
    if _as_before():
        return _routed_visits_as_orm_objects(technicians, days)
    return _routed_visit_rows(technicians, days)


def _routed_visits_as_orm_objects(technicians: dict[int, Technician], days: list[date]) -> dict[date, list[Visit]]:
    """The loader as it was: ORM objects (see `_as_before`)."""
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


def _routed_visit_rows(technicians: dict[int, Technician], days: list[date]) -> dict[date, list[_RoutedVisit]]:
    """The visits on the technicians' routes of `days` (planned and not done), by local day.

    Read as plain rows (a few narrow queries, no ORM objects): an offer request reads every route of the
    coming week, and building hundreds of ORM objects with their tickets and customers was most of its time.
    The rows answer the attributes `store.visit_entry` reads, so routes are encoded exactly as the day plan's
    loader encodes them.
    """
    if not technicians or not days:
        return {}
    start, end = store.day_bounds(min(days))[0], store.day_bounds(max(days))[1]
    rows = db.session.execute(
        select(
            Visit.id,
            Visit.ticket_id,
            Visit.status,
            Visit.technician_id,
            Visit.planned_start,
            Visit.promised_start,
            Visit.promised_end,
            Visit.duration_s,
            Visit.required_skills,
            Ticket.priority,
            Ticket.due_at,
            Ticket.visit_quota,
            Customer.id.label("customer_id"),
            Customer.lat,
            Customer.lon,
            Customer.district,
            Customer.address,
        )
        .join(Ticket, Ticket.id == Visit.ticket_id)
        .join(Customer, Customer.id == Ticket.customer_id)
        .where(
            Visit.technician_id.in_(list(technicians)),
            Visit.status.in_(BUSY_STATUSES),
            Visit.planned_start >= start,
            Visit.planned_start < end,
        )
    ).all()
    ticket_ids = sorted({row.ticket_id for row in rows})
    quota_visits: dict[int, list] = {}
    availability: dict[int, list] = {}
    for chunk in (ticket_ids[k : k + 500] for k in range(0, len(ticket_ids), 500)):
        for v in db.session.execute(
            select(
                Visit.id,
                Visit.ticket_id,
                Visit.sequence_no,
                Visit.status,
                Visit.counts_against_quota,
                Visit.approved_by_id,
            ).where(Visit.ticket_id.in_(chunk))
        ):
            quota_visits.setdefault(v.ticket_id, []).append(v)
        # availability only matters for a routed visit without a promised slot (placed by a day plan)
        in_chunk = set(chunk)
        unpromised = [r.ticket_id for r in rows if r.promised_start is None and r.ticket_id in in_chunk]
        if unpromised:
            for w in db.session.execute(
                select(AvailabilityWindow.ticket_id, AvailabilityWindow.start, AvailabilityWindow.end).where(
                    AvailabilityWindow.ticket_id.in_(unpromised)
                )
            ):
                availability.setdefault(w.ticket_id, []).append(w)
    by_day: dict[date, list[_RoutedVisit]] = {}
    for row in rows:
        customer = _RoutedCustomer(row.customer_id, row.lat, row.lon, row.district, row.address)
        ticket = _RoutedTicket(
            row.ticket_id,
            row.priority,
            row.due_at,
            row.visit_quota,
            customer,
            availability.get(row.ticket_id, []),
            quota_visits.get(row.ticket_id, []),
        )
        routed = _RoutedVisit(
            row.id,
            row.status,
            row.technician_id,
            row.planned_start,
            row.promised_start,
            row.promised_end,
            row.duration_s,
            row.required_skills,
            ticket,
        )
        by_day.setdefault(to_local(routed.planned_start).date(), []).append(routed)
    return by_day


@dataclass(frozen=True)
class _RoutedCustomer:
    id: int
    lat: float | None
    lon: float | None
    district: str | None
    address: str


@dataclass(frozen=True)
class _RoutedTicket:
    id: int
    priority: int
    due_at: datetime | None
    visit_quota: int
    customer: _RoutedCustomer
    availability: list  # rows with start, end
    visits: list  # rows with id, sequence_no, status, counts_against_quota, approved_by_id (the quota's count)


@dataclass(frozen=True)
class _RoutedVisit:
    """A visit on a route, as `store.visit_entry` reads it."""

    id: int
    status: VisitStatus
    technician_id: int
    planned_start: datetime
    promised_start: datetime | None
    promised_end: datetime | None
    duration_s: int
    required_skills: list[str]
    ticket: _RoutedTicket


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
    entry = cache[key]
    # a copy whose lists the problem may change (cheaper than deepcopy, which was a tenth of an offer request)
    return {
        **entry,
        "skills": list(entry["skills"]),
        "shift": list(entry["shift"]),
        "breaks": [{**b, "window": list(b["window"])} for b in entry["breaks"]],
    }


def _skilled(technicians: dict[int, Technician], visit: Visit) -> dict[int, Technician]:
    """The technicians who have every skill the visit needs: only they (and their routes) can take it."""
    needed = set(visit.required_skills or [])
    return {k: t for k, t in technicians.items() if needed <= set(t.skill_codes)}


def _day_offers(visit: Visit, day: date, technicians: dict[int, Technician], routed: list[_RoutedVisit]) -> _DayResult:
    """Offers of one day, from the day's routes encoded exactly as the day plan's loader encodes them.

    Only the technicians with the visit's skills go into the problem, with their routes: nobody else could
    take the visit, and a smaller problem is most of an offer's speed. When nobody skilled works that day,
    the day's whole crew goes in without routes, so the core says why as it always has (nobody with the
    skill, or nobody working at all).
    """
    works = [t for t in technicians.values() if day.isoweekday() in (t.working_days or [])]
    skilled = set(_skilled(technicians, visit)) if not _as_before() else {t.id for t in works}
    day_techs = [t for t in works if t.id in skilled] or works
    if not any(t.id in skilled for t in day_techs):
        routed = []
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
    available = customer_is_home(visit.ticket.availability, slot_start, slot_end)
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
