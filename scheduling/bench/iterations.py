"""How fast the compiled search runs: a fixed field day, a fixed number of iterations, iterations per second.

The search is seeded and, given an iteration budget, makes the same moves on any machine, so two versions
of the search code can be compared by time alone (and their final costs must agree when neither changed
what the search does). Best of `repeat` runs: the fastest is the least disturbed by other work.
"""

from __future__ import annotations

import time

from scheduling.bench.field import generate_day
from scheduling.core import parse_problem
from scheduling.core.engine import suitable_technicians
from scheduling.core.insertion import build_routes
from scheduling.core.objective import objective_table
from scheduling.core.ruin_and_recreate.driver import improve, warm_up
from scheduling.core.ruin_and_recreate.encode import search_data


def run(technicians: int, visits: int, seed: int, *, iterations: int, repeat: int, echo=print) -> dict:
    """Search the generated day for `iterations` iterations `repeat` times; print and return the figures."""
    problem = parse_problem(generate_day(technicians, visits, seed))
    suitable, _ = suitable_technicians(problem)
    modelled = [v for v in problem.visits if v.id in suitable]
    start = build_routes(problem, modelled, suitable, objective_table=objective_table(problem))
    data = search_data(problem, modelled, suitable)
    warm_up()  # compiling (or loading the cache) is not part of the figure
    echo(
        f"iterations bench: field day {technicians} x {visits}, seed {seed}, {iterations} iterations, best of {repeat}"
    )
    timings, costs = [], set()
    for _ in range(repeat):
        began = time.perf_counter()
        routes, _, cost = improve(data, deadline=float("inf"), seed=1, initial=start, iterations=iterations)
        timings.append(time.perf_counter() - began)
        costs.add(cost)
        echo(
            f"    {timings[-1]:.2f} s, {iterations / timings[-1]:,.0f} iterations/s, cost {cost}, "
            f"served {sum(len(r) for r in routes)}"
        )
    best = min(timings)
    echo(
        f"best: {iterations / best:,.0f} iterations/s ({best:.2f} s); final cost {' / '.join(map(str, sorted(costs)))}"
    )
    return {"iterations_per_s": iterations / best, "seconds": best, "costs": sorted(costs)}
