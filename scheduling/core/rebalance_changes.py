"""A rebalanced day put back together (history + the rest), and its change set: who moved, whose promise broke."""

from __future__ import annotations

from scheduling.core.problem import Problem, Visit
from scheduling.core.reasons import Reason
from scheduling.core.rebalance_events import CANCEL, Event
from scheduling.core.rebalance_insert import TechDay

# Why CS calls a customer after a rebalance (the app words each code).
CALL_PROMISE_BROKEN = "promise_broken"  # the promised slot cannot be kept: rebook
CALL_NOT_TODAY = "not_today"  # planned for today, no longer: agree a new day
CALL_TIME_CHANGED = "time_changed"  # still today, but later or earlier than the customer expects


def promised(visit: Visit | dict) -> bool:
    """A promised slot: a must-serve visit with a window (what CS booked with the customer)."""
    if isinstance(visit, dict):
        return bool(visit.get("must_serve")) and bool(visit.get("windows"))
    return visit.must_serve and bool(visit.windows)


def combine_routes(problem: Problem, techs: dict[str, TechDay], rest: dict, late: list[tuple[str, Reason]]) -> dict:
    """plan.json of the whole day: each technician's history, then their rebalanced rest; totals recounted."""
    location = {v.id: v.location for v in problem.visits}
    rest_routes = {r["technician"]: r for r in rest["routes"]}
    routes = []
    for tech in problem.technicians:
        day = techs[tech.id]
        later = rest_routes.get(tech.id, {"stops": [], "breaks": []})
        stops = [dict(s) for s in day.history] + later["stops"]
        breaks = [dict(b) for b in day.history_breaks] + list(later.get("breaks") or [])
        travel_s = distance_m = 0
        if stops:
            places = [tech.start] + [location[s["visit"]] for s in stops] + [tech.end]
            travel_s = sum(problem.duration_s(a, b) for a, b in zip(places, places[1:]))
            distance_m = sum(problem.distance_m(a, b) for a, b in zip(places, places[1:]))
        routes.append(
            {
                "technician": tech.id,
                "stops": stops,
                "break": breaks[0] if breaks else None,
                "breaks": breaks,
                "travel_s": travel_s,
                "distance_m": distance_m,
            }
        )
    unassigned = list(rest["unassigned"]) + [
        {"visit": vid, "reason": reason.text, "reason_code": reason.code, "reason_params": reason.params_json()}
        for vid, reason in late
    ]
    order = {v.id: i for i, v in enumerate(problem.visits)}
    unassigned.sort(key=lambda u: order[u["visit"]])
    return {
        "routes": routes,
        "unassigned": unassigned,
        "kpis": {
            "served": sum(len(r["stops"]) for r in routes),
            "unassigned": len(unassigned),
            "travel_s": sum(r["travel_s"] for r in routes),
            "distance_m": sum(r["distance_m"] for r in routes),
            "solve_s": rest["kpis"]["solve_s"],
        },
    }


def change_set(problem: dict, day: dict, before: dict, after: dict, *, event: Event, tolerance_s: int) -> dict:
    """What the rebalance changes against the plan `before`: moved visits, broken promises, unassigned, calls.

    A visit moved when its technician changed or its start moved more than `tolerance_s`; a visit newly
    planned (the urgent one, or one unassigned before) is listed as moved from nowhere."""
    visits = {v["id"]: v for v in problem["visits"]}
    was = {s["visit"]: (r["technician"], s) for r in before.get("routes", []) for s in r["stops"]}
    now = {s["visit"]: (r["technician"], s) for r in after["routes"] for s in r["stops"]}
    moved, calls = [], []
    for vid, (tech, stop) in now.items():
        old = was.get(vid)
        if old is not None and old[0] == tech and abs(old[1]["start"] - stop["start"]) <= tolerance_s:
            continue
        moved.append({"visit": vid, "from": _place(old), "to": _place((tech, stop))})
        if old is not None and abs(old[1]["start"] - stop["start"]) > tolerance_s:
            calls.append({"visit": vid, "why": CALL_TIME_CHANGED})
    broken, unassigned = [], []
    for item in after["unassigned"]:
        vid = item["visit"]
        unassigned.append(
            {
                "visit": vid,
                "reason_code": item.get("reason_code"),
                "reason_params": item.get("reason_params") or {},
                "reason": item["reason"],
                "was": _place(was.get(vid)),
            }
        )
        if vid not in was:
            continue  # unassigned before the event too: nothing new to tell the customer
        if promised(visits[vid]):
            broken.append({"visit": vid, "slot": list(visits[vid]["windows"][0]), "was": _place(was[vid])})
            calls.append({"visit": vid, "why": CALL_PROMISE_BROKEN})
        else:
            calls.append({"visit": vid, "why": CALL_NOT_TODAY})
    cancelled = [event.visit] if event.kind == CANCEL else []
    return {"moved": moved, "broken_promises": broken, "unassigned": unassigned, "calls": calls, "cancelled": cancelled}


def _place(assigned: tuple[str, dict] | None) -> dict | None:
    if assigned is None:
        return None
    tech, stop = assigned
    return {"technician": tech, "start": stop["start"], "end": stop["end"]}
