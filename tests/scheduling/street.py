"""Builders of small days for the planner's tests, and the checks every test makes of a plan.

Most days lie on a straight street: places at whole kilometres, 10 minutes (600 s) and 1000 m per
kilometre, so the expected numbers can be worked out by hand.
"""

from __future__ import annotations

from scheduling.check import check_plan
from scheduling.core import parse_problem, plan_to_dict, solve
from scheduling.core.plan import Plan

S_PER_KM, M_PER_KM = 600, 1000
EIGHT, FIVE_PM = 28800, 61200  # 08:00 and 17:00 in seconds from midnight
TIME_LIMIT_S = 1


def street(places: dict[str, int], technicians: list[dict], visits: list[dict], **options) -> dict:
    """problem.json for places at whole kilometres along one street."""
    ids = list(places)
    km = [[abs(places[a] - places[b]) for b in ids] for a in ids]
    return {
        "date": "2026-11-23",
        "locations": [{"id": i} for i in ids],
        "matrix": {
            "durations_s": [[d * S_PER_KM for d in row] for row in km],
            "distances_m": [[d * M_PER_KM for d in row] for row in km],
        },
        "technicians": [{"start": "D", "end": "D", "shift": [EIGHT, FIVE_PM], **t} for t in technicians],
        "visits": [{"duration_s": 1800, **v} for v in visits],
        "options": {"balance": False, **options},
    }


def promised_against_three_urgent() -> dict:
    """One technician, a must-serve visit taking 10:00-11:30, and three urgent half hours at 10:00, 10:30, 11:00."""
    promised = {
        "id": "promised",
        "location": "A",
        "priority": 1,
        "must_serve": True,
        "duration_s": 5400,
        "windows": [[36000, 36000]],
    }
    urgent = [
        {"id": f"u{i}", "location": "A", "priority": 5, "duration_s": 1800, "windows": [[36000 + 1800 * i] * 2]}
        for i in range(3)
    ]
    return street({"D": 0, "A": 1}, [{"id": "t1"}], [promised, *urgent])


def checked(problem: dict, plan: Plan) -> dict:
    """plan.json of a plan, after the independent checker has passed it."""
    answer = plan_to_dict(plan)
    assert check_plan(problem, answer) == []
    return answer


def solved(problem: dict, *, time_limit_s: float = TIME_LIMIT_S, **kwargs) -> dict:
    """Solve and return plan.json, after the independent checker has passed it."""
    return checked(problem, solve(parse_problem(problem), time_limit_s=time_limit_s, **kwargs))


def route_of(plan: dict, technician: str) -> list[str]:
    return [s["visit"] for s in next(r for r in plan["routes"] if r["technician"] == technician)["stops"]]


def reasons(plan: dict) -> dict[str, str]:
    return {u["visit"]: u["reason"] for u in plan["unassigned"]}


def promised_first_at_the_far_end() -> dict:
    """D->A->B would be shortest, but t1 promised B (2 km) first and A (1 km) second."""
    return street(
        {"D": 0, "A": 1, "B": 2},
        [{"id": "t1"}],
        [
            {"id": "a", "location": "A", "pinned": {"technician": "t1", "sequence": 2}},
            {"id": "b", "location": "B", "pinned": {"technician": "t1", "sequence": 1}},
        ],
    )


def four_jobs_next_door(*, balance: bool) -> dict:
    """Two technicians and four jobs at A, modelled 300 s away (0.5 km on the 600 s/km street)."""
    problem = street(
        {"D": 0, "A": 1},
        [{"id": "t1"}, {"id": "t2"}],
        [{"id": f"v{i}", "location": "A"} for i in range(4)],
        balance=balance,
    )
    problem["matrix"]["durations_s"] = [[0, 300], [300, 0]]
    return problem


# Goods to carry at A: demands 3, 3 and 2; a capacity of 5 takes 3+2 at the most.
GOODS_3_3_2 = [
    {"id": "x", "location": "A", "demand": 3},
    {"id": "y", "location": "A", "demand": 3},
    {"id": "z", "location": "A", "demand": 2},
]
