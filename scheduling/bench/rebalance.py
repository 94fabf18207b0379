"""Rebalance a generated field day at a moment: time to answer, visits moved, promises broken, against a re-solve."""

from __future__ import annotations

import random
import statistics
from collections import Counter

from scheduling.bench.field import LAT_RANGE, LON_RANGE, SKILLS, _reason_kind, build_day
from scheduling.check import check_plan
from scheduling.core.engine import ready_engine
from scheduling.core.rebalance import rebalance

EVENTS = ("out", "overrun", "urgent", "cancel", "added")
ANSWER_GOAL_S = 5.0
MOVED_GOAL_FACTOR = 1.5
NEW_VISITS_FOR_ADDED = 10  # visits nobody could take yet, for the spare technician to pick up
SPARE_SHIFT_END_S = 66600  # 18:30


def clock_seconds(text: str) -> int:
    """'11:00' as seconds from midnight."""
    hours, minutes = text.split(":")
    return int(hours) * 3600 + int(minutes) * 60


def bench_day(
    technicians: int, visits: int, seed: int, event: str, at_s: int, *, minutes: int = 60
) -> tuple[dict, dict, dict, int]:
    """problem, current plan (the generator's witness), event.json, and how many visits the event frees."""
    problem, plan = build_day(technicians, visits, seed)
    for visit in problem["visits"]:
        visit["must_serve"] = len(visit["windows"]) == 1  # a single 2-hour slot is one CS promised
    rng = random.Random(seed)
    remaining = {r["technician"]: [s for s in r["stops"] if s["start"] >= at_s] for r in plan["routes"]}
    busiest = max(remaining, key=lambda t: (len(remaining[t]), t))
    if event == "out":
        return problem, plan, {"kind": "technician_out", "technician": busiest, "from_s": at_s}, len(remaining[busiest])
    if event == "overrun":
        running = [
            (len(remaining[r["technician"]]), s["visit"])
            for r in plan["routes"]
            for s in r["stops"]
            if s["start"] < at_s < s["end"]
        ]
        visit = max(running)[1]
        return problem, plan, {"kind": "overrun", "visit": visit, "minutes": minutes}, 0
    if event == "cancel":
        return problem, plan, {"kind": "cancel", "visit": remaining[busiest][0]["visit"]}, 0
    if event == "urgent":
        visit = _new_visit(problem, rng, "urgent", skill=rng.choice(problem["technicians"])["skills"][0])
        return problem, plan, {"kind": "urgent", "visit": visit["id"]}, 0
    for k in range(NEW_VISITS_FOR_ADDED):
        _new_visit(problem, rng, f"new{k + 1}", skill=rng.choice(SKILLS), window=(at_s, SPARE_SHIFT_END_S - 3600))
    home = {"id": "Hspare", "lat": round(sum(LAT_RANGE) / 2, 6), "lon": round(sum(LON_RANGE) / 2, 6)}
    problem["locations"].append(home)
    problem["technicians"].append(
        {
            "id": "tspare",
            "start": "Hspare",
            "end": "Hspare",
            "skills": list(SKILLS),
            "shift": [0, 86400],
            "breaks": [],
            "max_visits": None,
            "capacity": None,
        }
    )
    plan["routes"].append(
        {"technician": "tspare", "stops": [], "break": None, "breaks": [], "travel_s": 0, "distance_m": 0}
    )
    return problem, plan, {"kind": "technician_added", "technician": "tspare", "shift": [at_s, SPARE_SHIFT_END_S]}, 0


def _new_visit(
    problem: dict, rng: random.Random, name: str, *, skill: str, window: tuple[int, int] | None = None
) -> dict:
    place = {"id": f"L{name}", "lat": round(rng.uniform(*LAT_RANGE), 6), "lon": round(rng.uniform(*LON_RANGE), 6)}
    problem["locations"].append(place)
    visit = {
        "id": name,
        "location": place["id"],
        "duration_s": 3600,
        "skills": [skill],
        "windows": [list(window)] if window else [],
        "priority": 5,
        "demand": 0,
        "pinned": None,
        "must_serve": False,
    }
    problem["visits"].append(visit)
    return visit


def run(
    technicians: int,
    visits: int,
    seed: int,
    event: str,
    at: str,
    *,
    runs: int = 3,
    scratch_time_limit_s: float = 10.0,
    minutes: int = 60,
    engine: str = "auto",
    echo=print,
) -> dict:
    """Rebalance `runs` times and re-solve the rest of the day once; print and return the figures."""
    at_s = clock_seconds(at)
    engine = ready_engine() if engine == "auto" else engine
    problem, plan, event_json, freed = bench_day(technicians, visits, seed, event, at_s, minutes=minutes)
    results = [rebalance(problem, plan, now_s=at_s, event=event_json, engine=engine) for _ in range(max(1, runs))]
    answer_s = statistics.median(r.kpis["answer_s"] for r in results)
    result = results[-1]
    scratch = rebalance(
        problem,
        plan,
        now_s=at_s,
        event=event_json,
        keep_routes=False,
        search_time_s=scratch_time_limit_s,
        engine=engine,
    )
    echo(
        f"rebalance: {technicians} technicians, {visits} visits, seed {seed}, event {event} at {at}, "
        f"engine {engine}: {event_json}"
    )
    figures = {}
    for name, res, seconds in (("rebalance", result, answer_s), ("re-solve", scratch, scratch.kpis["answer_s"])):
        violations = check_plan(res.problem, res.plan)
        echo(
            f"{name:>9}: answer {seconds:.2f} s{f' (median of {len(results)})' if name == 'rebalance' else ''}, "
            f"moved {res.kpis['moved']}, promises broken {res.kpis['broken_promises']}, "
            f"unassigned {res.kpis['unassigned']}, travel {res.kpis['travel_s'] / 3600:.1f} h, "
            f"checker: {'clean' if not violations else f'{len(violations)} violations'}"
        )
        for reason, count in Counter(_reason_kind(u["reason"]) for u in res.plan["unassigned"]).most_common():
            echo(f"           {count:4d} unassigned: {reason}")
        for violation in violations[:5]:
            echo(f"           ! {violation}")
        figures[name] = {**res.kpis, "answer_s": seconds, "violations": len(violations)}
    witness_keeps_promises = event in ("cancel", "added", "urgent")  # the plan before the event kept them all
    goals = {
        "answer": answer_s < ANSWER_GOAL_S,
        "checker": figures["rebalance"]["violations"] == 0,
        "promises": not witness_keeps_promises or figures["rebalance"]["broken_promises"] == 0,
    }
    if event == "out":
        goals["moved"] = result.kpis["moved"] <= MOVED_GOAL_FACTOR * freed
        echo(f"    the out technician had {freed} visits left; goal moved <= {MOVED_GOAL_FACTOR * freed:g}")
    echo("    goals: " + ", ".join(f"{k} {'met' if ok else 'MISSED'}" for k, ok in goals.items()))
    return {**figures, "goals": goals}
