"""Whatever small day we throw at the solver, its plan passes the independent checker."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from scheduling.core import parse_problem, solve

from .random_days import problems
from .street import checked


@pytest.mark.slow
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(problem=problems())
def test_every_random_plan_passes_the_checker(problem):
    plan = checked(problem, solve(parse_problem(problem), time_limit_s=1))
    assert plan["kpis"]["served"] + plan["kpis"]["unassigned"] == len(problem["visits"])
