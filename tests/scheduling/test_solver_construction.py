"""A solve is never worse than the construction plan: whatever the engine and however short the time limit,
the dispatcher gets a complete plan, told which engine searched, and why a visit was left out.

Days on a straight street as in test_solver.py: 600 s and 1000 m per kilometre.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from scheduling.core import ENGINES, ORTOOLS, RUIN_AND_RECREATE, parse_problem, ready_engine
from scheduling.core.engine import MIN_SEARCH_S, searches_for, solve_with, suitable_technicians
from scheduling.core.insertion import build_routes
from scheduling.core.objective import objective_table, routes_cost
from scheduling.core.ruin_and_recreate import driver as search_module
from scheduling.core.solve_config import PORTFOLIO, RUIN_AND_RECREATE_PORTFOLIO

from .random_days import problems
from .street import EIGHT, checked, route_of, street
from .street import solved as street_solved

TOO_SHORT_TO_SEARCH_S = 0.05
assert TOO_SHORT_TO_SEARCH_S < MIN_SEARCH_S


def solved(problem: dict, engine: str, time_limit_s: float) -> dict:
    return street_solved(problem, engine=engine, time_limit_s=time_limit_s)


@pytest.mark.parametrize("engine", ENGINES)
def test_a_one_visit_day_is_served_even_with_a_twentieth_of_a_second(engine):
    problem = street({"D": 0, "A": 1}, [{"id": "t1"}], [{"id": "a", "location": "A"}])
    plan = solved(problem, engine, TOO_SHORT_TO_SEARCH_S)
    assert route_of(plan, "t1") == ["a"] and plan["kpis"]["travel_s"] == 1200
    assert plan["kpis"]["engine"] == engine


@pytest.mark.parametrize("engine", ENGINES)
def test_a_busy_day_with_no_time_to_search_gets_the_whole_construction_plan(engine):
    visits = [
        {"id": f"v{i}", "location": "ABC"[i % 3], "windows": [[EIGHT + 3600 * (i % 8), EIGHT + 3600 * (i % 8 + 2)]]}
        for i in range(24)
    ]
    problem = street(
        {"D": 0, "A": 1, "B": 2, "C": 3},
        [{"id": "t1", "breaks": [{"window": [41400, 48600], "duration_s": 2700}]}, {"id": "t2"}],
        visits,
    )
    plan = solved(problem, engine, TOO_SHORT_TO_SEARCH_S)
    assert plan["kpis"]["served"] == _construction_served(problem) >= 2 * 8


def test_a_visit_the_construction_could_not_fit_is_left_out_because_time_ran_out():
    # both want 09:00 sharp at places 3 km apart; one technician can do only one of them
    problem = street(
        {"D": 0, "A": 1, "B": 4},
        [{"id": "t1"}],
        [
            {"id": "a", "location": "A", "windows": [[32400, 32400]]},
            {"id": "b", "location": "B", "windows": [[32400, 32400]]},
        ],
    )
    plan = solved(problem, RUIN_AND_RECREATE, TOO_SHORT_TO_SEARCH_S)
    [left_out] = plan["unassigned"]
    assert left_out["reason_code"] == "search_out_of_time"
    assert left_out["reason"].startswith("the time limit ran out before the search could try to fit it in")
    # given time to search, the same visit is left out for want of room
    plan = solved(problem, RUIN_AND_RECREATE, 0.5)
    assert [u["reason_code"] for u in plan["unassigned"]] == ["no_room"]


@pytest.mark.slow
@pytest.mark.parametrize("engine", ENGINES)
@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)
@given(problem=problems())
def test_no_engine_ends_worse_than_the_construction_plan(engine, problem):
    parsed = parse_problem(problem)
    visits, start = _construction(parsed)
    plan = solve_with(parsed, searches_for(engine, 1)[0], time_limit_s=0.3)
    checked(problem, plan)
    assert plan.cost <= routes_cost(parsed, visits, start)


def test_the_engine_that_can_start_at_once_is_or_tools_until_the_search_is_compiled(monkeypatch):
    monkeypatch.setattr(search_module, "is_compiled", lambda: False)
    assert ready_engine() == ORTOOLS
    monkeypatch.setattr(search_module, "is_compiled", lambda: True)
    assert ready_engine() == RUIN_AND_RECREATE
    assert searches_for(ORTOOLS, 2) == list(PORTFOLIO)
    assert searches_for(RUIN_AND_RECREATE, 2) == list(RUIN_AND_RECREATE_PORTFOLIO)
    with pytest.raises(ValueError, match="unknown engine 'simplex'"):
        searches_for("simplex", 1)


def _construction(problem):
    suitable, _ = suitable_technicians(problem)
    visits = [v for v in problem.visits if v.id in suitable]
    return visits, build_routes(problem, visits, suitable, objective_table=objective_table(problem))


def _construction_served(problem: dict) -> int:
    return sum(len(route) for route in _construction(parse_problem(problem))[1])
