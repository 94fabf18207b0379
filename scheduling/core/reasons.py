"""Who could do a visit at all, and why a visit was left unassigned, in words a dispatcher can act on."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from scheduling.core.plan import Route
from scheduling.core.problem import Problem, Technician, Visit

MAX_IDS_IN_REASON = 5  # name a few technicians, not fifty


@dataclass(frozen=True)
class Suitability:
    """The technicians who could do a visit on an empty day, or why nobody can."""

    technicians: tuple[Technician, ...]
    reason: str | None = None


def find_suitable_technicians(problem: Problem, visit: Visit) -> Suitability:
    """Technicians who have the skills, the pin, the room and the time to do `visit`; else the first blocker."""
    who = _who(visit)
    skilled = [t for t in problem.technicians if visit.skills <= t.skills]
    if not problem.technicians:
        return Suitability((), "no technician works on this date")
    if not skilled:
        return Suitability((), _missing_skills_reason(problem, visit))
    if visit.pinned is not None:
        pinned = problem.technician(visit.pinned.technician)
        if pinned not in skilled:
            missing = ", ".join(sorted(visit.skills - pinned.skills))
            return Suitability((), f"it is pinned to {pinned.id}, who lacks skill {missing}")
        skilled = [pinned]
        who = f"its pinned technician {pinned.id}"
        none_of = f"its pinned technician {pinned.id}"
    else:
        none_of = f"no {who}"
    with_room = [t for t in skilled if t.max_visits != 0 and (t.capacity is None or visit.demand <= t.capacity)]
    if not with_room:
        if all(t.max_visits == 0 for t in skilled):
            return Suitability((), f"{none_of} may take any visit (max visits is 0)")
        biggest = max(t.capacity or 0 for t in skilled)
        return Suitability((), f"its demand {visit.demand} exceeds the capacity of {_every(who, none_of)} "
                               f"(largest {biggest})")
    on_shift = [t for t in with_room if any(_overlaps(w, t.shift) for w in _windows(visit, t))]
    if not on_shift:
        verb = "is not" if visit.pinned else "is"
        return Suitability((), f"{none_of} {verb} on shift during its windows {_windows_text(visit)}")
    reachable = [t for t in on_shift if _earliest_start(problem, t, visit) is not None]
    if not reachable:
        return Suitability((), f"its windows {_windows_text(visit)} cannot be reached from any "
                               f"{'pinned ' if visit.pinned else ''}technician's start in time")
    finishing = [t for t in reachable if _can_finish(problem, t, visit)]
    if not finishing:
        verb = "cannot" if visit.pinned else "can"
        return Suitability((), f"{none_of} {verb} do it and be back at the end place before the shift ends")
    return Suitability(tuple(finishing))


def explain_dropped(visit: Visit, suitable: Sequence[Technician], routes: Mapping[str, Route],
                    demand_by_visit: Mapping[str, int]) -> str:
    """Why the solver left out a visit that some technician could have done on an empty day."""
    def full(t: Technician) -> bool:
        return t.max_visits is not None and len(routes[t.id].stops) >= t.max_visits

    def loaded(t: Technician) -> bool:
        used = sum(demand_by_visit[s.visit] for s in routes[t.id].stops)
        return t.capacity is not None and used + visit.demand > t.capacity

    ids = _ids(suitable)
    if all(full(t) for t in suitable):
        return f"max visits of the day reached for every suitable technician ({ids})"
    if all(loaded(t) for t in suitable):
        return f"no capacity left for its demand {visit.demand} with any suitable technician ({ids})"
    if all(full(t) or loaded(t) for t in suitable):
        return f"max visits or capacity reached for every suitable technician ({ids})"
    if len(suitable) == 1:
        return f"no room left in the route of {ids}, the only technician who could do it during its windows"
    return f"no room left in the routes of the {len(suitable)} technicians who could do it during its windows ({ids})"


def _missing_skills_reason(problem: Problem, visit: Visit) -> str:
    held = set().union(*(t.skills for t in problem.technicians))
    missing = sorted(visit.skills - held)
    if missing:
        return f"no technician has skill {', '.join(missing)}"
    return f"no technician has all of the skills {', '.join(sorted(visit.skills))}"


def _who(visit: Visit) -> str:
    if not visit.skills:
        return "technician"
    plural = "s" if len(visit.skills) > 1 else ""
    return f"technician with skill{plural} {', '.join(sorted(visit.skills))}"


def _every(who: str, none_of: str) -> str:
    return none_of if none_of.startswith("its pinned") else f"every {who}"


def _ids(technicians: Sequence[Technician]) -> str:
    ids = [t.id for t in technicians]
    more = len(ids) - MAX_IDS_IN_REASON
    return ", ".join(ids[:MAX_IDS_IN_REASON]) + (f" and {more} more" if more > 0 else "")


def _windows(visit: Visit, technician: Technician) -> tuple[tuple[int, int], ...]:
    """A visit without windows may start any time in the shift."""
    return visit.windows or (technician.shift,)


def _windows_text(visit: Visit) -> str:
    return str([list(w) for w in visit.windows]) if visit.windows else "(any time)"


def _overlaps(window: tuple[int, int], shift: tuple[int, int]) -> bool:
    return window[0] <= shift[1] and shift[0] <= window[1]


def _earliest_start(problem: Problem, technician: Technician, visit: Visit) -> int | None:
    """Earliest service start on an empty route, or None if no window can be reached in time."""
    arrival = technician.shift[0] + problem.duration_s(technician.start, visit.location)
    for a, b in _windows(visit, technician):
        start = max(arrival, a)
        if start <= b:
            return start
    return None


def _can_finish(problem: Problem, technician: Technician, visit: Visit) -> bool:
    """Whether a route of just this visit (and the breaks) fits in the shift."""
    travel_to = problem.duration_s(technician.start, visit.location)
    back = visit.duration_s + problem.duration_s(visit.location, technician.end)
    breaks = sum(b.duration_s for b in technician.breaks)  # taken by anyone with a stop
    if travel_to + back + breaks > technician.shift[1] - technician.shift[0]:
        return False
    for a, b in _windows(visit, technician):
        start = max(technician.shift[0] + travel_to, a)
        if start <= b and start + back <= technician.shift[1]:
            return True
    return False
