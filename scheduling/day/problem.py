"""The day problem (problem.json) of a region's day, built in one way for day plans, slot offers and rebalance.

How the database maps to the problem (who works and when: `crew.py`; which visits: `visits.py`):
- technicians: home is the start and end place; a technician already on the way to (or at) a visit begins the
  day there: the route starts at that customer at its planned start, which is the visit's only window (so
  nothing can be put before it), and breaks whose window has passed by then are dropped.
- service districts become synthetic skills: when any technician of the day has a non-empty
  `service_districts`, each visit needs the skill "district:<its customer's district>" (or
  "district:(none)" when the customer has none), a restricted technician holds "district:<d>" for
  each of their districts, and an unrestricted technician holds every district skill of the day.
  A visit nobody may serve is then reported as missing skill "district:...".
- ids: technicians "t<id>", visits "v<id>", places "H<technician id>" (home) and "C<customer id>".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask import current_app

from scheduling.day import crew
from scheduling.day.clock import to_day_seconds
from scheduling.day.visits import VISIT_IN_PROGRESS, LeftOut, candidate_visits, visit_entry, visit_state
from technicians.models import Technician

NO_DISTRICT = "(none)"
DISTRICT_SKILL = "district:"
DEFAULT_SPEED_KMH = 30
DEFAULT_DETOUR_FACTOR = 1.3


def travel_settings() -> dict:
    """The problem's travel model from the config (TRAVEL_SPEED_KMH, TRAVEL_DETOUR_FACTOR)."""
    config = current_app.config
    return {
        "speed_kmh": config.get("TRAVEL_SPEED_KMH", DEFAULT_SPEED_KMH),
        "detour_factor": config.get("TRAVEL_DETOUR_FACTOR", DEFAULT_DETOUR_FACTOR),
    }


class DayProblem:
    """A day's problem being put together: the day's crew on their hours, then the visits one by one."""

    def __init__(self, day: date, technicians: list[Technician], overrides: crew.Overrides) -> None:
        """`technicians` are the day's crew (`crew.on_shift`), on the hours `overrides` gives them."""
        self.day = day
        self.technicians = technicians
        self.tech_ids = {t.id for t in technicians}
        self.tech_entries = [crew.technician_entry(t, day, shift_override=overrides.get(t.id)) for t in technicians]
        self.locations = {f"H{t.id}": {"id": f"H{t.id}", "lat": t.home_lat, "lon": t.home_lon} for t in technicians}
        self.visits: list[dict] = []
        self.districts: dict[str, str] = {}
        self.under_way: dict[str, tuple[int, dict]] = {}  # technician -> (start seconds, entry) of their started visit

    def add(self, visit, entry: dict) -> None:
        """Put a visit's entry (from `visit_entry`) into the problem, with its customer's place and district."""
        customer = visit.ticket.customer
        location = entry["location"]
        self.locations.setdefault(location, {"id": location, "lat": customer.lat, "lon": customer.lon})
        self.districts[entry["id"]] = customer.district or NO_DISTRICT
        self.visits.append(entry)
        if visit.status in VISIT_IN_PROGRESS and visit.planned_start is not None:
            at = round(to_day_seconds(visit.planned_start, self.day))
            tech_key = f"t{visit.technician_id}"
            if tech_key not in self.under_way or at < self.under_way[tech_key][0]:
                self.under_way[tech_key] = (at, entry)

    def as_problem(self, options: dict | None = None) -> dict:
        """problem.json of the day as built so far (call once: it settles started visits and districts)."""
        begin_at_started_visits(self.tech_entries, self.under_way)
        add_district_skills(self.tech_entries, self.technicians, self.visits, self.districts)
        problem = {
            "date": self.day.isoformat(),
            "locations": list(self.locations.values()),
            "travel": travel_settings(),
            "technicians": self.tech_entries,
            "visits": self.visits,
        }
        if options is not None:
            problem["options"] = options
        return problem


@dataclass(frozen=True)
class DayLoad:
    """What the loader found for a day: the problem, the visits it could not include, and a snapshot."""

    problem: dict
    # [{"visit": "v3", "reason": "<English>", "reason_code": "no_coordinates", "reason_params": {...}}]
    left_out: list[dict] = field(default_factory=list)
    # "v3" -> {"status", "technician_id", "planned_start"} as loaded, to detect changes before publishing.
    snapshot: dict[str, dict] = field(default_factory=dict)


def load_day_problem(day: date, region: str, *, time_limit_s: int) -> dict:
    """problem.json for the region's day (see the module docstring for the mapping)."""
    return load_day(day, region, time_limit_s=time_limit_s).problem


def load_day(day: date, region: str, *, time_limit_s: int) -> DayLoad:
    """The region's day as a problem, plus visits left out with a reason and a snapshot of the visits."""
    overrides = crew.shift_overrides(day)
    built = DayProblem(day, crew.on_shift(crew.region_technicians(region), day, overrides), overrides)
    left_out: list[dict] = []
    snapshot: dict[str, dict] = {}
    for visit in candidate_visits(day, region):
        entry = visit_entry(visit, day, built.tech_ids)
        if entry is None:
            continue
        if isinstance(entry, LeftOut):
            left_out.append(entry.as_item(f"v{visit.id}"))
            continue
        built.add(visit, entry)
        snapshot[entry["id"]] = visit_state(visit)
    problem = built.as_problem({"objective": "travel_time", "time_limit_s": time_limit_s, "balance": True})
    return DayLoad(problem=problem, left_out=left_out, snapshot=snapshot)


def join_day(problem: dict, technician: Technician, day: date, *, shift: list[int]) -> dict:
    """A technician brought in for a spare shift joins an already built day problem (a rebalance's event).

    They work the spare shift's hours, as the day plan reads them once the rebalance is applied, without a lunch
    break; when the day's visits carry district skills, so does their entry (see `add_district_skills`).
    """
    entry = crew.technician_entry(technician, day, shift_override=shift)
    entry["breaks"] = []
    day_districts = sorted(
        {s.removeprefix(DISTRICT_SKILL) for v in problem["visits"] for s in v["skills"] if s.startswith(DISTRICT_SKILL)}
    )
    if day_districts:
        allowed = technician.service_districts or day_districts
        entry["skills"] = entry["skills"] + [f"{DISTRICT_SKILL}{d}" for d in sorted(set(allowed))]
    problem["technicians"].append(entry)
    problem["locations"].append({"id": entry["start"], "lat": technician.home_lat, "lon": technician.home_lon})
    return entry


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


def add_district_skills(
    tech_entries: list[dict], technicians: list[Technician], visits: list[dict], districts_of_visits: dict[str, str]
) -> None:
    """Encode service districts as "district:<name>" skills (only when some technician is restricted)."""
    if not any(t.service_districts for t in technicians):
        return
    day_districts = sorted(set(districts_of_visits.values()))
    for entry, tech in zip(tech_entries, technicians):
        allowed = tech.service_districts or day_districts
        entry["skills"] = entry["skills"] + [f"{DISTRICT_SKILL}{d}" for d in sorted(set(allowed))]
    for visit in visits:
        visit["skills"] = visit["skills"] + [f"{DISTRICT_SKILL}{districts_of_visits[visit['id']]}"]
