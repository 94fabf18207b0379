"""The route moves (relocate, swap, 2-opt*, Or-opt) shorten a plan's routes and keep every rule.

Days on a straight street as in test_solver.py; every plan goes through the independent checker.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from hypothesis import HealthCheck, given, settings

from scheduling.check import check_plan
from scheduling.core import parse_problem, plan_to_dict
from scheduling.core.engine import suitable_technicians
from scheduling.core.insertion import build_routes
from scheduling.core.objective import objective_table
from scheduling.core.plan import Unassigned, make_plan
from scheduling.core.reasons import explain_dropped
from scheduling.core.ruin_and_recreate.driver import _open_routes, _problem_tuple, fresh_state
from scheduling.core.ruin_and_recreate.encode import search_data
from scheduling.core.ruin_and_recreate.layout import LENGTHS, ROUTE_COST, ROUTES
from scheduling.core.ruin_and_recreate.local_search import INFEASIBLE, _local_search, _move_string, _route_cost
from scheduling.core.ruin_and_recreate.routes import _break_gaps, _start_from
from scheduling.core.timing import timed_route

from .random_days import problems
from .street import route_of, street


def polished(
    problem: dict, routes: dict[str, list[str]] | None = None, move: Callable[..., bool] | None = None
) -> tuple[dict, int, int]:
    """Start from `routes` (visit ids per technician; None = the construction plan) and run the route moves
    (or, with `move`, that one move once, given the visits' numbers by id): the plan (checked), and the
    routes' cost before and after."""
    parsed = parse_problem(problem)
    suitable, unassigned = suitable_technicians(parsed)
    visits = [v for v in parsed.visits if v.id in suitable]
    arrays = _problem_tuple(search_data(parsed, visits, suitable))
    if routes is None:
        start = build_routes(parsed, visits, suitable, objective_table=objective_table(parsed))
    else:
        position = {v.id: u for u, v in enumerate(visits)}
        start = [[position[v] for v in routes.get(tech.id, [])] for tech in parsed.technicians]
    states = [fresh_state(len(parsed.technicians), len(visits)) for _ in range(3)]
    for state in states:
        for t, order in enumerate(start):
            state[ROUTES][t, : len(order)] = order
            state[LENGTHS][t] = len(order)
    _start_from(arrays, *states)
    state = states[0]
    before = int(state[ROUTE_COST].sum())
    touched = np.ones(len(parsed.technicians), np.bool_)  # every route is open to the moves
    if move is None:
        saved = _local_search(arrays, state, touched)
    else:
        seq1, seq2 = np.empty(len(visits) + 1, np.int64), np.empty(len(visits) + 1, np.int64)
        assert move(arrays, state, seq1, seq2, {v.id: u for u, v in enumerate(visits)})
        saved = before - int(state[ROUTE_COST].sum())
    after = int(state[ROUTE_COST].sum())
    assert saved == before - after
    planned = []
    for t, tech in enumerate(parsed.technicians):
        order = [visits[u] for u in state[ROUTES][t, : state[LENGTHS][t]]]
        gaps = np.zeros(max(len(tech.breaks), 1), np.int64)
        _break_gaps(t, arrays, state, gaps)
        # the search numbers breaks in window order, the technician in the problem's order
        by_window = sorted(range(len(tech.breaks)), key=lambda b: tech.breaks[b].window)
        ordered = [0] * len(tech.breaks)
        for b, gap in zip(by_window, gaps[: len(tech.breaks)]):
            ordered[b] = int(gap)
        planned.append(timed_route(parsed, tech, order, ordered if order else []))
    by_id = {route.technician: route for route in planned}
    demand = {v.id: v.demand for v in visits}
    served = {stop.visit for route in planned for stop in route.stops}
    for visit in visits:
        if visit.id not in served:
            unassigned.append(Unassigned(visit.id, explain_dropped(visit, suitable[visit.id], by_id, demand)))
    plan = plan_to_dict(make_plan(planned, unassigned, solve_s=0))
    assert served == {visits[u].id for route in start for u in route}  # nobody dropped, nobody added
    assert check_plan(problem, plan) == []
    return plan, before, after


def two_ends_of_the_street(**visit_fields: dict) -> dict:
    """t1 lives at km 0, t2 at km 10; jobs at km 1 and 2 (near t1) and 8 and 9 (near t2)."""
    return street(
        {"W": 0, "A": 1, "B": 2, "Y": 8, "Z": 9, "E": 10},
        [{"id": "t1", "start": "W", "end": "W", "skills": ["gas"]}, {"id": "t2", "start": "E", "end": "E"}],
        [{"id": v, "location": v.upper(), **visit_fields.get(v, {})} for v in ("a", "b", "y", "z")],
    )


def test_crossed_routes_come_apart_with_less_travel():
    plan, before, after = polished(two_ends_of_the_street(), {"t1": ["a", "z"], "t2": ["y", "b"]})

    assert sorted(route_of(plan, "t1")) == ["a", "b"] and sorted(route_of(plan, "t2")) == ["y", "z"]
    assert after < before


def test_a_job_stays_with_the_only_technician_who_has_the_skill():
    plan, _, _ = polished(two_ends_of_the_street(z={"skills": ["gas"]}), {"t1": ["a", "z"], "t2": ["y", "b"]})

    assert "z" in route_of(plan, "t1") and "b" in route_of(plan, "t1")


def test_a_job_stays_where_its_window_can_be_kept():
    # z must start by 08:10: only t2 (km 10, 6 minutes away at 08:00) is there in time, however t1's day looks
    windows = {"z": {"windows": [[28800, 29400]]}}
    plan, _, _ = polished(two_ends_of_the_street(**windows), {"t1": ["a", "b"], "t2": ["z", "y"]})

    assert route_of(plan, "t2")[0] == "z"


def test_a_string_of_two_moves_to_the_route_it_lies_on():
    # t1's a-y-z drives out to km 9 and back; y and z belong after x on t2's way
    problem = street(
        {"W": 0, "A": 1, "X": 7, "Y": 8, "Z": 9, "E": 10},
        [{"id": "t1", "start": "W", "end": "W"}, {"id": "t2", "start": "E", "end": "E"}],
        [{"id": v, "location": v.upper()} for v in ("a", "x", "y", "z")],
    )

    def move(arrays, state, seq1, seq2, number):
        return _move_string(number["y"], 2, number["x"], arrays, state, seq1, seq2)

    plan, before, after = polished(problem, {"t1": ["a", "y", "z"], "t2": ["x"]}, move)

    assert route_of(plan, "t1") == ["a"] and route_of(plan, "t2") == ["x", "y", "z"]
    assert after < before


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(problems())
def test_random_plans_stay_feasible_and_never_cost_more(problem):
    _, before, after = polished(problem)

    assert after <= before


def _arrays(problem: dict) -> tuple:
    parsed = parse_problem(problem)
    suitable, _ = suitable_technicians(parsed)
    return _problem_tuple(search_data(parsed, [v for v in parsed.visits if v.id in suitable], suitable))


def test_the_search_starts_with_long_routes_cut_for_free_technicians():
    # Eight visits 1..8 km out on t1's route and t2, t3 free: OPEN_ROUTES = 2 cuts it once, in its middle half
    # (after 2 to 6 stops), into two routes that keep every rule; t3 is left free.
    problem = street(
        {"D": 0, **{f"P{i}": i for i in range(1, 9)}},
        [{"id": "t1"}, {"id": "t2"}, {"id": "t3"}],
        [{"id": f"v{i}", "location": f"P{i}"} for i in range(1, 9)],
    )
    arrays = _arrays(problem)
    routes = _open_routes(arrays, [list(range(8)), [], []])
    assert sorted(routes[0] + routes[1]) == list(range(8)) and routes[2] == []
    assert 2 <= len(routes[0]) <= 6
    assert all(_route_cost(t, np.array(r, np.int64), len(r), arrays) != INFEASIBLE for t, r in enumerate(routes))


def test_a_route_is_not_cut_for_a_technician_who_may_not_do_its_visits():
    # The free technician t2 lacks the gas skill every visit needs: the route stays whole.
    problem = street(
        {"D": 0, **{f"P{i}": i for i in range(1, 9)}},
        [{"id": "t1", "skills": ["gas"]}, {"id": "t2"}],
        [{"id": f"v{i}", "location": f"P{i}", "skills": ["gas"]} for i in range(1, 9)],
    )
    assert _open_routes(_arrays(problem), [list(range(8)), []]) == [list(range(8)), []]
