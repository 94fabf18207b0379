"""Who could do a visit at all, and why a visit was left unassigned or a slot cannot be offered.

A reason is a stable code with JSON-safe parameters, so the app can word it in the reader's language
(`scheduling/reason_text.py`); `Reason.text` is the English sentence that the CLI, plan.json and the
benchmarks read. Every code the core produces has its English wording in `_ENGLISH` below, which is also the
list of codes (`REASON_CODES`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date as Date
from typing import Any

from scheduling.core.plan import Route
from scheduling.core.problem import Problem, Technician, Visit
from scheduling.core.timing import earliest_start, serves_alone

MAX_IDS_IN_REASON = 5  # name a few technicians, not fifty


@dataclass(frozen=True)
class Reason:
    """Why, as a code and its parameters (str, int, and lists of them; windows as [start_s, end_s] pairs).

    Lists are kept as tuples so a reason can be hashed and compared; `params_json()` gives them back as lists.
    """

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.code not in _ENGLISH:
            raise ValueError(f"unknown reason code {self.code!r}")
        object.__setattr__(self, "params", {k: _frozen(v, k) for k, v in self.params.items()})

    def __hash__(self) -> int:
        return hash((self.code, tuple(sorted(self.params.items()))))

    @property
    def text(self) -> str:
        """The English sentence, as plan.json and the CLI show it."""
        return _ENGLISH[self.code](self.params)

    def __str__(self) -> str:
        return self.text

    def params_json(self) -> dict[str, Any]:
        """The parameters with lists, ready for json.dump."""
        return {k: _listed(v) for k, v in self.params.items()}


@dataclass(frozen=True)
class Suitability:
    """The technicians who could do a visit on an empty day, or why nobody can."""

    technicians: tuple[Technician, ...]
    reason: Reason | None = None


def find_suitable_technicians(problem: Problem, visit: Visit) -> Suitability:
    """Technicians who have the skills, the pin, the room and the time to do `visit`; else the first blocker."""
    skilled = [t for t in problem.technicians if visit.skills <= t.skills]
    if not problem.technicians:
        return Suitability((), Reason("no_technician_working"))
    if not skilled:
        return Suitability((), _missing_skills_reason(problem, visit))
    pinned: dict[str, Any] = {}
    if visit.pinned is not None:
        technician = problem.technician(visit.pinned.technician)
        if technician not in skilled:
            return Suitability(
                (),
                Reason(
                    "pinned_lacks_skill",
                    {"pinned_technician": technician.id, "skills": sorted(visit.skills - technician.skills)},
                ),
            )
        skilled = [technician]
        pinned = {"pinned_technician": technician.id}
    # the sentence names the pinned technician, else everyone with the visit's skills
    who = pinned or {"skills": sorted(visit.skills)}
    with_room = [t for t in skilled if t.max_visits != 0 and (t.capacity is None or visit.demand <= t.capacity)]
    if not with_room:
        if all(t.max_visits == 0 for t in skilled):
            return Suitability((), Reason("max_visits_zero", who))
        biggest = max(t.capacity or 0 for t in skilled)
        return Suitability(
            (), Reason("demand_exceeds_capacity", {"demand": visit.demand, "largest_capacity": biggest, **who})
        )
    windows = {"windows": [list(w) for w in visit.windows]}
    on_shift = [t for t in with_room if any(_overlaps(w, t.shift) for w in _windows(visit, t))]
    if not on_shift:
        return Suitability((), Reason("not_on_shift", {**who, **windows}))
    # a route of just this visit, timed as every route is (its windows, the breaks in theirs, home by the shift end)
    finishing = [t for t in on_shift if serves_alone(problem, t, visit)]
    if finishing:
        return Suitability(tuple(finishing))
    # nobody: too late to start, or no time to serve it and get home (whoever can do it can also get there)
    if not any(_reaches_a_window(problem, t, visit) for t in on_shift):
        return Suitability((), Reason("window_unreachable", {**pinned, **windows}))
    return Suitability((), Reason("cannot_finish", who))


def explain_dropped(
    visit: Visit, suitable: Sequence[Technician], routes: Mapping[str, Route], demand_by_visit: Mapping[str, int]
) -> Reason:
    """Why the solver left out a visit that some technician could have done on an empty day."""

    def full(t: Technician) -> bool:
        return t.max_visits is not None and len(routes[t.id].stops) >= t.max_visits

    def loaded(t: Technician) -> bool:
        used = sum(demand_by_visit[s.visit] for s in routes[t.id].stops)
        return t.capacity is not None and used + visit.demand > t.capacity

    ids = technician_ids(suitable)
    if all(full(t) for t in suitable):
        return Reason("max_visits_reached", ids)
    if all(loaded(t) for t in suitable):
        return Reason("no_capacity", {"demand": visit.demand, **ids})
    if all(full(t) or loaded(t) for t in suitable):
        return Reason("max_visits_or_capacity", ids)
    return Reason("no_room", ids)


def technician_ids(technicians: Sequence[Technician]) -> dict[str, Any]:
    """The first few ids and how many there are: plan.json stays small on a day of two hundred technicians."""
    return {"technicians": [t.id for t in technicians[:MAX_IDS_IN_REASON]], "technician_count": len(technicians)}


def _missing_skills_reason(problem: Problem, visit: Visit) -> Reason:
    held = set().union(*(t.skills for t in problem.technicians))
    missing = sorted(visit.skills - held)
    if missing:
        return Reason("no_skill", {"skills": missing})
    return Reason("no_skill_combination", {"skills": sorted(visit.skills)})


def _windows(visit: Visit, technician: Technician) -> tuple[tuple[int, int], ...]:
    """A visit without windows may start any time in the shift."""
    return visit.windows or (technician.shift,)


def _overlaps(window: tuple[int, int], shift: tuple[int, int]) -> bool:
    return window[0] <= shift[1] and shift[0] <= window[1]


def _reaches_a_window(problem: Problem, technician: Technician, visit: Visit) -> bool:
    """Whether, driving straight there at shift start, service can start in one of the visit's windows in the shift.

    The service's own length, the breaks and the way home are `timing.serves_alone`'s part ("cannot finish")."""
    arrival = technician.shift[0] + problem.duration_s(technician.start, visit.location)
    return earliest_start(_windows(visit, technician), arrival, technician.shift[1], 0) is not None


# --- parameters ------------------------------------------------------------------------------------


def _frozen(value: Any, key: str) -> Any:
    """Lists become tuples; anything that is not JSON-safe is refused here, not when plan.json is written."""
    if isinstance(value, (list, tuple)):
        return tuple(_frozen(v, key) for v in value)
    if value is None or isinstance(value, (str, int)):
        return value
    raise TypeError(f"reason parameter {key!r} must be str, int or a list of them, not {type(value).__name__}")


def _listed(value: Any) -> Any:
    return [_listed(v) for v in value] if isinstance(value, tuple) else value


# --- the English sentences, one per code -----------------------------------------------------------


def _join(items: Sequence[str]) -> str:
    return ", ".join(items)


def _who(p: Mapping[str, Any]) -> str:
    if "pinned_technician" in p:
        return f"its pinned technician {p['pinned_technician']}"
    skills = p.get("skills") or ()
    if not skills:
        return "technician"
    return f"technician with skill{'s' if len(skills) > 1 else ''} {_join(skills)}"


def _none_of(p: Mapping[str, Any]) -> str:
    return _who(p) if "pinned_technician" in p else f"no {_who(p)}"


def _every(p: Mapping[str, Any]) -> str:
    return _who(p) if "pinned_technician" in p else f"every {_who(p)}"


def _windows_text(p: Mapping[str, Any]) -> str:
    return str([list(w) for w in p["windows"]]) if p["windows"] else "(any time)"


def _ids(p: Mapping[str, Any]) -> str:
    more = p["technician_count"] - len(p["technicians"])
    return _join(p["technicians"]) + (f" and {more} more" if more > 0 else "")


def _no_room(p: Mapping[str, Any]) -> str:
    if p["technician_count"] == 1:
        return f"no room left in the route of {_ids(p)}, the only technician who could do it during its windows"
    return (
        f"no room left in the routes of the {p['technician_count']} technicians who could do it during its "
        f"windows ({_ids(p)})"
    )


def _day(p: Mapping[str, Any]) -> str:
    return Date.fromisoformat(p["date"]).strftime("%A %Y-%m-%d") if p.get("date") else "this day"


def _clock(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


def _between(p: Mapping[str, Any]) -> str:
    return f"between {_clock(p['slot'][0])} and {_clock(p['slot'][1])}"


def _minutes(seconds: int) -> str:
    return f"{max(1, math.ceil(seconds / 60))} min"


def _everyone(p: Mapping[str, Any]) -> str:
    """'all 4 suitable technicians are' / 'the only suitable technician, Wang Lei, is'."""
    if p["technician_count"] == 1:
        return f"the only suitable technician, {p['technician_name']}, is"
    return f"all {p['technician_count']} suitable technicians are"


def _day_max_visits(p: Mapping[str, Any]) -> str:
    if p["technician_count"] == 1:
        return f"the only suitable technician, {p['technician_name']}, already has their maximum of visits on {_day(p)}"
    return f"all {p['technician_count']} suitable technicians already have their maximum of visits on {_day(p)}"


_ENGLISH: dict[str, Callable[[Mapping[str, Any]], str]] = {
    # a visit the day plan leaves unassigned
    "no_technician_working": lambda p: "no technician works on this date",
    "no_skill": lambda p: f"no technician has skill {_join(p['skills'])}",
    "no_skill_combination": lambda p: f"no technician has all of the skills {_join(p['skills'])}",
    "pinned_lacks_skill": lambda p: f"it is pinned to {p['pinned_technician']}, who lacks skill {_join(p['skills'])}",
    # a rebalance: the only technicians who could do it went home ("technician out")
    "suitable_technicians_out": lambda p: (
        f"every technician with skill {_join(p['skills'])} is out for the rest of the day ({_join(p['technicians'])})"
    ),
    "max_visits_zero": lambda p: (
        f"{_none_of(p)} may {'not ' if 'pinned_technician' in p else ''}take any visit (max visits is 0)"
    ),
    "demand_exceeds_capacity": lambda p: (
        f"its demand {p['demand']} exceeds the capacity of {_every(p)} (largest {p['largest_capacity']})"
    ),
    "not_on_shift": lambda p: (
        f"{_none_of(p)} {'is not' if 'pinned_technician' in p else 'is'} on shift during its windows {_windows_text(p)}"
    ),
    "window_unreachable": lambda p: (
        f"its windows {_windows_text(p)} cannot be reached from any "
        f"{'pinned ' if 'pinned_technician' in p else ''}technician's start in time"
    ),
    "cannot_finish": lambda p: (
        f"{_none_of(p)} {'cannot' if 'pinned_technician' in p else 'can'} do it and be "
        f"back at the end place before the shift ends"
    ),
    "max_visits_reached": lambda p: f"max visits of the day reached for every suitable technician ({_ids(p)})",
    "no_capacity": lambda p: f"no capacity left for its demand {p['demand']} with any suitable technician ({_ids(p)})",
    "max_visits_or_capacity": lambda p: f"max visits or capacity reached for every suitable technician ({_ids(p)})",
    "no_room": _no_room,
    "no_plan_in_time": lambda p: "the solver found no plan within the time limit; solve again with a longer time limit",
    "search_out_of_time": lambda p: (
        "the time limit ran out before the search could try to fit it in; solve again with a longer time limit"
    ),
    # why a slot is cheap
    "slot_empty_route": lambda p: (
        f"{p['technician_name']} has no other visit that day: {_minutes(p['added_travel_s'])} of travel there and back"
    ),
    "slot_on_the_way": lambda p: f"adds no travel: {p['technician_name']} passes by on the way",
    "slot_adds_travel": lambda p: f"adds {_minutes(p['added_travel_s'])} of travel to {p['technician_name']}'s route",
    # why a slot or a whole day cannot be offered
    "day_no_technician": lambda p: f"no technician works on {_day(p)}",
    "day_no_skill": lambda p: f"no technician with skill {_join(p['skills'])} works on {_day(p)}",
    "day_no_skill_combination": lambda p: f"no technician with all of {_join(p['skills'])} works on {_day(p)}",
    "day_no_district": lambda p: f"no technician serving district {_join(p['districts'])} works on {_day(p)}",
    "day_max_visits": _day_max_visits,
    "day_full": lambda p: f"{_everyone(p)} full on {_day(p)}",
    "slot_before_shifts": lambda p: f"no suitable technician is on shift yet {_between(p)}",
    "slot_past_shift_end": lambda p: (
        f"a {_minutes(p['duration_s'])} visit starting {_between(p)} would run past "
        f"the end of every suitable technician's shift"
    ),
    "slot_full": lambda p: f"{_everyone(p)} full {_between(p)}",
    # the slot is free, but the customer said they are not at home then (offered only when CS asks for all)
    "slot_outside_availability": lambda p: (
        f"the customer is not at home for all of {_clock(p['slot'][0])}-{_clock(p['slot'][1])}"
    ),
    "day_outside_availability": lambda p: f"the customer is not at home for a whole slot on {_day(p)}",
    # a rebalance during the day
    "windows_passed": lambda p: f"its windows {_windows_text(p)} are over by now ({_clock(p['now_s'])})",
}

REASON_CODES: frozenset[str] = frozenset(_ENGLISH)
NO_PLAN_REASON = Reason("no_plan_in_time")
