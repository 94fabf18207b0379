"""Benchmarks of the scheduling core: Solomon VRPTW instances, a generated field-service day, slot offers."""

from __future__ import annotations

import time


def timed_solve(problem: dict, *, time_limit_s: float, workers: int | None = None) -> tuple[dict, float]:
    """Solve `problem` with the core as the app does; the plan as JSON and the wall-clock seconds it took."""
    from scheduling.core import parse_problem, plan_to_dict, solve

    options = {"time_limit_s": time_limit_s}
    if workers is not None:
        options["workers"] = workers
    started = time.perf_counter()
    plan = plan_to_dict(solve(parse_problem(problem), **options))
    return plan, time.perf_counter() - started
