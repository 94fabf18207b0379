"""The plan checker accepts a plan worked out by hand and names every rule a planted mistake breaks."""

from __future__ import annotations

import copy

import pytest
from geopy.distance import great_circle

from scheduling.check import check_plan, plan_warnings
from scheduling.check_travel import route_distance_m

# Travel matrix worked out by hand (symmetric; distance_m = 10 * duration_s):
#        L0    L1    L2    L3
#  L0     0   900  1200  1500
#  L1   900     0   600  1000
#  L2  1200   600     0   700
#  L3  1500  1000   700     0
_DURATIONS = [[0, 900, 1200, 1500], [900, 0, 600, 1000], [1200, 600, 0, 700], [1500, 1000, 700, 0]]
LUNCH = {"window": [41400, 48600], "duration_s": 2700}  # 45 min somewhere in 11:30-13:30


def feasible_problem() -> dict:
    return copy.deepcopy(
        {
            "date": "2026-11-23",
            "locations": [{"id": f"L{i}", "lat": 31.2 + i / 100, "lon": 121.4} for i in range(4)],
            "matrix": {"durations_s": _DURATIONS, "distances_m": [[10 * d for d in row] for row in _DURATIONS]},
            "technicians": [
                {
                    "id": "t1",
                    "start": "L0",
                    "end": "L0",
                    "skills": ["ac_install", "ac_repair"],
                    "shift": [30600, 64800],
                    "breaks": [LUNCH],
                    "max_visits": 3,
                    "capacity": 10,
                },
                {
                    "id": "t2",
                    "start": "L0",
                    "end": "L0",
                    "skills": ["washer_repair"],
                    "shift": [30600, 64800],
                    "breaks": [LUNCH],
                    "max_visits": None,
                    "capacity": None,
                },
            ],
            "visits": [
                {
                    "id": "v1",
                    "location": "L1",
                    "duration_s": 3600,
                    "skills": ["ac_install"],
                    "windows": [[32400, 39600]],
                    "priority": 3,
                    "demand": 4,
                    "pinned": {"technician": "t1", "sequence": 1},
                    "must_serve": False,
                },
                {
                    "id": "v2",
                    "location": "L2",
                    "duration_s": 1800,
                    "skills": ["ac_repair"],
                    "windows": [[39600, 46800]],
                    "priority": 3,
                    "demand": 3,
                    "pinned": None,
                    "must_serve": False,
                },
                {
                    "id": "v3",
                    "location": "L3",
                    "duration_s": 3600,
                    "skills": [],
                    "windows": [[46800, 54000]],
                    "priority": 3,
                    "demand": 3,
                    "pinned": {"technician": "t1", "sequence": 2},
                    "must_serve": False,
                },
                {
                    "id": "v4",
                    "location": "L2",
                    "duration_s": 2700,
                    "skills": ["washer_repair"],
                    "windows": [],
                    "priority": 3,
                    "demand": 0,
                    "pinned": None,
                    "must_serve": False,
                },
                {
                    "id": "v5",
                    "location": "L3",
                    "duration_s": 1800,
                    "skills": ["fridge_repair"],
                    "windows": [[32400, 39600]],
                    "priority": 5,
                    "demand": 0,
                    "pinned": None,
                    "must_serve": True,
                },
            ],
            "options": {"objective": "travel_time", "time_limit_s": 1},
        }
    )


def feasible_plan() -> dict:
    # t1: leaves L0 at 30600, +900 -> arrives L1 31500, waits for v1's window: 32400-36000;
    #     +600 -> L2 at 36600, waits for 39600: v2 39600-41400; lunch 41400-44100 (window 41400-48600);
    #     +700 -> L3 at 44800, waits for 46800: v3 46800-50400; +1500 -> home at 51900 <= 64800.
    #     travel 900+600+700+1500 = 3700 s, 37000 m; demand 4+3+3 = 10 = capacity; 3 visits = max_visits.
    # t2: +1200 -> L2 at 31800: v4 31800-34500 (any time); +1200 -> home 35700; lunch 41400-44100 after.
    #     travel 2400 s, 24000 m.
    lunch = {"start": 41400, "end": 44100}
    return copy.deepcopy(
        {
            "routes": [
                {
                    "technician": "t1",
                    "stops": [
                        {"visit": "v1", "arrival": 31500, "start": 32400, "end": 36000},
                        {"visit": "v2", "arrival": 36600, "start": 39600, "end": 41400},
                        {"visit": "v3", "arrival": 44800, "start": 46800, "end": 50400},
                    ],
                    "break": lunch,
                    "breaks": [lunch],
                    "travel_s": 3700,
                    "distance_m": 37000,
                },
                {
                    "technician": "t2",
                    "stops": [{"visit": "v4", "arrival": 31800, "start": 31800, "end": 34500}],
                    "break": lunch,
                    "breaks": [lunch],
                    "travel_s": 2400,
                    "distance_m": 24000,
                },
            ],
            "unassigned": [{"visit": "v5", "reason": "no technician on shift has skill fridge_repair"}],
            "kpis": {"served": 4, "unassigned": 1, "travel_s": 6100, "distance_m": 61000, "solve_s": 0.1},
        }
    )


def route(plan: dict, technician: str) -> dict:
    return next(r for r in plan["routes"] if r["technician"] == technician)


def stop(plan: dict, visit: str) -> dict:
    return next(s for r in plan["routes"] for s in r["stops"] if s["visit"] == visit)


def set_breaks(plan: dict, technician: str, *breaks: dict) -> None:
    route(plan, technician)["breaks"] = list(breaks)
    route(plan, technician)["break"] = breaks[0] if breaks else None


def test_hand_worked_plan_is_feasible():
    assert check_plan(feasible_problem(), feasible_plan()) == []


def test_route_distance_is_recomputed_from_the_matrix():
    problem, plan = feasible_problem(), feasible_plan()
    assert route_distance_m(problem, route(plan, "t1")) == 37000
    assert route_distance_m(problem, {"technician": "t1", "stops": []}) == 0


# --- each planted violation is named -----------------------------------------------------------------


def findings(problem: dict, plan: dict) -> str:
    found = check_plan(problem, plan)
    assert found, "the planted mistake went unnoticed"
    return "\n".join(found)


def test_stop_outside_its_window_is_named():
    plan = feasible_plan()
    stop(plan, "v3").update(start=54100, end=57700)
    assert "t1: visit v3 starts at 54100, outside its windows [[46800, 54000]]" in findings(feasible_problem(), plan)


def test_missing_skill_is_named():
    problem = feasible_problem()
    problem["visits"][0]["skills"].append("tv_mount")
    assert "t1: visit v1 needs skills ['tv_mount'] that t1 does not have" in findings(problem, feasible_plan())


def test_break_overlapping_service_is_named():
    plan = feasible_plan()
    set_breaks(plan, "t1", {"start": 45000, "end": 47700})  # in its window, but v3 runs 46800-50400
    assert "t1: break [45000, 47700] overlaps visit v3 service [46800, 50400]" in findings(feasible_problem(), plan)


def test_break_outside_its_window_is_named():
    plan = feasible_plan()
    set_breaks(plan, "t1", {"start": 50400, "end": 53100})  # after v3; the window closes at 48600
    assert findings(feasible_problem(), plan) == "t1: break [50400, 53100] is outside its window [41400, 48600]"


def test_break_of_the_wrong_length_is_named():
    plan = feasible_plan()
    set_breaks(plan, "t1", {"start": 41400, "end": 43200})
    assert "t1: break [41400, 43200] lasts 1800 s, it must last 2700 s" in findings(feasible_problem(), plan)


def test_missing_break_is_named():
    plan = feasible_plan()
    set_breaks(plan, "t1")
    assert findings(feasible_problem(), plan) == "t1: break of 2700 s in window [41400, 48600] is missing"


def test_break_field_must_repeat_the_first_break():
    plan = feasible_plan()
    route(plan, "t2")["break"] = None
    assert "t2: 'break' None must equal the first of 'breaks'" in findings(feasible_problem(), plan)


def test_break_in_a_gap_consumes_driving_time():
    plan = feasible_plan()
    # Lunch 41400-44100 after v2, then 700 s to L3: v3 cannot be reached before 44800.
    stop(plan, "v3")["arrival"] = 44200
    assert (
        "t1: visit v3 arrival 44200 is too early: leaving visit v2 at 41400, driving 700 s (matrix) "
        "plus 2700 s of breaks arrives at 44800 at the earliest"
    ) in findings(feasible_problem(), plan)


def test_break_taken_on_site_while_waiting_for_the_window_is_fine():
    plan = feasible_plan()
    # Arrive at L3 at 42100 (no lunch on the way), lunch on site 42100-44800, v3 from 46800.
    stop(plan, "v3")["arrival"] = 42100
    set_breaks(plan, "t1", {"start": 42100, "end": 44800})
    assert check_plan(feasible_problem(), plan) == []


def test_pinned_visit_on_another_route_is_named():
    problem = feasible_problem()
    problem["visits"][3]["pinned"] = {"technician": "t1", "sequence": None}
    assert "t2: visit v4 is pinned to t1 but is on t2's route" in findings(problem, feasible_plan())


def test_pinned_visits_out_of_sequence_are_named():
    problem = feasible_problem()
    problem["visits"][0]["pinned"]["sequence"], problem["visits"][2]["pinned"]["sequence"] = 2, 1
    assert "t1: pinned visit v1 (sequence 2) comes before v3 (sequence 1)" in findings(problem, feasible_plan())


def test_duplicated_visit_is_named():
    plan = feasible_plan()
    plan["unassigned"].append({"visit": "v4", "reason": "no time left"})
    assert "visit v4 appears 2 times (t2, unassigned)" in findings(feasible_problem(), plan)


def test_missing_visit_is_named():
    plan = feasible_plan()
    plan["unassigned"] = []
    plan["kpis"]["unassigned"] = 0
    assert findings(feasible_problem(), plan) == "visit v5 is neither on a route nor unassigned"


def test_unassigned_visit_without_reason_is_named():
    plan = feasible_plan()
    plan["unassigned"][0]["reason"] = " "
    assert findings(feasible_problem(), plan) == "unassigned visit v5 has no reason a dispatcher can act on"


def test_unknown_visit_and_technician_are_named():
    plan = feasible_plan()
    route(plan, "t2")["stops"].append({"visit": "v99", "arrival": 40000, "start": 40000, "end": 41000})
    plan["routes"].append({"technician": "t9", "stops": []})
    found = findings(feasible_problem(), plan)
    assert "t2: unknown visit 'v99'" in found
    assert "route 2 is for unknown technician 't9'" in found


def test_technician_with_two_routes_is_named():
    plan = feasible_plan()
    plan["routes"].append(
        {"technician": "t2", "stops": [], "break": None, "breaks": [], "travel_s": 0, "distance_m": 0}
    )
    assert findings(feasible_problem(), plan) == "t2: has 2 routes, at most one is allowed"


def test_over_max_visits_is_named():
    problem = feasible_problem()
    problem["technicians"][0]["max_visits"] = 2
    assert findings(problem, feasible_plan()) == "t1: 3 visits, more than max_visits 2"


def test_over_capacity_is_named():
    problem = feasible_problem()
    problem["technicians"][0]["capacity"] = 9
    assert findings(problem, feasible_plan()) == "t1: total demand 10 is over capacity 9"


def test_travel_shorter_than_the_matrix_is_named():
    plan = feasible_plan()
    stop(plan, "v2")["arrival"] = 36300  # v1 ends 36000, the matrix says 600 s to L2
    assert findings(feasible_problem(), plan) == (
        "t1: visit v2 arrival 36300 is too early: leaving visit v1 at 36000, driving 600 s (matrix) "
        "plus 0 s of breaks arrives at 36600 at the earliest"
    )


def test_first_arrival_needs_the_drive_from_the_start_place():
    plan = feasible_plan()
    stop(plan, "v4").update(arrival=31000, start=31000, end=33700)  # shift 30600 + 1200 s -> 31800
    assert "t2: visit v4 arrival 31000 is too early: leaving shift start at L0 at 30600" in findings(
        feasible_problem(), plan
    )


def test_service_before_shift_start_is_named():
    problem = feasible_problem()
    problem["technicians"][1]["shift"] = [32000, 64800]
    assert "t2: visit v4 is served before shift start 32000 (arrival 31800, start 31800)" in findings(
        problem, feasible_plan()
    )


def test_shift_overrun_is_named():
    problem = feasible_problem()
    problem["technicians"][0]["shift"] = [30600, 51000]  # back home only at 50400 + 1500 = 51900
    assert findings(problem, feasible_plan()) == (
        "t1: shift overrun: visit v3 ends at 50400, driving 1500 s to L0 (matrix) plus 0 s of breaks "
        "ends at 51900, after shift end 51000"
    )


def test_service_end_must_be_start_plus_duration():
    plan = feasible_plan()
    stop(plan, "v4")["end"] = 34000
    assert "t2: visit v4 ends at 34000, but start 31800 + duration 2700 s = 34500" in findings(feasible_problem(), plan)


def test_start_before_arrival_is_named():
    plan = feasible_plan()
    stop(plan, "v1")["arrival"] = 32500
    assert "t1: visit v1 starts at 32400, before its arrival 32500" in findings(feasible_problem(), plan)


def test_wrong_route_totals_are_named():
    plan = feasible_plan()
    route(plan, "t1")["travel_s"] = 3600
    found = findings(feasible_problem(), plan)
    assert "t1: route travel_s 3600 differs from the recomputed 3700 (start -> 3 stops -> end)" in found


def test_wrong_kpis_are_named():
    plan = feasible_plan()
    plan["kpis"].update(distance_m=60000, served=5)
    found = findings(feasible_problem(), plan)
    assert "kpis.distance_m is 60000, the routes add up to 61000" in found
    assert "kpis.served is 5, the routes add up to 4" in found


@pytest.mark.parametrize(
    "plan",
    [
        None,
        {},
        {"routes": "x"},
        {"routes": [{"technician": "t1"}]},
        {"routes": [{"technician": "t1", "stops": [{"visit": "v1"}]}], "unassigned": [{}]},
        {
            "routes": [
                {
                    "technician": "t1",
                    "stops": [{"visit": "v1", "arrival": "9h", "start": 0, "end": 1}],
                    "breaks": [{"start": None}],
                }
            ],
            "unassigned": [],
            "kpis": [],
        },
    ],
)
def test_malformed_plan_gives_findings_instead_of_crashing(plan):
    assert check_plan(feasible_problem(), plan)


# --- travel from lat/lon and soft findings -----------------------------------------------------------


def test_travel_without_matrix_is_great_circle_times_detour_at_urban_speed():
    problem = feasible_problem()
    del problem["matrix"]
    problem["locations"] = [
        {"id": "L0", "lat": 31.2304, "lon": 121.4737},  # People's Square
        {"id": "L1", "lat": 31.1443, "lon": 121.8083},
    ]  # Pudong airport
    problem["technicians"] = [dict(problem["technicians"][0], breaks=[], end="L1")]
    problem["visits"] = []
    road_m = great_circle((31.2304, 121.4737), (31.1443, 121.8083)).km * 1000 * 1.3  # ~ 33.4 km * 1.3
    expected_m, expected_s = -(-road_m // 1), -(-road_m // (30 / 3.6))
    empty = {"technician": "t1", "stops": []}
    assert route_distance_m(problem, empty) == 0
    # a one-stop route from L0 to a visit at L0 and home to L1 is one real leg
    problem["visits"] = [{"id": "v1", "location": "L0", "duration_s": 600, "skills": [], "windows": []}]
    plan = {
        "routes": [
            {
                "technician": "t1",
                "stops": [{"visit": "v1", "arrival": 30600, "start": 30600, "end": 31200}],
                "break": None,
                "breaks": [],
                "travel_s": expected_s,
                "distance_m": expected_m,
            }
        ],
        "unassigned": [],
        "kpis": {"served": 1, "unassigned": 0, "travel_s": expected_s, "distance_m": expected_m, "solve_s": 0},
    }
    assert abs(route_distance_m(problem, plan["routes"][0]) - expected_m) <= 1
    assert check_plan(problem, plan) == []
    plan["routes"][0]["travel_s"] = plan["kpis"]["travel_s"] = expected_s - 120
    assert "t1: route travel_s" in findings(problem, plan)


def test_unassigned_must_serve_and_pinned_visits_are_warnings_not_violations():
    problem = feasible_problem()
    problem["visits"][4]["pinned"] = {"technician": "t1", "sequence": None}
    assert plan_warnings(problem, feasible_plan()) == [
        "must_serve visit v5 is unassigned (reason: no technician on shift has skill fridge_repair)",
        "pinned visit v5 (technician t1) is unassigned (reason: no technician on shift has skill fridge_repair)",
    ]
    assert check_plan(problem, feasible_plan()) == []
    assert plan_warnings(problem, {"routes": []}) == []
