"""Between the database and the pure core: load a region's day as problem.json, write plans back.

This is the ONE place where UTC timestamps become "seconds from local midnight of the plan's date"
and back. A second `s` of a plan for `day` is the instant `local_midnight(day) + s` (elapsed seconds,
so it stays exact even on a day with a daylight-saving jump).

How the database maps to the problem:
- technicians: active, of the region, working that ISO weekday; shift and lunch window are local
  wall-clock times; home is the start and end place; `max_visits_per_day` is `max_visits`.
- visits: open visits (unscheduled, scheduled, accepted) of tickets whose customer is in the region,
  when their promised window (hard, and `must_serve`) or, without one, the customer's availability
  windows fall on that day; a visit already scheduled for that day with no window that day may go
  anywhere in the shift. A visit scheduled for another day is left to that day's plan. Visits already
  started that day (en_route, arrived) are pinned to their technician and publishing never moves them;
  the technician's day then begins there: the route starts at that customer at its planned start, which
  is the visit's only window (so nothing can be put before it), and breaks whose window has passed by
  then are dropped.
- service districts become synthetic skills: when any technician of the day has a non-empty
  `service_districts`, each visit needs the skill "district:<its customer's district>" (or
  "district:(none)" when the customer has none), a restricted technician holds "district:<d>" for
  each of their districts, and an unrestricted technician holds every district skill of the day.
  A visit nobody may serve is then reported as missing skill "district:...".
- ids: technicians "t<id>", visits "v<id>", places "H<technician id>" (home) and "C<customer id>".
- a window is a start-of-service window: the technician starts work inside it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

from flask import current_app
from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import selectinload

from common.db import db
from common.i18n import local_day_bounds, local_zone
from common.models import User
from dispatch import rules
from dispatch.enums import VisitStatus
from dispatch.models import AvailabilityWindow, Customer, Ticket, Visit
from dispatch.rules import VISIT_OPEN
from dispatch.service.visits import BUSY_STATUSES as VISIT_HOLDING_TIME
from dispatch.service.visits import place_visit
from scheduling.models import Plan
from technicians.models import Technician, TechnicianDay

DAY_S = 24 * 3600
VISIT_IN_PROGRESS = frozenset({VisitStatus.EN_ROUTE, VisitStatus.ARRIVED})
NO_DISTRICT = "(none)"
DEFAULT_SPEED_KMH = 30
DEFAULT_DETOUR_FACTOR = 1.3
# Why the loader leaves a visit out; scheduling/reason_text.py words each code.
LEFT_OUT_CODES = ("started_off_shift", "no_coordinates", "awaiting_quota_approval")
# Why a visit is on no route in the day as it stands (the plan a rebalance starts from); worded there too.
DAY_STATE_CODES = ("not_planned",)


@dataclass(frozen=True)
class LeftOut:
    """Why the loader could not give a visit to the solver: a code and parameters, and the English sentence."""

    code: str
    params: dict
    text: str

    def __post_init__(self) -> None:
        if self.code not in LEFT_OUT_CODES:
            raise ValueError(f"unknown left-out code {self.code!r}")

    def as_item(self, visit_id: str) -> dict:
        """The plan's `left_out` entry, shaped like an unassigned item of plan.json."""
        return {"visit": visit_id, "reason": self.text, "reason_code": self.code, "reason_params": self.params}


@dataclass(frozen=True)
class DayLoad:
    """What the loader found for a day: the problem, the visits it could not include, and a snapshot."""

    problem: dict
    # [{"visit": "v3", "reason": "<English>", "reason_code": "no_coordinates", "reason_params": {...}}]
    left_out: list[dict] = field(default_factory=list)
    # "v3" -> {"status", "technician_id", "planned_start"} as loaded, to detect changes before publishing.
    snapshot: dict[str, dict] = field(default_factory=dict)


# --- time: the only conversions between stored UTC and plan seconds ---------------------------------


def local_midnight(day: date) -> datetime:
    """The UTC instant of local midnight starting `day`."""
    return _midnight(day, local_zone())


@lru_cache(maxsize=4096)
def _midnight(day: date, zone) -> datetime:
    # called for every visit of every day an offer request reads: worth remembering
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """UTC start and end of the local day `day`."""
    return local_midnight(day), local_midnight(day + timedelta(days=1))


def to_day_seconds(moment: datetime, day: date) -> float:
    """Seconds from local midnight of `day` to the aware `moment`."""
    return (moment - local_midnight(day)).total_seconds()


def from_day_seconds(seconds: int, day: date) -> datetime:
    """The UTC instant `seconds` after local midnight of `day`."""
    return local_midnight(day) + timedelta(seconds=seconds)


def to_local_time(seconds: int, day: date) -> datetime:
    """Plan seconds of `day` as a local, offset-aware datetime (for showing)."""
    return from_day_seconds(seconds, day).astimezone(local_zone())


def wall_clock_seconds(clock: time, day: date) -> int:
    """A local wall-clock time on `day` (a shift start, a break end) as plan seconds."""
    return round(to_day_seconds(datetime.combine(day, clock, tzinfo=local_zone()), day))


def clip_window(start: datetime, end: datetime, day: date) -> list[int] | None:
    """[a, b] plan seconds of the part of a UTC window inside `day`, or None when it misses the day.

    Bounds round inwards (start up, end down) so a stop inside the seconds is inside the real window.
    """
    a = max(0, math.ceil(to_day_seconds(start, day)))
    b = min(DAY_S, math.floor(to_day_seconds(end, day)))
    return [a, b] if a <= b and end > local_midnight(day) and start < local_midnight(day + timedelta(days=1)) else None


# --- loading a day ---------------------------------------------------------------------------------


def load_day_problem(day: date, region: str, *, time_limit_s: int) -> dict:
    """problem.json for the region's day (see the module docstring for the mapping)."""
    return load_day(day, region, time_limit_s=time_limit_s).problem


def load_day(day: date, region: str, *, time_limit_s: int) -> DayLoad:
    """The region's day as a problem, plus visits left out with a reason and a snapshot of the visits."""
    technicians = _technicians_of_day(day, region)
    tech_ids = {t.id for t in technicians}
    locations: dict[str, dict] = {}
    for tech in technicians:
        locations[f"H{tech.id}"] = {"id": f"H{tech.id}", "lat": tech.home_lat, "lon": tech.home_lon}

    visits_out: list[dict] = []
    left_out: list[dict] = []
    snapshot: dict[str, dict] = {}
    districts_of_visits: dict[str, str] = {}
    under_way: dict[str, tuple[int, dict]] = {}  # technician -> (start seconds, entry) of their started visit
    for visit in _candidate_visits(day, region):
        vid = f"v{visit.id}"
        entry = visit_entry(visit, day, tech_ids)
        if entry is None:
            continue
        if isinstance(entry, LeftOut):
            left_out.append(entry.as_item(vid))
            continue
        if visit.status in VISIT_IN_PROGRESS and visit.planned_start is not None:
            at = round(to_day_seconds(visit.planned_start, day))
            tech_key = f"t{visit.technician_id}"
            if tech_key not in under_way or at < under_way[tech_key][0]:
                under_way[tech_key] = (at, entry)
        customer = visit.ticket.customer
        locations.setdefault(f"C{customer.id}", {"id": f"C{customer.id}", "lat": customer.lat, "lon": customer.lon})
        districts_of_visits[vid] = customer.district or NO_DISTRICT
        visits_out.append(entry)
        snapshot[vid] = _visit_state(visit)

    spares = shift_overrides(day)
    tech_entries = [technician_entry(t, day, shift_override=spares.get(t.id)) for t in technicians]
    begin_at_started_visits(tech_entries, under_way)
    add_district_skills(tech_entries, technicians, visits_out, districts_of_visits)
    config = current_app.config
    problem = {
        "date": day.isoformat(),
        "locations": list(locations.values()),
        "travel": {
            "speed_kmh": config.get("TRAVEL_SPEED_KMH", DEFAULT_SPEED_KMH),
            "detour_factor": config.get("TRAVEL_DETOUR_FACTOR", DEFAULT_DETOUR_FACTOR),
        },
        "technicians": tech_entries,
        "visits": visits_out,
        "options": {"objective": "travel_time", "time_limit_s": time_limit_s, "balance": True},
    }
    return DayLoad(problem=problem, left_out=left_out, snapshot=snapshot)


def begin_at_started_visits(tech_entries: list[dict], under_way: dict[str, tuple[int, dict]]) -> None:
    """A technician on the way to (or at) a visit starts the day there, at its planned start, with it first.

    A pin's sequence only orders pinned visits among themselves; the window [start, start] at the start of
    the shift is what keeps every other visit after it."""
    for tech in tech_entries:
        if tech["id"] not in under_way:
            continue
        at, visit = under_way[tech["id"]]
        at = max(at, tech["shift"][0])
        tech["start"] = visit["location"]
        tech["shift"] = [at, max(at, tech["shift"][1])]
        tech["breaks"] = [
            {**b, "window": [max(b["window"][0], at), b["window"][1]]}
            for b in tech["breaks"]
            if b["window"][1] - b["duration_s"] >= at
        ]
        visit["windows"] = [[at, at]]


def _technicians_of_day(day: date, region: str) -> list[Technician]:
    rows = db.session.scalars(
        select(Technician)
        .where(Technician.region == region, Technician.active.is_(True))
        .options(selectinload(Technician.skills))
        .order_by(Technician.id)
    )
    spares = shift_overrides(day)
    return [t for t in rows if day.isoweekday() in (t.working_days or []) or t.id in spares]


def shift_overrides(day: date) -> dict[int, list[int]]:
    """Technician id -> the shift [start_s, end_s] a rebalance left for `day` (a spare shift, or cut at "out")."""
    rows = db.session.execute(
        select(TechnicianDay.technician_id, TechnicianDay.shift_override).where(
            TechnicianDay.day == day, TechnicianDay.shift_override.is_not(None)
        )
    )
    return {tech_id: list(shift) for tech_id, shift in rows if shift}


def _candidate_visits(day: date, region: str) -> list[Visit]:
    """Visits of the region that may belong to `day`; `visit_entry` decides exactly."""
    start, end = day_bounds(day)
    available_that_day = exists().where(
        AvailabilityWindow.ticket_id == Visit.ticket_id, AvailabilityWindow.start < end, AvailabilityWindow.end > start
    )
    touches_day = or_(
        and_(Visit.promised_start < end, Visit.promised_end > start),
        and_(Visit.promised_start.is_(None), available_that_day),
        and_(Visit.planned_start >= start, Visit.planned_start < end),
    )
    return list(
        db.session.scalars(
            select(Visit)
            .join(Visit.ticket)
            .join(Ticket.customer)
            .where(Customer.region == region, Visit.status.in_(VISIT_OPEN | VISIT_IN_PROGRESS), touches_day)
            .options(
                selectinload(Visit.ticket).selectinload(Ticket.availability),
                selectinload(Visit.ticket).selectinload(Ticket.customer),
                selectinload(Visit.ticket).selectinload(Ticket.visits),
            )
            .order_by(Visit.id)
        )
    )


def _planned_on(visit: Visit, day: date) -> bool:
    start, end = day_bounds(day)
    return visit.planned_start is not None and start <= visit.planned_start < end


def visit_entry(visit: Visit, day: date, tech_ids: set[int]) -> dict | LeftOut | None:
    """The problem's visit, a reason to leave it out, or None when it is not this day's visit."""
    ticket, customer = visit.ticket, visit.ticket.customer
    pinned = None
    windows: list[list[int]] = []
    promised = visit.promised_start is not None and visit.promised_end is not None
    if visit.status in VISIT_IN_PROGRESS:
        if not _planned_on(visit, day):
            return None
        if visit.technician_id not in tech_ids:
            return LeftOut(
                "started_off_shift",
                {
                    "visit_id": visit.id,
                    "status": visit.status.value,
                    "technician_id": visit.technician_id,
                    "date": day.isoformat(),
                },
                f"visit {visit.id} is already {visit.status.value} with technician {visit.technician_id}, "
                f"who is not on shift in this region on {day.isoformat()}",
            )
        # Under way: it stays with the technician who is there or on the way, whatever its window said.
        pinned = {"technician": f"t{visit.technician_id}", "sequence": 1}
    elif promised:
        window = clip_window(visit.promised_start, visit.promised_end, day)
        if window is None:
            return None
        windows = [window]
    else:
        if visit.planned_start is not None and not _planned_on(visit, day):
            return None  # scheduled for another day: that day's plan owns it
        windows = [w for w in (clip_window(a.start, a.end, day) for a in ticket.availability) if w]
        if not windows and not _planned_on(visit, day):
            return None
    if pinned is None and rules.quota_standing(ticket.visits, ticket.visit_quota).needs_approval(visit.id):
        # Beyond the order's quota no plan may take it before a manager approves it (a started visit already went).
        return LeftOut(
            "awaiting_quota_approval",
            {"visit_id": visit.id, "ticket_id": ticket.id, "visit_quota": ticket.visit_quota},
            f"visit {visit.id} is beyond the visit quota of {ticket.visit_quota} of ticket {ticket.id}; "
            "a manager must approve it before it is planned",
        )
    if customer.lat is None or customer.lon is None:
        return LeftOut(
            "no_coordinates",
            {"customer_id": customer.id, "address": customer.address, "visit_id": visit.id},
            f"customer {customer.id} ({customer.address}) has no coordinates; "
            f"enter its latitude and longitude so visit {visit.id} can be planned",
        )
    _, day_end = day_bounds(day)
    overdue_s = max(0, math.floor((day_end - ticket.due_at).total_seconds())) if ticket.due_at else 0
    return {
        "id": f"v{visit.id}",
        "location": f"C{customer.id}",
        "duration_s": visit.duration_s,
        "skills": sorted(visit.required_skills or []),
        "windows": windows,
        "priority": ticket.priority,
        "demand": 0,
        "pinned": pinned,
        # A promised slot is kept by every later plan; a started visit is already happening.
        "must_serve": promised or pinned is not None,
        # How late the ticket will be if the visit is not served today (raises the drop cost).
        "overdue_s": overdue_s,
    }


def _visit_state(visit: Visit) -> dict:
    return {
        "status": visit.status.value,
        "technician_id": visit.technician_id,
        "planned_start": visit.planned_start.isoformat() if visit.planned_start else None,
    }


def technician_entry(tech: Technician, day: date, *, shift_override: list[int] | None = None) -> dict:
    """The problem's technician for `day`: shift (a spare shift instead of the usual hours), lunch break, home,
    skills and visit limit."""
    shift = [wall_clock_seconds(tech.shift_start, day), wall_clock_seconds(tech.shift_end, day)]
    if shift_override is not None:
        shift = list(shift_override)
        if shift[1] <= shift[0]:  # out from before the day began: on the day's list, with no time to work
            shift = [shift[0], shift[0]]
    breaks = []
    if tech.break_start is not None and tech.break_end is not None:
        # The lunch window is kept inside the shift; a break that no longer fits is not asked for.
        window = [
            max(shift[0], wall_clock_seconds(tech.break_start, day)),
            min(shift[1], wall_clock_seconds(tech.break_end, day)),
        ]
        duration_s = tech.break_duration_min * 60
        if duration_s > 0 and window[1] - window[0] >= duration_s:
            breaks.append({"window": window, "duration_s": duration_s})
    return {
        "id": f"t{tech.id}",
        "start": f"H{tech.id}",
        "end": f"H{tech.id}",
        "skills": list(tech.skill_codes),
        "shift": shift,
        "breaks": breaks,
        "max_visits": tech.max_visits_per_day,
        "capacity": None,
    }


def add_district_skills(
    tech_entries: list[dict], technicians: list[Technician], visits: list[dict], districts_of_visits: dict[str, str]
) -> None:
    """Encode service districts as "district:<name>" skills (only when some technician is restricted)."""
    if not any(t.service_districts for t in technicians):
        return
    day_districts = sorted(set(districts_of_visits.values()))
    for entry, tech in zip(tech_entries, technicians):
        allowed = tech.service_districts or day_districts
        entry["skills"] = entry["skills"] + [f"district:{d}" for d in sorted(set(allowed))]
    for visit in visits:
        visit["skills"] = visit["skills"] + [f"district:{districts_of_visits[visit['id']]}"]


# --- storing and applying plans --------------------------------------------------------------------


def store_plan(plan: Plan, result: dict, *, violations: list[str]) -> None:
    """Keep the solver's plan.json, its KPIs and the checker's findings on `plan` (flushes only)."""
    plan.result = result
    kpis = result.get("kpis")
    if kpis is not None:
        # The visits the loader left out never reached the solver, but the day leaves them unassigned all the same.
        kpis = {**kpis, "unassigned": kpis.get("unassigned", 0) + len(plan.left_out or [])}
    plan.kpis = kpis
    plan.violations = list(violations)
    db.session.flush()


def _int_id(prefixed: str) -> int:
    return int(prefixed[1:])


def visits_changed_since_load(snapshot: dict[str, dict], *, day: date, technician_ids: list[int]) -> list[str]:
    """One line per visit of a loaded day (`snapshot`, as load_day took it) whose status, technician or planned
    start changed since, and per visit placed on one of `technician_ids`' day since then.

    The one check before writing what was computed from a load: publishing a plan, applying a rebalance."""
    changes = []
    ids = [_int_id(v) for v in snapshot]
    current = (
        {
            v.id: v
            for v in db.session.scalars(
                select(Visit).where(Visit.id.in_(ids)).execution_options(populate_existing=True)
            )
        }
        if ids
        else {}
    )
    for vid, before in sorted(snapshot.items(), key=lambda item: _int_id(item[0])):
        visit = current.get(_int_id(vid))
        if visit is None:
            changes.append(f"visit {vid[1:]} no longer exists")
            continue
        if VisitStatus(before["status"]) in VISIT_IN_PROGRESS:
            # Started visits are pinned and never moved by publishing; their progress is expected.
            continue
        now = _visit_state(visit)
        if now["status"] != before["status"]:
            changes.append(f"visit {visit.id} is now {now['status']} (was {before['status']} when planned)")
        elif now != before:
            changes.append(
                f"visit {visit.id} was moved since the plan was made (technician "
                f"{before['technician_id']} -> {now['technician_id']}, start "
                f"{before['planned_start']} -> {now['planned_start']})"
            )
    for visit in _visits_added_to_day(day, technician_ids, known=set(current)):
        changes.append(
            f"visit {visit.id} was placed on technician {visit.technician_id}'s day since the plan was "
            f"made ({visit.status.value}, start {visit.planned_start.isoformat()})"
        )
    return changes


def plan_visit_ids(plan: Plan) -> list[int]:
    """The visits the plan was made for (its snapshot), in id order."""
    return sorted(_int_id(v) for v in plan.visit_snapshot)


def plan_technician_ids(plan: Plan) -> list[int]:
    """The technicians whose day the plan lays out, in id order (the order their day locks are taken in)."""
    return sorted(_int_id(t["id"]) for t in plan.problem.get("technicians", []))


def _visits_added_to_day(day: date, technician_ids: list[int], *, known: set[int]) -> list[Visit]:
    """Visits holding time on the technicians' day which the load never saw (a booking, a manual move)."""
    if not technician_ids:
        return []
    start, end = local_day_bounds(day)
    query = (
        select(Visit)
        .where(
            Visit.technician_id.in_(technician_ids),
            Visit.status.in_(VISIT_HOLDING_TIME),
            Visit.planned_start < end,
            Visit.planned_end > start,
        )
        .order_by(Visit.id)
    )
    return [visit for visit in db.session.scalars(query) if visit.id not in known]


def apply_plan(plan: Plan, *, by: User | None) -> dict:
    """Write the plan's routes to its visits as UTC planned times (flushes only).

    Returns {"placed": [visit ids], "kept_scheduled": [ids the plan left unassigned that stay scheduled]}.
    Visits already under way are left as they are.
    """
    technicians = {
        t.id: t
        for t in db.session.scalars(
            select(Technician).where(Technician.id.in_([_int_id(r["technician"]) for r in plan.result["routes"]]))
        )
    }
    placed = []
    for route in plan.result["routes"]:
        technician = technicians[_int_id(route["technician"])]
        for stop in route["stops"]:
            visit = db.session.get(Visit, _int_id(stop["visit"]))
            if visit.status in VISIT_IN_PROGRESS:
                continue
            place_visit(
                visit,
                technician=technician,
                start=from_day_seconds(stop["start"], plan.date),
                end=from_day_seconds(stop["end"], plan.date),
                by=by,
                source=f"plan {plan.id}",
            )
            placed.append(visit.id)
    kept = []
    for item in plan.result["unassigned"]:
        visit = db.session.get(Visit, _int_id(item["visit"]))
        if visit is not None and visit.status in (VisitStatus.SCHEDULED, VisitStatus.ACCEPTED):
            kept.append(visit.id)
    db.session.flush()
    return {"placed": placed, "kept_scheduled": kept}


# --- showing plans ---------------------------------------------------------------------------------


def local_routes(plan: Plan) -> list[dict]:
    """The plan's routes with integer ids and local, offset-aware times (empty before the solve ends)."""
    if not plan.result:
        return []
    day = plan.date

    def interval(item: dict | None) -> dict | None:
        if not item:
            return None
        return {"start": to_local_time(item["start"], day), "end": to_local_time(item["end"], day)}

    return [
        {
            "technician_id": _int_id(route["technician"]),
            "stops": [
                {
                    "visit_id": _int_id(s["visit"]),
                    "arrival": to_local_time(s["arrival"], day),
                    "start": to_local_time(s["start"], day),
                    "end": to_local_time(s["end"], day),
                }
                for s in route["stops"]
            ],
            "break": interval(route.get("break")),
            "breaks": [interval(b) for b in route.get("breaks", [])],
            "travel_s": route.get("travel_s", 0),
            "distance_m": route.get("distance_m", 0),
        }
        for route in plan.result["routes"]
    ]


def local_unassigned(plan: Plan) -> list[dict]:
    """Visits of the day the plan does not serve, with reasons: the solver's and the loader's.

    `reason` is the stored English sentence; plans stored before reasons had codes have no `reason_code`.
    """
    solver = plan.result["unassigned"] if plan.result else []
    return [_unassigned_item(u, "solver", plan.date) for u in solver] + [
        _unassigned_item(u, "loader", plan.date) for u in plan.left_out or []
    ]


def _unassigned_item(item: dict, stage: str, day: date) -> dict:
    return {
        "visit_id": _int_id(item["visit"]),
        "reason": item["reason"],
        "reason_code": item.get("reason_code"),
        "reason_params": item.get("reason_params"),
        "stage": stage,
        "date": day,
    }
