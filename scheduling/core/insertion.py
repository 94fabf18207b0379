"""A quick greedy first plan (earliest deadline first, cheapest feasible insertion) for the solver to improve.

OR-Tools' own insertion heuristics take most of a 30 s budget on a 500-visit day with skills and
2-hour slots; this pass takes about a second and leaves the solver its time for improving.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence

from scheduling.core.problem import Problem, Technician, Visit

INFEASIBLE = None


def build_routes(
    problem: Problem,
    visits: Sequence[Visit],
    suitable: dict[str, tuple[Technician, ...]],
    *,
    objective_table: tuple[tuple[int, ...], ...],
) -> list[list[int]]:
    """Routes as positions into `visits`, one list per technician (in problem order); some visits may stay out.

    Two constructions are tried and the one serving more visits (then travelling less) is kept:
    earliest-deadline-first insertion, and technicians driving through the day to the next job they
    can start soonest; leftovers of the second are then inserted wherever they fit.
    """
    builder = _Builder(problem, visits, suitable, objective_table)
    by_deadline = builder.insert(builder.empty(), builder.by_deadline())
    by_day = builder.insert(builder.drive_through_the_day(), builder.by_deadline())
    return min(by_deadline, by_day, key=builder.score)


class _Builder:
    def __init__(
        self,
        problem: Problem,
        visits: Sequence[Visit],
        suitable: dict[str, tuple[Technician, ...]],
        objective_table: tuple[tuple[int, ...], ...],
    ):
        self.problem, self.visits, self.suitable = problem, visits, suitable
        self.index = problem.location_index
        self.durations = problem.matrix.durations_s
        self.costs = objective_table
        self.techs = problem.technicians
        self.tech_number = {t.id: k for k, t in enumerate(self.techs)}

    def empty(self) -> list[list[int]]:
        return [[] for _ in self.techs]

    def by_deadline(self) -> list[int]:
        """Earliest deadline first: tight, early visits claim their places before flexible ones."""
        return sorted(
            range(len(self.visits)),
            key=lambda p: (_deadline(self.visits[p], self.suitable[self.visits[p].id]), -self.visits[p].priority),
        )

    def score(self, routes: list[list[int]]) -> tuple[int, int]:
        served = sum(len(r) for r in routes)
        cost = 0
        for tech, route in zip(self.techs, routes):
            places = [tech.start] + [self.visits[p].location for p in route] + [tech.end]
            cost += sum(self.leg_cost(a, b) for a, b in zip(places, places[1:])) if route else 0
        return -served, cost

    def leg_cost(self, a: str, b: str) -> int:
        return self.costs[self.index[a]][self.index[b]]

    def fits(self, tech: Technician, route: list[int]) -> bool:
        if tech.max_visits is not None and len(route) > tech.max_visits:
            return False
        if tech.capacity is not None and sum(self.visits[p].demand for p in route) > tech.capacity:
            return False
        seqs = [
            self.visits[p].pinned.sequence
            for p in route
            if self.visits[p].pinned and self.visits[p].pinned.sequence is not None
        ]
        if seqs != sorted(seqs):
            return False
        return _schedule_end(tech, [self.visits[p] for p in route], self.durations, self.index) is not INFEASIBLE

    def insert(self, routes: list[list[int]], order: list[int]) -> list[list[int]]:
        """Put each visit not yet routed where it adds the least travel and still fits."""
        routes = [list(r) for r in routes]
        routed = {p for r in routes for p in r}
        for position in order:
            if position in routed:
                continue
            visit = self.visits[position]
            best = None
            for tech in self.suitable[visit.id]:
                k = self.tech_number[tech.id]
                route = routes[k]
                places = [tech.start] + [self.visits[p].location for p in route] + [tech.end]
                for at in range(len(route) + 1):
                    before, after = places[at], places[at + 1]
                    delta = (
                        self.leg_cost(before, visit.location)
                        + self.leg_cost(visit.location, after)
                        - self.leg_cost(before, after)
                    )
                    if best is not None and delta >= best[0]:
                        continue
                    candidate = route[:at] + [position] + route[at:]
                    if self.fits(tech, candidate):
                        best = (delta, k, candidate)
            if best is not None:
                routes[best[1]] = best[2]
                routed.add(position)
        return routes

    def drive_through_the_day(self) -> list[list[int]]:
        """Each technician in turn (whoever is free first) goes to the job they can start soonest."""
        routes = self.empty()
        free_at = [(t.shift[0], k) for k, t in enumerate(self.techs)]
        place = [t.start for t in self.techs]
        open_visits = set(range(len(self.visits)))
        can_do = {
            k: [p for p in range(len(self.visits)) if t in self.suitable[self.visits[p].id]]
            for k, t in enumerate(self.techs)
        }
        heapq.heapify(free_at)
        while free_at and open_visits:
            ready, k = heapq.heappop(free_at)
            tech = self.techs[k]
            options = []
            for p in can_do[k]:
                if p not in open_visits:
                    continue
                visit = self.visits[p]
                start = _earliest_start(
                    visit, tech, ready + self.durations[self.index[place[k]]][self.index[visit.location]]
                )
                if start is not None:
                    options.append((start, _deadline(visit, self.suitable[visit.id]), p))
            for start, _, p in sorted(options):
                if self.fits(tech, routes[k] + [p]):
                    routes[k].append(p)
                    open_visits.discard(p)
                    place[k] = self.visits[p].location
                    heapq.heappush(free_at, (start + self.visits[p].duration_s, k))
                    break
        return routes


def _deadline(visit: Visit, techs: Sequence[Technician]) -> int:
    return max(b for a, b in visit.windows) if visit.windows else max(t.shift[1] for t in techs)


def break_gaps(problem: Problem, tech: Technician, route: Sequence[Visit]) -> list[int]:
    """Before which stop of a feasible `route` each break is taken (as timing.timed_route wants them)."""
    taken: list[int] = []
    _schedule_end(tech, list(route), problem.matrix.durations_s, problem.location_index, taken)
    by_window = sorted(range(len(tech.breaks)), key=lambda b: tech.breaks[b].window)
    gaps = [len(route)] * len(tech.breaks)
    for b, gap in zip(by_window, taken):
        gaps[b] = gap
    return gaps


def _schedule_end(tech: Technician, route: list[Visit], durations, index, taken: list[int] | None = None) -> int | None:
    """When the technician is back at the end place, or None if the route breaks a window, break or shift.

    Breaks are taken in a gap when waiting leaves room for them, or when later would be too late; `taken`
    (if given) gets, per break in window order, the number of stops served before it.
    """
    pending = sorted(tech.breaks, key=lambda b: b.window)
    place, ready = tech.start, tech.shift[0]
    for stop, visit in enumerate(route):
        leg = durations[index[place]][index[visit.location]]
        start = _earliest_start(visit, tech, ready + leg)
        if start is None:
            return INFEASIBLE
        while pending:
            brk = pending[0]
            a, b = brk.window
            take_now = max(start + visit.duration_s, a) + brk.duration_s > b  # too late after this visit
            break_end = max(ready, a) + brk.duration_s
            fits_in_wait = break_end <= start and ready + leg + brk.duration_s <= start
            if not (take_now or fits_in_wait):
                break
            if break_end > b:
                return INFEASIBLE
            pending.pop(0)
            if taken is not None:
                taken.append(stop)
            ready = break_end  # the technician pauses first, then drives
            start = _earliest_start(visit, tech, max(ready + leg, break_end))
            if start is None:
                return INFEASIBLE
        place, ready = visit.location, start + visit.duration_s
    for brk in pending:
        ready = max(ready, brk.window[0]) + brk.duration_s
        if ready > brk.window[1]:
            return INFEASIBLE
    back = ready + durations[index[place]][index[tech.end]]
    return back if back <= tech.shift[1] else INFEASIBLE


def _earliest_start(visit: Visit, tech: Technician, arrival: int) -> int | None:
    for a, b in visit.windows or (tech.shift,):
        start = max(arrival, a)
        if start <= b and start + visit.duration_s <= tech.shift[1]:
            return start
    return None
