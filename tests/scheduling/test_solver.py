"""The solver's plans keep every hard rule, and say why each left-out visit could not be planned.

Most days here lie on a straight street (street.py), so the expected numbers can be worked out by hand.
"""

from __future__ import annotations

import pytest

from scheduling.core import parse_problem, solve

from .street import (
    EIGHT,
    GOODS_3_3_2,
    TIME_LIMIT_S,
    checked,
    four_jobs_next_door,
    promised_against_three_urgent,
    promised_first_at_the_far_end,
    reasons,
    route_of,
    solved,
    street,
)


def test_tiny_day_is_served_in_the_shortest_order_at_the_earliest_times():
    # D=0, A=1, B=2, C=3 km; the technician starts at D and ends the day at E=3 (the depot up the street).
    # Driving straight up D->A->B->C->E is 600+600+600+0 = 1800 s and 3000 m; any other order backtracks.
    # A: arrive 28800+600 = 29400, start 29400, end 31200; B: arrive 31800, end 33600; C: arrive 34200, end 36000.
    problem = street(
        {"D": 0, "A": 1, "B": 2, "C": 3, "E": 3},
        [{"id": "t1", "end": "E"}],
        [{"id": "a", "location": "A"}, {"id": "b", "location": "B"}, {"id": "c", "location": "C"}],
    )
    plan = solved(problem)
    route = plan["routes"][0]
    assert [(s["visit"], s["arrival"], s["start"], s["end"]) for s in route["stops"]] == [
        ("a", 29400, 29400, 31200),
        ("b", 31800, 31800, 33600),
        ("c", 34200, 34200, 36000),
    ]
    assert (route["travel_s"], route["distance_m"]) == (1800, 3000)
    assert plan["kpis"] == {
        "served": 3,
        "unassigned": 0,
        "travel_s": 1800,
        "distance_m": 3000,
        "solve_s": plan["kpis"]["solve_s"],
        "engine": "ruin_and_recreate",
    }
    assert route["break"] is None and route["breaks"] == []


def test_a_window_forces_the_far_visit_first():
    # C (3 km) must start by 08:40 (31200): leaving at 08:00 it is reached at 08:30 (30600), so the route
    # turns round: D->C->B->A->D, 1800+600+600+600 = 3600 s. C 30600-32400, B 33000-34800, A 35400-37200.
    problem = street(
        {"D": 0, "A": 1, "B": 2, "C": 3},
        [{"id": "t1"}],
        [
            {"id": "a", "location": "A"},
            {"id": "b", "location": "B"},
            {"id": "c", "location": "C", "windows": [[30600, 31200]]},
        ],
    )
    plan = solved(problem)
    assert [(s["visit"], s["start"]) for s in plan["routes"][0]["stops"]] == [("c", 30600), ("b", 33000), ("a", 35400)]


def test_service_waits_for_the_window_to_open():
    # A (1 km) opens at 10:00 (36000): the technician gets there just in time, arrival = start = 36000.
    problem = street({"D": 0, "A": 1}, [{"id": "t1"}], [{"id": "a", "location": "A", "windows": [[36000, 39600]]}])
    stop = solved(problem)["routes"][0]["stops"][0]
    assert (stop["arrival"], stop["start"], stop["end"]) == (36000, 36000, 37800)


def test_the_later_of_two_windows_is_used_when_the_first_cannot_be_reached():
    # A at 5 km is reached at 08:50 (31800), after its first window [08:00, 08:30]; it starts at 14:00.
    problem = street(
        {"D": 0, "A": 5}, [{"id": "t1"}], [{"id": "a", "location": "A", "windows": [[28800, 30600], [50400, 54000]]}]
    )
    assert solved(problem)["routes"][0]["stops"][0]["start"] == 50400


def test_visit_goes_only_to_a_technician_with_its_skills():
    # The gas job sits at t1's door, but only t2 (10 km away) has the skill.
    problem = street(
        {"D": 0, "E": 10, "G": 0},
        [{"id": "t1", "skills": ["ac_repair"]}, {"id": "t2", "start": "E", "end": "E", "skills": ["gas_heater"]}],
        [{"id": "gas", "location": "G", "skills": ["gas_heater"]}],
    )
    plan = solved(problem)
    assert route_of(plan, "t2") == ["gas"] and route_of(plan, "t1") == []


def test_lunch_break_is_taken_in_its_window_and_never_during_service():
    # Job a is fixed 10:00-11:30 (36000-41400) and job b starts at 12:15 (44100) at the same place.
    # Lunch (45 min = 2700 s, window 11:30-13:30) only fits in between: 41400-44100.
    problem = street(
        {"D": 0, "A": 1},
        [{"id": "t1", "breaks": [{"window": [41400, 48600], "duration_s": 2700}]}],
        [
            {"id": "a", "location": "A", "duration_s": 5400, "windows": [[36000, 36000]]},
            {"id": "b", "location": "A", "duration_s": 3600, "windows": [[44100, 44100]]},
        ],
    )
    route = solved(problem)["routes"][0]
    assert route["break"] == {"start": 41400, "end": 44100} and route["breaks"] == [route["break"]]
    assert [s["visit"] for s in route["stops"]] == ["a", "b"]


def test_technician_without_stops_has_no_break():
    problem = street({"D": 0}, [{"id": "t1", "breaks": [{"window": [41400, 48600], "duration_s": 2700}]}], [])
    route = solved(problem)["routes"][0]
    assert route == {"technician": "t1", "stops": [], "break": None, "breaks": [], "travel_s": 0, "distance_m": 0}


def test_pinned_visit_stays_with_its_technician():
    # b sits next to t1 but was promised by t2 (10 km away).
    problem = street(
        {"D": 0, "E": 10, "B": 1},
        [{"id": "t1"}, {"id": "t2", "start": "E", "end": "E"}],
        [{"id": "b", "location": "B", "pinned": {"technician": "t2", "sequence": None}}],
    )
    assert route_of(solved(problem), "t2") == ["b"]


def test_pinned_sequence_is_kept_even_when_another_order_is_shorter():
    # Going out D->A->B would be shortest, but the customer at B was promised to come first.
    assert route_of(solved(promised_first_at_the_far_end()), "t1") == ["b", "a"]


def test_max_visits_leaves_the_rest_unassigned_with_the_reason():
    problem = street(
        {"D": 0, "A": 1}, [{"id": "t1", "max_visits": 2}], [{"id": f"v{i}", "location": "A"} for i in range(3)]
    )
    plan = solved(problem)
    assert len(route_of(plan, "t1")) == 2
    assert list(reasons(plan).values()) == ["max visits of the day reached for every suitable technician (t1)"]


def test_capacity_limits_the_goods_a_technician_carries():
    # Capacity 5 with demands 3, 3, 2: at most 3+2 fit, so one 3 stays behind.
    problem = street({"D": 0, "A": 1}, [{"id": "t1", "capacity": 5}], GOODS_3_3_2)
    plan = solved(problem)
    assert "z" in route_of(plan, "t1") and len(route_of(plan, "t1")) == 2
    assert list(reasons(plan).values()) == ["no capacity left for its demand 3 with any suitable technician (t1)"]


def test_visit_nobody_has_the_skill_for_is_unassigned_with_the_skill_named():
    problem = street(
        {"D": 0, "A": 1},
        [{"id": "t1", "skills": ["ac_install"]}],
        [{"id": "v9", "location": "A", "skills": ["gas_heater"]}],
    )
    assert reasons(solved(problem)) == {"v9": "no technician has skill gas_heater"}


def test_visit_whose_window_cannot_be_reached_in_time_is_unassigned_with_the_reason():
    # A is 5 km (3000 s) away: leaving at 08:00 the technician is there at 08:50, the window closed at 08:30.
    problem = street({"D": 0, "A": 5}, [{"id": "t1"}], [{"id": "late", "location": "A", "windows": [[28800, 30600]]}])
    assert reasons(solved(problem)) == {
        "late": "its windows [[28800, 30600]] cannot be reached from any technician's start in time"
    }


def test_visit_outside_every_shift_is_unassigned_with_the_reason():
    problem = street(
        {"D": 0, "A": 1},
        [{"id": "t1", "skills": ["ac_install"]}],
        [{"id": "evening", "location": "A", "skills": ["ac_install"], "windows": [[68400, 72000]]}],
    )
    assert reasons(solved(problem)) == {
        "evening": "no technician with skill ac_install is on shift during its windows [[68400, 72000]]"
    }


def test_when_not_all_fit_the_more_urgent_visit_is_served():
    # Both need 10:00 sharp (36000) at 1 km, one technician: only one can be done.
    problem = street(
        {"D": 0, "A": 1, "B": 1},
        [{"id": "t1"}],
        [
            {"id": "routine", "location": "A", "priority": 1, "windows": [[36000, 36000]]},
            {"id": "urgent", "location": "B", "priority": 5, "windows": [[36000, 36000]]},
        ],
    )
    plan = solved(problem)
    assert route_of(plan, "t1") == ["urgent"]
    assert reasons(plan) == {
        "routine": "no room left in the route of t1, the only technician who could do it during its windows"
    }


def test_must_serve_visit_beats_several_urgent_ones():
    # The must-serve job takes the whole morning slot that three urgent jobs would share.
    problem = promised_against_three_urgent()
    plan = solved(problem)
    assert route_of(plan, "t1") == ["promised"] and sorted(reasons(plan)) == ["u0", "u1", "u2"]


def test_overdue_visit_is_kept_over_an_equal_one():
    problem = street(
        {"D": 0, "A": 1, "B": 1},
        [{"id": "t1"}],
        [
            {"id": "fresh", "location": "A", "windows": [[36000, 36000]]},
            {"id": "overdue", "location": "B", "windows": [[36000, 36000]], "overdue_s": 2 * 86400},
        ],
    )
    assert route_of(solved(problem), "t1") == ["overdue"]


def test_balance_shares_nearby_visits_between_technicians():
    # Four jobs next door (0.5 km = 300 s away, modelled as km 1 on a 300 s/km street below).
    # One technician doing all four drives 600 s but is 2 visits over the fair share of 2 (2 x 600 s
    # of balance cost) = 1800; two technicians with two each drive 1200 s and pay nothing: they split.
    problem = four_jobs_next_door(balance=True)
    plan = solved(problem)
    assert len(route_of(plan, "t1")) == len(route_of(plan, "t2")) == 2
    problem["options"]["balance"] = False  # without it one technician takes all four (600 s < 1200 s)
    plan = solved(problem)
    assert sorted([len(route_of(plan, "t1")), len(route_of(plan, "t2"))]) == [0, 4]


def test_progress_is_reported_with_improving_costs():
    problem = street(
        {"D": 0, "A": 1, "B": 2, "C": 3}, [{"id": "t1"}], [{"id": x.lower(), "location": x} for x in "ABC"]
    )
    seen = []
    solve(parse_problem(problem), time_limit_s=TIME_LIMIT_S, on_progress=seen.append)
    assert seen and seen[-1].best_cost == 3600  # travel time objective: out to C and back, 6 x 600 s
    assert all(a.best_cost > b.best_cost for a, b in zip(seen, seen[1:]))
    assert all(a.solutions < b.solutions and a.elapsed_s <= b.elapsed_s for a, b in zip(seen, seen[1:]))


@pytest.mark.parametrize(
    "objective, order, travel_s, distance_m",
    [("travel_time", ["a", "b"], 1800, 15000), ("distance", ["b", "a"], 3600, 3000)],
)
def test_objective_chooses_between_the_fast_ring_road_and_the_short_street(objective, order, travel_s, distance_m):
    # One way round (D->A->B->D) is the ring road: 3 x 600 s but 3 x 5000 m; the other way
    # (D->B->A->D) is the old street: 3 x 1200 s but 3 x 1000 m.
    problem = street(
        {"D": 0, "A": 1, "B": 2},
        [{"id": "t1"}],
        [{"id": "a", "location": "A"}, {"id": "b", "location": "B"}],
        objective=objective,
    )
    problem["matrix"] = {
        "durations_s": [[0, 600, 1200], [1200, 0, 600], [600, 1200, 0]],
        "distances_m": [[0, 5000, 1000], [1000, 0, 5000], [5000, 1000, 0]],
    }
    plan = solved(problem)
    assert route_of(plan, "t1") == order
    assert (plan["kpis"]["travel_s"], plan["kpis"]["distance_m"]) == (travel_s, distance_m)


@pytest.mark.slow
def test_a_tight_day_still_returns_a_complete_checked_plan():
    # 30 one-hour jobs for two technicians with 9-hour shifts: at most ~16 fit; every job is accounted for.
    places = {"D": 0, **{f"P{i}": i % 7 for i in range(30)}}
    problem = street(
        places,
        [{"id": "t1", "breaks": [{"window": [41400, 48600], "duration_s": 2700}]}, {"id": "t2", "max_visits": 6}],
        [
            {
                "id": f"v{i}",
                "location": f"P{i}",
                "duration_s": 3600,
                "priority": 1 + i % 5,
                "windows": [[EIGHT + 3600 * (i % 8), EIGHT + 3600 * (i % 8 + 2)]],
            }
            for i in range(30)
        ],
    )
    plan = solved(problem, time_limit_s=2)
    assert plan["kpis"]["served"] + plan["kpis"]["unassigned"] == 30 and plan["kpis"]["served"] >= 10
    assert all(u["reason"] for u in plan["unassigned"])


@pytest.mark.slow
def test_two_workers_return_a_checked_plan():
    problem = street(
        {"D": 0, "A": 1, "B": 2, "C": 3},
        [{"id": "t1"}, {"id": "t2"}],
        [{"id": x.lower(), "location": x} for x in "ABC"],
    )
    plan = solved(problem, time_limit_s=3, workers=2)
    assert plan["kpis"]["served"] == 3 and plan["kpis"]["travel_s"] == 3600


def test_greedy_start_used_on_big_days_gives_a_checked_plan():
    # The quick greedy first plan (used from 200 visits on) must hand OR-Tools only feasible routes.
    from scheduling.core.engine import solve_with
    from scheduling.core.solve_config import SearchConfig

    problem = street(
        {"D": 0, "A": 1, "B": 2, "C": 3},
        [
            {"id": "t1", "breaks": [{"window": [41400, 48600], "duration_s": 2700}], "max_visits": 3},
            {"id": "t2", "skills": ["gas_heater"]},
        ],
        [
            {
                "id": f"v{i}",
                "location": "ABC"[i % 3],
                "skills": ["gas_heater"] if i % 4 == 0 else [],
                "windows": [[EIGHT + 3600 * (i % 6), EIGHT + 3600 * (i % 6 + 2)]],
            }
            for i in range(12)
        ]
        + [{"id": "pinned", "location": "A", "pinned": {"technician": "t1", "sequence": 1}}],
    )
    plan = checked(problem, solve_with(parse_problem(problem), SearchConfig(greedy_start=True), time_limit_s=1))
    assert plan["kpis"]["served"] == 13 and "pinned" in route_of(plan, "t1")
