"""Finding the slots to offer for a visit: the coming days' routes as day problems, asked of the core.

Each day's problem is built by `scheduling/day/` exactly as the day plan builds it (the same crew on the same
hours, a rebalance's spare or shortened shift included), so an offered slot is one the day plan can keep.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask import current_app

from common.i18n import to_local
from dispatch.models import Visit
from scheduling.core import parse_problem
from scheduling.core.reasons import Reason
from scheduling.core.slots import Offer, slot_grid
from scheduling.core.slots import offer_slots as core_offer_slots
from scheduling.day import crew
from scheduling.day.clock import to_day_seconds, to_local_time, wall_clock_seconds
from scheduling.day.problem import DayProblem
from scheduling.day.visits import routed_visits, visit_entry
from scheduling.offers.rules import MAX_DAYS
from technicians.models import Technician

DEFAULT_SLOT_GRID = {"first_start": "08:00", "last_end": "18:00", "length_min": 120}


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
class FoundOffer:
    """An offer with the core's answer behind it (the route it makes) and its day, for booking it."""

    offer: SlotOffer
    core: Offer
    day: date


@dataclass(frozen=True)
class _DayResult:
    found: list[FoundOffer]
    unavailable: list[UnavailableSlot]
    reason: Reason | None


def slot_grid_seconds(day: date) -> list[tuple[int, int]]:
    """The day's slots (config SLOT_GRID: first_start, last_end "HH:MM", length_min) in plan seconds."""
    grid = {**DEFAULT_SLOT_GRID, **(current_app.config.get("SLOT_GRID") or {})}
    first = wall_clock_seconds(time.fromisoformat(grid["first_start"]), day)
    last = wall_clock_seconds(time.fromisoformat(grid["last_end"]), day)
    return slot_grid(first, last, int(grid["length_min"]) * 60)


def offers_for(visit: Visit, *, days: int, now: datetime, show_all: bool = False) -> SlotOffers:
    """The offers of the `days` days from tomorrow (see `service.offer_slots`)."""
    first = to_local(now).date() + timedelta(days=1)
    wanted = [first + timedelta(days=n) for n in range(min(days, MAX_DAYS))]
    technicians = _region_technicians(visit.ticket.customer.region)
    overrides = crew.shift_overrides_of_days(wanted)
    routed = _routed_visits(technicians if _as_before() else _skilled(technicians, visit) or technicians, wanted)
    offers, summaries, unavailable, hidden_in_all = [], [], [], 0
    for day in wanted:
        result = _day_offers(visit, day, technicians, overrides.get(day, {}), routed.get(day, []))
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


def offer_for_slot(
    visit: Visit, day: date, slot_start: datetime, *, only_technician: int | None = None
) -> FoundOffer | None:
    """The offer of the slot starting at `slot_start` on `day` (on `only_technician`'s day), or None."""
    technicians = _region_technicians(visit.ticket.customer.region)
    if only_technician is not None:
        technicians = {k: t for k, t in technicians.items() if k == only_technician}
    overrides = crew.shift_overrides_of_days([day], technicians).get(day, {})
    result = _day_offers(visit, day, technicians, overrides, _routed_visits(technicians, [day]).get(day, []))
    return next((f for f in result.found if f.offer.slot_start == slot_start), None)


def customer_is_home(windows, start: datetime, end: datetime) -> bool | None:
    """Whether the whole of [start, end] lies inside one of the customer's availability windows; None without any."""
    if not windows:
        return None
    return any(w.start <= start and end <= w.end for w in windows)


def _day_slot(offer: SlotOffer, day: date) -> list[int]:
    """The offer's slot as plan seconds of `day` (as reasons carry it)."""
    return [round(to_day_seconds(offer.slot_start, day)), round(to_day_seconds(offer.slot_end, day))]


def _region_technicians(region: str) -> dict[int, Technician]:
    return {t.id: t for t in crew.region_technicians(region)}


def _as_before() -> bool:
    """Config SLOT_OFFER_LOADER="orm": offers computed as they were before the row loader and the skill filter.

    Every technician of the day with their routes, read as ORM objects (each ticket's visits loaded one ticket
    at a time, for the quota). Kept as the reference the fast path must agree with
    (tests/slots/test_offer_loader.py) and as the "before" of `python -m scheduling.bench slots --compare`.
    """
    return current_app.config.get("SLOT_OFFER_LOADER") == "orm"


def _routed_visits(technicians: dict[int, Technician], days: list[date]) -> dict[date, list]:
    return routed_visits(list(technicians), days, as_orm_objects=_as_before())


def _skilled(technicians: dict[int, Technician], visit: Visit) -> dict[int, Technician]:
    """The technicians who have every skill the visit needs: only they (and their routes) can take it."""
    needed = set(visit.required_skills or [])
    return {k: t for k, t in technicians.items() if needed <= set(t.skill_codes)}


def _day_offers(
    visit: Visit, day: date, technicians: dict[int, Technician], overrides: crew.Overrides, routed: list
) -> _DayResult:
    """Offers of one day, from the day's routes encoded exactly as the day plan's loader encodes them.

    Only the technicians with the visit's skills go into the problem, with their routes: nobody else could
    take the visit, and a smaller problem is most of an offer's speed. When nobody skilled works that day,
    the day's whole crew goes in without routes, so the core says why as it always has (nobody with the
    skill, or nobody working at all).
    """
    works = crew.on_shift(technicians.values(), day, overrides)
    skilled = set(_skilled(technicians, visit)) if not _as_before() else {t.id for t in works}
    day_techs = [t for t in works if t.id in skilled] or works
    if not any(t.id in skilled for t in day_techs):
        routed = []
    built = DayProblem(day, day_techs, overrides)
    routes: dict[str, list[tuple[datetime, str]]] = {}
    not_before: dict[str, int] = {}
    for other in routed:
        if other.id == visit.id or other.technician_id not in built.tech_ids:
            continue
        entry = visit_entry(other, day, built.tech_ids)
        if not isinstance(entry, dict):
            continue  # no coordinates: the day plan reports it, and it cannot be timed here either
        built.add(other, entry)
        routes.setdefault(f"t{other.technician_id}", []).append((other.planned_start, entry["id"]))
        # a booking may push another customer's visit later inside its window, never earlier
        not_before[entry["id"]] = math.ceil(to_day_seconds(other.planned_start, day))
    target = {
        "id": f"v{visit.id}",
        "location": f"C{visit.ticket.customer.id}",
        "duration_s": visit.duration_s,
        "skills": sorted(visit.required_skills or []),
        "windows": [],
        "priority": visit.ticket.priority,
    }
    built.add(visit, target)
    result = core_offer_slots(
        parse_problem(built.as_problem()),
        target["id"],
        routes={t: [vid for _, vid in sorted(stops)] for t, stops in routes.items()},
        slots=slot_grid_seconds(day),
        not_before=not_before,
        names={f"t{t.id}": t.name for t in day_techs},
    )
    found = [FoundOffer(_slot_offer(visit, o, day, technicians), o, day) for o in result.offers]
    unavailable = [
        UnavailableSlot(to_local_time(n.slot[0], day), to_local_time(n.slot[1], day), n.reason)
        for n in result.unavailable
    ]
    return _DayResult(found, unavailable, result.reason)


def _slot_offer(visit: Visit, offer: Offer, day: date, technicians: dict[int, Technician]) -> SlotOffer:
    # local times (with their offset) read best on the phone; they compare equal to the UTC instants
    slot_start = to_local_time(offer.slot[0], day)
    slot_end = to_local_time(offer.slot[1], day)
    available = customer_is_home(visit.ticket.availability, slot_start, slot_end)
    technician = technicians[int(offer.technician[1:])]
    return SlotOffer(
        slot_start=slot_start,
        slot_end=slot_end,
        technician_id=technician.id,
        technician_name=technician.name,
        planned_start=to_local_time(offer.start, day),
        added_travel_s=offer.added_travel_s,
        reason=offer.reason,
        customer_available=available,
    )
