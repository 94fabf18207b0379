"""A quick greedy first plan (earliest deadline first, cheapest feasible insertion) for the solver to improve.

OR-Tools' own insertion heuristics take most of a 30 s budget on a 500-visit day with skills and
2-hour slots; this pass takes about a second and leaves the solver its time for improving.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence

from scheduling.core.clock import elapsed_clock_s
from scheduling.core.problem import Problem, Technician, Visit
from scheduling.core.timing import earliest_start, schedule_for

INFEASIBLE = None
# Driving through the day is the slower construction (each step looks at every open job of the technician):
# on 150 technicians x 1,500 visits it took 25 s and served 1,314, against 18 s and 1,364 by deadline.
DRIVE_THROUGH_UP_TO = 800
# The drive-through pass took up to DRIVE_THROUGH_COST times as long as the first (GH400 C1_4_1: 3.7 s against
# 0.75 s) while it looked technicians up by equality; by number it takes 0.04 s against 0.06 s there (R2_4_1 0.12
# against 0.33 s), so the guard now rarely bites. It is built only when the search keeps at least
# SEARCH_SHARE_LEFT of the time limit after it.
DRIVE_THROUGH_COST = 5.0
SEARCH_SHARE_LEFT = 0.5
SEARCH_AT_LEAST_S = 0.1  # engine.MIN_SEARCH_S: less time than this left, and no search runs
# On such a day a visit is first tried on the routes of the technicians living nearest to it (crews work their
# district), and on everyone else's only when none of those has room.
NEAR_TECHNICIANS = 20


def build_routes(
    problem: Problem,
    visits: Sequence[Visit],
    suitable: dict[str, tuple[Technician, ...]],
    *,
    objective_table: tuple[tuple[int, ...], ...],
    deadline: float | None = None,
) -> list[list[int]]:
    """Routes as positions into `visits`, one list per technician (in problem order); some visits may stay out.

    Two constructions are tried and the one serving more visits (then travelling less) is kept:
    earliest-deadline-first insertion, and technicians driving through the day to the next job they
    can start soonest; leftovers of the second are then inserted wherever they fit. On a city's day (more
    than DRIVE_THROUGH_UP_TO visits) only the first is built: the second costs more and serves fewer there.
    With a `deadline` (scheduling.core.clock time) the second is skipped too when it would leave the search
    less than SEARCH_SHARE_LEFT of the time (a 400-customer VRPTW day with 100 vans in 10 s).
    """
    began = elapsed_clock_s()
    builder = _Builder(problem, visits, suitable, objective_table)
    by_deadline = builder.insert(builder.empty(), builder.by_deadline())
    if len(visits) > DRIVE_THROUGH_UP_TO:
        return by_deadline
    if deadline is not None:
        took, left = elapsed_clock_s() - began, deadline - elapsed_clock_s()
        # with no time to search anyway, the construction is the plan: then it is built whole
        if left >= SEARCH_AT_LEAST_S and left - DRIVE_THROUGH_COST * took < SEARCH_SHARE_LEFT * (deadline - began):
            return by_deadline
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
        # places as rows of the objective table
        self.place = [self.index[v.location] for v in visits]
        self.start_place = [self.index[t.start] for t in self.techs]
        self.end_place = [self.index[t.end] for t in self.techs]
        # technicians whose empty routes take a visit alike (a fleet of vans at one depot)
        self.kind = [(t.start, t.end, t.shift, t.breaks, t.max_visits, t.capacity) for t in self.techs]
        self.deadline = [_deadline(v, suitable[v.id]) for v in visits]

    def empty(self) -> list[list[int]]:
        return [[] for _ in self.techs]

    def by_deadline(self) -> list[int]:
        """Earliest deadline first: tight, early visits claim their places before flexible ones."""
        return sorted(
            range(len(self.visits)),
            key=lambda p: (self.deadline[p], -self.visits[p].priority),
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
        pins = [self.visits[p].pinned for p in route]
        seqs = [pin.sequence for pin in pins if pin is not None and pin.sequence is not None]
        if seqs != sorted(seqs):
            return False
        return schedule_for(self.problem, tech, [self.visits[p] for p in route]) is not INFEASIBLE

    def insert(self, routes: list[list[int]], order: list[int]) -> list[list[int]]:
        """Put each visit not yet routed where it adds the least travel and still fits."""
        routes = [list(r) for r in routes]
        routed = {p for r in routes for p in r}
        for position in order:
            if position in routed:
                continue
            visit = self.visits[position]
            best: tuple[int, int, list[int]] | None = None  # added cost, technician number, new route
            here = self.place[position]
            to_here = [row[here] for row in self.costs]  # a column of the objective table
            from_here = self.costs[here]
            techs = self.suitable[visit.id]
            tries: tuple[Sequence[Technician], ...]
            if len(self.visits) > DRIVE_THROUGH_UP_TO and len(techs) > NEAR_TECHNICIANS:
                # a city's day: first the technicians living nearest, then (if none has room) all the others
                near = sorted(techs, key=lambda t: to_here[self.start_place[self.tech_number[t.id]]])
                tries = (near[:NEAR_TECHNICIANS], near[NEAR_TECHNICIANS:])
            else:
                tries = (techs,)
            for group in tries:
                # every place's added cost first, then the cheapest that keeps the rules (ties: first listed)
                options: list[tuple[int, int, int, int]] = []  # added cost, tie-break, technician number, place
                empty_kinds = set()
                for tech in group:
                    k = self.tech_number[tech.id]
                    route = routes[k]
                    if not route:  # of technicians alike with empty routes only the first is tried: the same place
                        if self.kind[k] in empty_kinds:
                            continue
                        empty_kinds.add(self.kind[k])
                    places = [self.start_place[k]] + [self.place[p] for p in route] + [self.end_place[k]]
                    for at in range(len(route) + 1):
                        before, after = places[at], places[at + 1]
                        options.append(
                            (to_here[before] + from_here[after] - self.costs[before][after], len(options), k, at)
                        )
                options.sort()
                for delta, _, k, at in options:
                    candidate = routes[k][:at] + [position] + routes[k][at:]
                    if self.fits(self.techs[k], candidate):
                        best = (delta, k, candidate)
                        break
                if best is not None:
                    break
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
        # by technician number: `tech in suitable` compares Technician dataclasses field by field, which made
        # this table 4 s of a 6.4 s construction on GH400 R2_4_1 (100 vans, 400 visits)
        can_do: dict[int, list[int]] = {k: [] for k in range(len(self.techs))}
        for p, visit in enumerate(self.visits):
            for k in sorted({self.tech_number[t.id] for t in self.suitable[visit.id]}):
                can_do[k].append(p)
        heapq.heapify(free_at)
        while free_at and open_visits:
            ready, k = heapq.heappop(free_at)
            tech = self.techs[k]
            options: list[tuple[int, int, int]] = []  # service start, deadline, visit position
            for p in can_do[k]:
                if p not in open_visits:
                    continue
                visit = self.visits[p]
                start = earliest_start(
                    visit.windows or (tech.shift,),
                    ready + self.durations[self.index[place[k]]][self.index[visit.location]],
                    tech.shift[1],
                    visit.duration_s,
                )
                if start is not None:
                    options.append((start, self.deadline[p], p))
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
    timed = schedule_for(problem, tech, route)
    by_window = sorted(range(len(tech.breaks)), key=lambda b: tech.breaks[b].window)
    gaps = [len(route)] * len(tech.breaks)
    for b, gap in zip(by_window, timed[1] if timed else []):
        gaps[b] = gap
    return gaps
