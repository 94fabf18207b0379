"""Other solvers run on the same bench instances, for a side-by-side gap (installed from requirements-bench.txt).

A peer gets the problem.json the core gets (Solomon-style: one depot, the matrix, windows, capacity) and the
same time limit; its routes are timed here the way a Solomon route is timed (leave the depot at its opening,
serve each customer as soon as it is reached and its window is open) and go through scheduling/check.py
like the core's plans.
"""

from __future__ import annotations

import time

PEERS = ("pyvrp",)


def solve_with(peer: str, problem: dict, *, time_limit_s: float, seed: int = 1) -> tuple[dict, float]:
    """The peer's plan as plan.json and the wall-clock seconds it took."""
    if peer != "pyvrp":
        raise ValueError(f"unknown peer {peer!r}; known: {', '.join(PEERS)}")
    return _solve_with_pyvrp(problem, time_limit_s=time_limit_s, seed=seed)


def _solve_with_pyvrp(problem: dict, *, time_limit_s: float, seed: int) -> tuple[dict, float]:
    try:
        from pyvrp import Model
        from pyvrp.stop import MaxRuntime
    except ImportError as error:  # a bench-only package
        raise SystemExit("PyVRP is not installed: pip install -r requirements-bench.txt") from error

    started = time.perf_counter()
    durations = problem["matrix"]["durations_s"]
    distances = problem["matrix"]["distances_m"]
    index = {loc["id"]: i for i, loc in enumerate(problem["locations"])}
    techs = problem["technicians"]
    depot_id = techs[0]["start"]
    if any(t["start"] != depot_id or t["end"] != depot_id for t in techs):
        raise ValueError("the PyVRP peer takes one depot where every technician starts and ends")
    shift = techs[0]["shift"]
    model = Model()
    coordinates = [(loc.get("x", 0), loc.get("y", 0)) for loc in problem["locations"]]
    locations = [model.add_location(x, y) for x, y in coordinates]
    depot = model.add_depot(locations[index[depot_id]], tw_early=shift[0], tw_late=shift[1])
    model.add_vehicle_type(
        num_available=len(techs),
        capacity=int(techs[0]["capacity"] or sum(v.get("demand") or 0 for v in problem["visits"])),
        start_depot=depot,
        end_depot=depot,
        tw_early=shift[0],
        tw_late=shift[1],
    )
    for visit in problem["visits"]:
        ((early, late),) = visit["windows"]
        model.add_client(
            locations[index[visit["location"]]],
            delivery=int(visit.get("demand") or 0),
            service_duration=int(visit["duration_s"]),
            tw_early=int(early),
            tw_late=int(late),
            name=visit["id"],
        )
    used = [index[depot_id]] + [index[v["location"]] for v in problem["visits"]]
    for i in used:
        for j in used:
            model.add_edge(locations[i], locations[j], distance=int(distances[i][j]), duration=int(durations[i][j]))
    budget = max(0.0, time_limit_s - (time.perf_counter() - started))
    result = model.solve(stop=MaxRuntime(budget), seed=seed, display=False)
    solve_s = time.perf_counter() - started
    # a route is a list of activities; a client's idx is its place among the clients, in the order added
    order = [[problem["visits"][a.idx] for a in route if a.is_client()] for route in result.best.routes()]
    return _plan(problem, order, solve_s), solve_s


def _plan(problem: dict, routes: list[list[dict]], solve_s: float) -> dict:
    """plan.json for routes of visits: each served as soon as reached and its window is open."""
    durations = problem["matrix"]["durations_s"]
    distances = problem["matrix"]["distances_m"]
    index = {loc["id"]: i for i, loc in enumerate(problem["locations"])}
    plan_routes, served = [], set()
    techs = problem["technicians"]
    for tech, visits in zip(techs, routes + [[] for _ in range(len(techs) - len(routes))]):
        place, ready, stops, travel_s, distance_m = index[tech["start"]], tech["shift"][0], [], 0, 0
        for visit in visits:
            here = index[visit["location"]]
            arrival = ready + durations[place][here]
            start = max(arrival, visit["windows"][0][0])
            stops.append({"visit": visit["id"], "arrival": arrival, "start": start, "end": start + visit["duration_s"]})
            travel_s += durations[place][here]
            distance_m += distances[place][here]
            place, ready = here, start + visit["duration_s"]
            served.add(visit["id"])
        if visits:
            home = index[tech["end"]]
            travel_s += durations[place][home]
            distance_m += distances[place][home]
        plan_routes.append(
            {
                "technician": tech["id"],
                "stops": stops,
                "break": None,
                "breaks": [],
                "travel_s": travel_s,
                "distance_m": distance_m,
            }
        )
    unassigned = [
        {"visit": v["id"], "reason": "not_served_by_peer"} for v in problem["visits"] if v["id"] not in served
    ]
    return {
        "routes": plan_routes,
        "unassigned": unassigned,
        "kpis": {
            "served": len(served),
            "unassigned": len(unassigned),
            "travel_s": sum(r["travel_s"] for r in plan_routes),
            "distance_m": sum(r["distance_m"] for r in plan_routes),
            "solve_s": solve_s,
            "engine": "pyvrp",
        },
    }
