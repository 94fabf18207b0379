"""Run differently configured searches side by side in separate processes and keep the best plan."""

from __future__ import annotations

import dataclasses
import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor

from scheduling.core.clock import elapsed_clock_s, wall_clock_s
from scheduling.core.engine import solve_with
from scheduling.core.plan import Plan
from scheduling.core.problem import Problem
from scheduling.core.solve_config import SearchConfig, SolveProgress

# Helpers aim to be done this long before the deadline, to hand their plan back in time.
HAND_BACK_S = 0.2
MIN_HELPER_SEARCH_S = 0.1


def solve_in_parallel(
    problem: Problem,
    configs: list[SearchConfig],
    *,
    time_limit_s: float,
    on_progress: Callable[[SolveProgress], None] | None = None,
) -> Plan:
    """Solve with each of `configs` at once (this process runs the first) and return the cheapest plan."""
    started = elapsed_clock_s()
    workers = len(configs)
    # an absolute wall-clock deadline: a helper's start-up (a fresh Python importing OR-Tools) comes off its search
    deadline = wall_clock_s() + time_limit_s - HAND_BACK_S
    # spawn, not fork: OR-Tools holds threads and locks that a forked child must not inherit
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers - 1, mp_context=context) as pool:
        futures = [pool.submit(_solve_in_worker, problem, config, deadline) for config in configs[1:]]
        # this search also hands back early: shutting the pool down takes a moment too
        plans = [
            solve_with(
                problem,
                configs[0],
                time_limit_s=max(time_limit_s - HAND_BACK_S, MIN_HELPER_SEARCH_S),
                on_progress=on_progress,
            )
        ]
        for future in futures:
            try:
                plans.append(future.result())
            except Exception:  # a lost helper only costs its plan; the main search already has one
                continue
    best = min(plans, key=lambda plan: plan.cost)
    kpis = dataclasses.replace(best.kpis, solve_s=round(elapsed_clock_s() - started, 3))
    return dataclasses.replace(best, kpis=kpis)


def _solve_in_worker(problem: Problem, config: SearchConfig, deadline: float) -> Plan:
    return solve_with(problem, config, time_limit_s=max(deadline - wall_clock_s(), MIN_HELPER_SEARCH_S))
