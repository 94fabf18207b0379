"""Solve a day with one search: pick the engine, model the visits some technician can serve, explain the rest."""
from __future__ import annotations

import zlib
from collections.abc import Callable

from scheduling.core.clock import elapsed_clock_s
from scheduling.core.insertion import build_routes
from scheduling.core.ortools_model import GREEDY_START_MIN_VISITS, RoutingModel
from scheduling.core.plan import Plan, Route, Unassigned, make_plan
from scheduling.core.problem import Problem, Technician, Visit
from scheduling.core.reasons import NO_PLAN_REASON, explain_dropped, find_suitable_technicians
from scheduling.core.ruin_and_recreate import driver as search
from scheduling.core.ruin_and_recreate.encode import objective_table, plan_with_ruin_and_recreate
from scheduling.core.solve_config import (
    PORTFOLIO, RUIN_AND_RECREATE, RUIN_AND_RECREATE_PORTFOLIO, SearchConfig, SolveProgress,
)

NO_PLAN_COST = 2**62  # loses against any plan the portfolio compares it with


def choose_searches(problem: Problem, workers: int) -> list[SearchConfig]:
    """The search each of `workers` processes runs: ruin and recreate once compiled, OR-Tools until then."""
    portfolio = PORTFOLIO
    if search.is_compiled():
        portfolio = RUIN_AND_RECREATE_PORTFOLIO
    else:  # never spend a solve's time limit compiling: OR-Tools plans this one meanwhile
        search.start_warm_up()
    return [portfolio[i % len(portfolio)] for i in range(workers)]




def solve_with(problem: Problem, config: SearchConfig, *, time_limit_s: float,
               on_progress: Callable[[SolveProgress], None] | None = None) -> Plan:
    """Solve with one search configuration (used directly and by each portfolio worker)."""
    started = elapsed_clock_s()
    suitable, unassigned = {}, []
    for visit in problem.visits:
        found = find_suitable_technicians(problem, visit)
        if found.reason is not None:
            unassigned.append(Unassigned(visit.id, found.reason))
        else:
            suitable[visit.id] = found.technicians
    modelled = [v for v in problem.visits if v.id in suitable]
    if not modelled or not problem.technicians:
        routes = [Route(t.id) for t in problem.technicians]
        return make_plan(routes, unassigned, solve_s=elapsed_clock_s() - started)
    if config.engine == RUIN_AND_RECREATE:
        result = _ruin_and_recreate(problem, modelled, suitable, config, deadline=started + time_limit_s,
                                    started=started, on_progress=on_progress)
    else:
        model = RoutingModel(problem, modelled, suitable)
        result = model.solve(config, deadline=started + time_limit_s, started=started, on_progress=on_progress)
    if result is None:
        routes = [Route(t.id) for t in problem.technicians]
        unassigned += [Unassigned(v.id, NO_PLAN_REASON) for v in modelled]
        cost = NO_PLAN_COST
    else:
        routes, dropped, cost = result
        by_id = {r.technician: r for r in routes}
        demand = {v.id: v.demand for v in problem.visits}
        for visit in dropped:
            unassigned.append(Unassigned(visit.id, explain_dropped(visit, suitable[visit.id], by_id, demand)))
    order = {v.id: i for i, v in enumerate(problem.visits)}
    unassigned.sort(key=lambda u: order[u.visit])
    return make_plan(routes, unassigned, solve_s=elapsed_clock_s() - started, cost=cost)




def _ruin_and_recreate(problem: Problem, visits: list[Visit], suitable: dict[str, tuple[Technician, ...]],
                       config: SearchConfig, *, deadline: float, started: float,
                       on_progress: Callable[[SolveProgress], None] | None
                       ) -> tuple[list[Route], list[Visit], int]:
    """Plan with the ruin and recreate search."""
    report = None
    if on_progress is not None:
        count = [0]

        def report(cost: int) -> None:
            count[0] += 1
            on_progress(SolveProgress(round(elapsed_clock_s() - started, 3), cost, count[0]))

    # one day always searches alike for a seed, and days differ
    seed = config.seed + zlib.crc32(problem.date.encode()) if problem.date else config.seed
    initial = None
    if len(visits) >= GREEDY_START_MIN_VISITS:
        initial = build_routes(problem, visits, suitable, objective_table=objective_table(problem))
    return plan_with_ruin_and_recreate(problem, visits, suitable, deadline=deadline, seed=seed, initial=initial,
                                       on_improve=report)


