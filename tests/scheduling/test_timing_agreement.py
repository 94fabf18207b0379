"""The core times a route one way everywhere, and the independent checker agrees with it.

On random days (one technician, a random order of visits with windows, zero to two breaks) the plain-Python
rule (timing.schedule, used by the construction and the rebalance), the compiled search's rule (routes.py) and
the exact timer of the slot offers (timing.schedule_route) must give the same verdict, the first two the same
service starts and break places, and every route they call feasible must pass scheduling/check.py. Who may do
a visit at all (reasons.find_suitable_technicians: a route of just that visit) is whom the exact timer and the
checker accept, and the technician's phone, on time, expects each customer when the checked plan says.
"""

from __future__ import annotations

import math

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dispatch.enums import VisitStatus
from scheduling.check import check_plan
from scheduling.core import parse_problem, plan_to_dict
from scheduling.core.plan import Route, make_plan
from scheduling.core.problem import Problem, Technician
from scheduling.core.reasons import find_suitable_technicians
from scheduling.core.ruin_and_recreate.driver import _problem_tuple, fresh_state
from scheduling.core.ruin_and_recreate.encode import search_data
from scheduling.core.ruin_and_recreate.layout import EARLIEST, LENGTHS, ROUTES
from scheduling.core.ruin_and_recreate.routes import _break_gaps, _refresh
from scheduling.core.timing import schedule_for, schedule_route, timed_route
from technicians.rules import RouteLeg, arrival_estimates

HOUR = 3600


@st.composite
def days(draw) -> dict:
    """One technician, 1-7 visits in the order given, windows of 1-3 hours (or none), 0-2 breaks, a matrix."""
    n = draw(st.integers(1, 7))
    coords = draw(st.lists(st.tuples(st.floats(0, 1), st.floats(0, 1)), min_size=n + 2, max_size=n + 2))
    km = [[math.dist(a, b) * 12 for b in coords] for a in coords]  # a 12 km square
    start = draw(st.sampled_from([7, 8, 9])) * HOUR
    shift = [start, start + draw(st.sampled_from([6, 8, 10])) * HOUR]
    breaks = []
    for window_start in sorted(draw(st.lists(st.integers(10, 16), max_size=2, unique=True))):
        width = draw(st.sampled_from([1800, 3600, 7200]))
        duration = draw(st.sampled_from([900, 1800, 2700]))
        window = [window_start * HOUR, min(window_start * HOUR + width, shift[1])]  # inside the shift
        if window[1] - window[0] >= duration:
            breaks.append({"window": window, "duration_s": duration})
    visits = []
    for j in range(n):
        hours = draw(st.lists(st.integers(8, 17), max_size=2, unique=True))
        length = draw(st.sampled_from([1, 2, 3]))
        visits.append(
            {
                "id": f"v{j}",
                "location": f"L{j + 2}",
                "duration_s": draw(st.sampled_from([600, 1800, 3600, 5400])),
                "windows": sorted([[h * HOUR, (h + length) * HOUR] for h in hours]),
            }
        )
    return {
        "date": "2026-11-23",
        "locations": [{"id": f"L{i}"} for i in range(n + 2)],
        "matrix": {
            "durations_s": [[round(d * 120) for d in row] for row in km],
            "distances_m": [[round(d * 1300) for d in row] for row in km],
        },
        "technicians": [
            {
                "id": "t0",
                "start": "L0",
                "end": draw(st.sampled_from(["L0", "L1"])),
                "shift": shift,
                "breaks": breaks,
            }
        ],
        "visits": visits,
    }


def compiled_timing(problem, visits) -> tuple[bool, list[int], list[int]]:
    """The compiled search's verdict on the route in this order, its service starts and break places."""
    tech = problem.technicians[0]
    data = search_data(problem, visits, {v.id: (tech,) for v in visits})
    arrays = _problem_tuple(data)
    state = fresh_state(1, len(visits))
    state[ROUTES][0, : len(visits)] = np.arange(len(visits))
    state[LENGTHS][0] = len(visits)
    ok = _refresh(0, arrays, state)
    gaps = np.zeros(max(len(tech.breaks), 1), np.int64)
    _break_gaps(0, arrays, state, gaps)
    return bool(ok), [int(s) for s in state[EARLIEST][0, : len(visits)]], [int(g) for g in gaps[: len(tech.breaks)]]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(day=days())
def test_every_timing_of_the_core_agrees_and_the_checker_accepts_it(day):
    problem = parse_problem(day)
    tech, visits = problem.technicians[0], list(problem.visits)

    timed = schedule_for(problem, tech, visits)
    ok, starts, gaps = compiled_timing(problem, visits)
    exact = schedule_route(problem, tech, [v.id for v in visits])

    assert ok == (timed is not None)
    if timed is None:
        # the break rule may miss a timing the exact timer finds, never the other way round
        return
    assert starts == timed[0]
    assert gaps == timed[1]
    assert exact is not None

    by_window = sorted(range(len(tech.breaks)), key=lambda b: tech.breaks[b].window)
    in_problem_order = [0] * len(tech.breaks)
    for b, gap in zip(by_window, timed[1]):
        in_problem_order[b] = gap
    route = timed_route(problem, tech, visits, in_problem_order)
    for timing in (route, exact):
        plan = plan_to_dict(make_plan([timing], [], solve_s=0.0))
        assert check_plan(day, plan) == []
    # the plan's times are the earliest for these break places: never later than the rule's
    assert all(stop.start <= start for stop, start in zip(route.stops, timed[0]))
    # the technician's phone, leaving on time, expects every customer when the checked plan says
    assert phone_etas(problem, tech, route) == [stop.start for stop in route.stops]


def phone_etas(problem: Problem, tech: Technician, route: Route) -> list[int | None]:
    """The phone's arrival estimates for a planned route, the technician leaving the start place at shift start."""
    location = {v.id: v.location for v in problem.visits}
    places = [tech.start] + [location[stop.visit] for stop in route.stops]
    legs = [
        RouteLeg(VisitStatus.SCHEDULED, problem.duration_s(a, b), stop.start, stop.end - stop.start)
        for a, b, stop in zip(places, places[1:], route.stops)
    ]
    return arrival_estimates(tech.shift[0], legs)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(day=days())
def test_who_can_do_a_visit_at_all_is_whom_the_exact_timer_and_the_checker_accept(day):
    problem = parse_problem(day)
    tech = problem.technicians[0]
    for visit in problem.visits:
        suitable = tech in find_suitable_technicians(problem, visit).technicians
        alone = schedule_route(problem, tech, [visit.id])

        assert suitable == (alone is not None)
        if schedule_for(problem, tech, [visit]) is not None:
            assert suitable  # what the rule times, the exact timer times too
        if alone is not None:
            just_this = {**day, "visits": [v for v in day["visits"] if v["id"] == visit.id]}
            assert check_plan(just_this, plan_to_dict(make_plan([alone], [], solve_s=0.0))) == []


def one_visit_day(*, away_s: int, lunch: list[int], lunch_s: int, window: list[int], duration_s: int) -> dict:
    """One technician (08:00-17:30, home L0) and one visit `away_s` from home."""
    return {
        "date": "2026-11-23",
        "locations": [{"id": "L0"}, {"id": "L1"}],
        "matrix": {"durations_s": [[0, away_s], [away_s, 0]], "distances_m": [[0, away_s * 10], [away_s * 10, 0]]},
        "technicians": [
            {
                "id": "t0",
                "start": "L0",
                "end": "L0",
                "shift": [8 * HOUR, 17 * HOUR + 1800],
                "breaks": [{"window": lunch, "duration_s": lunch_s}],
            }
        ],
        "visits": [{"id": "v0", "location": "L1", "duration_s": duration_s, "windows": [window]}],
    }


def test_a_visit_that_would_run_through_the_whole_lunch_window_is_nobodys():
    # lunch is 12:00-13:00 exactly; an hour's visit must start by 11:45: it would be under way at noon
    day = one_visit_day(
        away_s=0,
        lunch=[12 * HOUR, 13 * HOUR],
        lunch_s=3600,
        window=[11 * HOUR + 1800, 11 * HOUR + 2700],
        duration_s=3600,
    )
    problem = parse_problem(day)

    found = find_suitable_technicians(problem, problem.visits[0])

    assert found.technicians == ()
    assert found.reason.code == "cannot_finish"


def test_a_visit_the_break_rule_misses_is_still_the_technicians():
    # Two hours away, a 12:00-14:00 visit, lunch (45 min) between 11:30 and 13:30: driving there first and
    # lunching on site from 11:30 serves it at 12:15. The rule pauses at home first and would arrive at 14:15.
    day = one_visit_day(
        away_s=2 * HOUR,
        lunch=[11 * HOUR + 1800, 13 * HOUR + 1800],
        lunch_s=2700,
        window=[12 * HOUR, 14 * HOUR],
        duration_s=3600,
    )
    problem = parse_problem(day)
    tech, visit = problem.technicians[0], problem.visits[0]

    assert schedule_for(problem, tech, [visit]) is None
    assert find_suitable_technicians(problem, visit).technicians == (tech,)
    assert schedule_route(problem, tech, ["v0"]).stops[0].start == 12 * HOUR + 900


def test_a_route_that_misses_a_window_is_refused_by_every_timer():
    day = {
        "date": "2026-11-23",
        "locations": [{"id": "L0"}, {"id": "L1"}],
        "matrix": {"durations_s": [[0, 1800], [1800, 0]], "distances_m": [[0, 20000], [20000, 0]]},
        "technicians": [{"id": "t0", "start": "L0", "end": "L0", "shift": [8 * HOUR, 17 * HOUR], "breaks": []}],
        # half an hour away, the visit must start by 08:15
        "visits": [{"id": "v0", "location": "L1", "duration_s": 600, "windows": [[8 * HOUR, 8 * HOUR + 900]]}],
    }
    problem = parse_problem(day)
    tech, visits = problem.technicians[0], list(problem.visits)
    assert schedule_for(problem, tech, visits) is None
    assert compiled_timing(problem, visits)[0] is False
    assert schedule_route(problem, tech, ["v0"]) is None


def test_a_second_break_taken_on_site_ends_before_the_service_starts():
    # no travel; v0 first thing, v1 from 13:00. Both breaks before v0 would end the second lunch at 13:15:
    # the exact timer once let v1 start at 10:30 over it.
    day = {
        "date": "2026-11-23",
        "locations": [{"id": f"L{i}"} for i in range(3)],
        "matrix": {"durations_s": [[0] * 3] * 3, "distances_m": [[0] * 3] * 3},
        "technicians": [
            {
                "id": "t0",
                "start": "L0",
                "end": "L0",
                "shift": [7 * HOUR, 15 * HOUR],
                "breaks": [
                    {"window": [10 * HOUR, 10 * HOUR + 1800], "duration_s": 900},
                    {"window": [13 * HOUR, 13 * HOUR + 1800], "duration_s": 900},
                ],
            }
        ],
        "visits": [
            {"id": "v0", "location": "L1", "duration_s": 600, "windows": []},
            {"id": "v1", "location": "L2", "duration_s": 600, "windows": [[13 * HOUR, 14 * HOUR]]},
        ],
    }
    problem = parse_problem(day)
    route = schedule_route(problem, problem.technicians[0], ["v0", "v1"])
    assert check_plan(day, plan_to_dict(make_plan([route], [], solve_s=0.0))) == []
    assert route.stops[1].start == 13 * HOUR
