"""Solve a day with one search: a construction plan first, then the chosen engine improves on it.

Whatever the time limit, the plan handed back is never worse than the construction plan (cheapest
insertion with every rule, insertion.py): the engine starts from it, and a time limit too short to search
returns it as it is. Which engine searches is the caller's explicit choice, reported in the plan's KPIs.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable

from scheduling.core.clock import elapsed_clock_s
from scheduling.core.insertion import break_gaps, build_routes
from scheduling.core.objective import objective_table, routes_cost
from scheduling.core.ortools_model import RoutingModel
from scheduling.core.plan import Plan, Route, Unassigned, make_plan
from scheduling.core.problem import Problem, Technician, Visit
from scheduling.core.reasons import Reason, explain_dropped, find_suitable_technicians, technician_ids
from scheduling.core.ruin_and_recreate import driver as search
from scheduling.core.ruin_and_recreate.encode import plan_with_ruin_and_recreate
from scheduling.core.solve_config import (
    ENGINES,
    ORTOOLS,
    PORTFOLIO,
    RUIN_AND_RECREATE,
    RUIN_AND_RECREATE_PORTFOLIO,
    SearchConfig,
    SolveProgress,
)
from scheduling.core.timing import timed_route

# Below this much time left after the construction plan, searching would only overrun the time limit.
MIN_SEARCH_S = 0.1


def searches_for(engine: str, workers: int) -> list[SearchConfig]:
    """The search each of `workers` processes runs with `engine`."""
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; one of {', '.join(ENGINES)}")
    portfolio = RUIN_AND_RECREATE_PORTFOLIO if engine == RUIN_AND_RECREATE else PORTFOLIO
    return [portfolio[i % len(portfolio)] for i in range(workers)]


def ready_engine() -> str:
    """The best engine this installation can start at once: ruin and recreate once numba's cache holds it
    compiled (compiling takes minutes of CPU), OR-Tools until then."""
    return RUIN_AND_RECREATE if search.is_compiled() else ORTOOLS


def suitable_technicians(problem: Problem) -> tuple[dict[str, tuple[Technician, ...]], list[Unassigned]]:
    """Who could do each visit on an empty day (by visit id), and the visits nobody can do, with why."""
    suitable, unassigned = {}, []
    for visit in problem.visits:
        found = find_suitable_technicians(problem, visit)
        if found.reason is not None:
            unassigned.append(Unassigned(visit.id, found.reason))
        else:
            suitable[visit.id] = found.technicians
    return suitable, unassigned


def solve_with(
    problem: Problem,
    config: SearchConfig,
    *,
    time_limit_s: float,
    on_progress: Callable[[SolveProgress], None] | None = None,
) -> Plan:
    """Solve with one search configuration (used directly and by each portfolio worker)."""
    started = elapsed_clock_s()
    deadline = started + time_limit_s
    suitable, unassigned = suitable_technicians(problem)
    modelled = [v for v in problem.visits if v.id in suitable]
    if not modelled or not problem.technicians:
        routes = [Route(t.id) for t in problem.technicians]
        return make_plan(routes, unassigned, solve_s=elapsed_clock_s() - started, engine=config.engine)
    start = build_routes(problem, modelled, suitable, objective_table=objective_table(problem), deadline=deadline)
    start_cost = routes_cost(problem, modelled, start)
    result = None
    if deadline - elapsed_clock_s() >= MIN_SEARCH_S:
        if config.engine == RUIN_AND_RECREATE:
            result = _ruin_and_recreate(
                problem, modelled, suitable, config, start, deadline=deadline, started=started, on_progress=on_progress
            )
        else:
            model = RoutingModel(problem, modelled, suitable)
            result = model.solve(config, deadline=deadline, started=started, initial=start, on_progress=on_progress)
    searched = result is not None
    if result is None or result[2] > start_cost:
        result = _construction(problem, modelled, start, start_cost)
    routes, dropped, cost = result
    by_id = {r.technician: r for r in routes}
    demand = {v.id: v.demand for v in problem.visits}
    for visit in dropped:
        reason = explain_dropped(visit, suitable[visit.id], by_id, demand)
        if not searched and reason.code == "no_room":  # only the quick construction tried to fit it in
            reason = Reason("search_out_of_time", technician_ids(suitable[visit.id]))
        unassigned.append(Unassigned(visit.id, reason))
    order = {v.id: i for i, v in enumerate(problem.visits)}
    unassigned.sort(key=lambda u: order[u.visit])
    return make_plan(routes, unassigned, solve_s=elapsed_clock_s() - started, cost=cost, engine=config.engine)


def _construction(
    problem: Problem, visits: list[Visit], start: list[list[int]], cost: int
) -> tuple[list[Route], list[Visit], int]:
    """The construction plan as timed routes, the visits it leaves out, and its cost."""
    routes, served = [], set()
    for tech, route in zip(problem.technicians, start):
        stops = [visits[p] for p in route]
        served.update(route)
        routes.append(timed_route(problem, tech, stops, break_gaps(problem, tech, stops)))
    return routes, [v for p, v in enumerate(visits) if p not in served], cost


def _ruin_and_recreate(
    problem: Problem,
    visits: list[Visit],
    suitable: dict[str, tuple[Technician, ...]],
    config: SearchConfig,
    start: list[list[int]],
    *,
    deadline: float,
    started: float,
    on_progress: Callable[[SolveProgress], None] | None,
) -> tuple[list[Route], list[Visit], int]:
    """Plan with the ruin and recreate search, starting from the construction plan."""
    report = None
    if on_progress is not None:
        count = [0]

        def report(cost: int) -> None:
            count[0] += 1
            on_progress(SolveProgress(round(elapsed_clock_s() - started, 3), cost, count[0]))

    # one day always searches alike for a seed, and days differ
    seed = config.seed + zlib.crc32(problem.date.encode()) if problem.date else config.seed
    return plan_with_ruin_and_recreate(
        problem, visits, suitable, deadline=deadline, seed=seed, initial=start, on_improve=report
    )
