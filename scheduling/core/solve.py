"""`solve()`, the scheduling core's entry point: one search here, or several side by side in processes."""

from __future__ import annotations

from collections.abc import Callable

from scheduling.core.engine import searches_for, solve_with
from scheduling.core.plan import Plan
from scheduling.core.portfolio import solve_in_parallel
from scheduling.core.problem import Problem
from scheduling.core.solve_config import DEFAULT_TIME_LIMIT_S, RUIN_AND_RECREATE, SolveProgress


def solve(
    problem: Problem,
    *,
    engine: str = RUIN_AND_RECREATE,
    time_limit_s: float | None = None,
    on_progress: Callable[[SolveProgress], None] | None = None,
    workers: int = 1,
) -> Plan:
    """Plan the day: assign visits to technicians and order their routes within `time_limit_s`.

    `engine` searches from a construction plan ("ruin_and_recreate" compiles on first use, which takes
    minutes; `engine.ready_engine()` names the one that can start at once)."""
    limit = time_limit_s or problem.options.time_limit_s or DEFAULT_TIME_LIMIT_S
    configs = searches_for(engine, workers)
    if workers > 1:
        return solve_in_parallel(problem, configs, time_limit_s=limit, on_progress=on_progress)
    return solve_with(problem, configs[0], time_limit_s=limit, on_progress=on_progress)
