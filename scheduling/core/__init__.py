"""The scheduling core: a problem in, a plan out; no Flask, no database."""

from __future__ import annotations

from scheduling.core.engine import ready_engine
from scheduling.core.parse import parse_problem
from scheduling.core.plan import BreakTime, Kpis, Plan, Route, Stop, Unassigned, plan_to_dict
from scheduling.core.problem import Problem, ProblemError
from scheduling.core.solve import solve
from scheduling.core.solve_config import ENGINES, ORTOOLS, RUIN_AND_RECREATE, SolveProgress

__all__ = [
    "BreakTime",
    "Kpis",
    "Plan",
    "Problem",
    "ProblemError",
    "Route",
    "SolveProgress",
    "Stop",
    "Unassigned",
    "ENGINES",
    "ORTOOLS",
    "RUIN_AND_RECREATE",
    "parse_problem",
    "plan_to_dict",
    "ready_engine",
    "solve",
    "solve_json",
]


def solve_json(
    problem: dict, *, engine: str = RUIN_AND_RECREATE, time_limit_s: float | None = None, workers: int = 1
) -> dict:
    """Parse problem.json, solve it and return plan.json; raises ProblemError on invalid input."""
    return plan_to_dict(solve(parse_problem(problem), engine=engine, time_limit_s=time_limit_s, workers=workers))
