"""The ejection search serves a left-out visit by moving others out of its way, keeping every rule.

Each day is packed: every technician's shift holds exactly one 8-hour job, so a left-out job only goes in
when the job in its way moves to a technician who can take it. Plans are checked by the independent checker.
"""

from __future__ import annotations

import numpy as np

from scheduling.check import check_plan
from scheduling.core import parse_problem, plan_to_dict
from scheduling.core.plan import Unassigned, make_plan
from scheduling.core.reasons import explain_dropped, find_suitable_technicians
from scheduling.core.ruin_and_recreate.driver import _problem_tuple, fresh_state
from scheduling.core.ruin_and_recreate.eject import _eject_search
from scheduling.core.ruin_and_recreate.encode import search_data
from scheduling.core.ruin_and_recreate.routes import _start_from
from scheduling.core.timing import timed_route

from .street import route_of, street

EIGHT_HOURS = 8 * 3600


def packed_day(technicians: list[dict], jobs: list[dict]) -> dict:
    return street(
        {"D": 0, "A": 0},
        [{"shift": [28800, 28800 + EIGHT_HOURS], **t} for t in technicians],
        [{"location": "A", "duration_s": EIGHT_HOURS, **job} for job in jobs],
    )


def eject(problem: dict, routes: dict[str, list[str]]) -> tuple[dict, int]:
    """Start from `routes` (job ids per technician), run the ejection search; the plan and how many stay out."""
    parsed = parse_problem(problem)
    visits = list(parsed.visits)
    suitable = {v.id: find_suitable_technicians(parsed, v).technicians for v in visits}
    arrays = _problem_tuple(search_data(parsed, visits, suitable))
    position = {v.id: u for u, v in enumerate(visits)}
    states = [fresh_state(len(parsed.technicians), len(visits)) for _ in range(3)]
    for state in states:
        for t, tech in enumerate(parsed.technicians):
            order = [position[v] for v in routes.get(tech.id, [])]
            state[0][t, : len(order)] = order
            state[1][t] = len(order)
    _start_from(arrays, *states)
    left = _eject_search(arrays, states[0], np.zeros(len(visits), np.int64), 100)
    state = states[0]
    planned = [
        timed_route(parsed, tech, [visits[u] for u in state[0][t, : state[1][t]]], [])
        for t, tech in enumerate(parsed.technicians)
    ]
    by_id = {route.technician: route for route in planned}
    left_out = [
        Unassigned(
            visits[u].id, explain_dropped(visits[u], suitable[visits[u].id], by_id, {v.id: v.demand for v in visits})
        )
        for u in np.flatnonzero(state[6] < 0)
    ]
    plan = plan_to_dict(make_plan(planned, left_out, solve_s=0))
    assert check_plan(problem, plan) == []
    return plan, left


def test_a_job_only_one_technician_can_do_takes_the_place_of_a_job_others_can_do_too():
    problem = packed_day(
        [{"id": "t1", "skills": ["gas", "washer"]}, {"id": "t2", "skills": ["washer"]}],
        [{"id": "gas_job", "skills": ["gas"]}, {"id": "washer_job", "skills": ["washer"]}],
    )

    plan, left = eject(problem, {"t1": ["washer_job"]})

    assert left == 0
    assert route_of(plan, "t1") == ["gas_job"] and route_of(plan, "t2") == ["washer_job"]


def test_a_chain_of_moves_makes_room():
    # gas_job only fits t1's day, t1's washer_job only t2's (besides t1), t2's tv_job also t3's.
    problem = packed_day(
        [
            {"id": "t1", "skills": ["gas", "washer"]},
            {"id": "t2", "skills": ["washer", "tv"]},
            {"id": "t3", "skills": ["tv"]},
        ],
        [
            {"id": "gas_job", "skills": ["gas"]},
            {"id": "washer_job", "skills": ["washer"]},
            {"id": "tv_job", "skills": ["tv"]},
        ],
    )

    plan, left = eject(problem, {"t1": ["washer_job"], "t2": ["tv_job"]})

    assert left == 0
    assert [route_of(plan, t) for t in ("t1", "t2", "t3")] == [["gas_job"], ["washer_job"], ["tv_job"]]


def test_a_job_that_fits_nowhere_stays_out_and_nothing_else_is_lost():
    # two gas jobs, one technician with the skill: one of them stays out, the washer job stays in.
    problem = packed_day(
        [{"id": "t1", "skills": ["gas"]}, {"id": "t2", "skills": ["washer"]}],
        [
            {"id": "gas_a", "skills": ["gas"]},
            {"id": "gas_b", "skills": ["gas"]},
            {"id": "washer_job", "skills": ["washer"]},
        ],
    )

    plan, left = eject(problem, {"t1": ["gas_a"], "t2": ["washer_job"]})

    assert left == 1
    assert len(route_of(plan, "t1")) == 1 and route_of(plan, "t2") == ["washer_job"]
