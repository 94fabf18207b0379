"""A realistic field-service day in Shanghai, built around a feasible witness plan so every visit can be served."""

from __future__ import annotations

import random
import re
import resource
from collections import Counter

from scheduling.bench import timed_solve
from scheduling.check import check_plan
from scheduling.check_travel import Travel, route_distance_m

# Shanghai inside the outer ring roads, roughly Jiading/Minhang to Pudong.
LAT_RANGE = (31.05, 31.40)
LON_RANGE = (121.25, 121.65)
SKILLS = (
    "ac_install",
    "ac_repair",
    "washer_repair",
    "fridge_repair",
    "tv_mount",
    "furniture_assembly",
    "water_heater",
    "range_hood",
)
SHIFTS = ((30600, 64800), (30600, 64800), (28800, 63000), (32400, 66600))  # 08:30-18:00 mostly, some 8-17:30, 9-18:30
LUNCH_WINDOW = (41400, 48600)  # 11:30-13:30
LUNCH_S = 2700
SLOT_S = 7200  # the 2-hour slot promised to the customer
FIRST_SLOT = 28800  # slots start at 08:00, 10:00, 12:00, ...
DURATIONS_MIN = (30, 45, 60, 90, 120)
DURATION_WEIGHTS = (45, 30, 15, 7, 3)  # most jobs are short repairs; installs take longer
MAX_VISITS = 12
TRAVEL = {"speed_kmh": 30, "detour_factor": 1.3}
STEP_DEG = 0.025  # the next job of a crew is within ~2.5 km: dispatch keeps crews in their district
# When the crews' days are full before the visits asked for are built, up to this share more are added (near a
# crew's home, in a 2-hour slot) that the witness plan leaves out: a big city's day is a little overbooked.
OVERBOOKED_SHARE = 0.05


def generate_day(technicians: int, visits: int, seed: int, *, date: str = "2026-11-23") -> dict:
    """problem.json (as a dict) for one day; deterministic for a seed."""
    return build_day(technicians, visits, seed, date=date)[0]


def build_day(technicians: int, visits: int, seed: int, *, date: str = "2026-11-23") -> tuple[dict, dict]:
    """The problem and the witness plan it was built from (which passes check_plan)."""
    rng = random.Random(seed)
    locations, crews = [], []
    for i in range(1, technicians + 1):
        home = _place(rng, f"H{i}")
        locations.append(home)
        shift = rng.choice(SHIFTS)
        crews.append(
            {
                "technician": {
                    "id": f"t{i}",
                    "start": home["id"],
                    "end": home["id"],
                    "skills": sorted(rng.sample(SKILLS, rng.randint(2, 4))),
                    "shift": list(shift),
                    "breaks": [{"window": list(LUNCH_WINDOW), "duration_s": LUNCH_S}],
                    "max_visits": MAX_VISITS,
                    "capacity": None,
                },
                "home": home,
                "place": home,
                "ready": shift[0],
                "stops": [],
                "lunch": None,
                "full": False,
            }
        )
    problem_visits = []
    while len(problem_visits) < visits:
        open_crews = [c for c in crews if not c["full"]]
        if not open_crews:
            break
        for crew in open_crews:
            if len(problem_visits) == visits:
                break
            visit = _extend(rng, crew, len(problem_visits) + 1)
            if visit is not None:
                locations.append(crew["place"])
                problem_visits.append(visit)
    short = visits - len(problem_visits)
    if short > OVERBOOKED_SHARE * visits:
        raise ValueError(
            f"{technicians} technicians cannot hold {visits} visits in one day "
            f"(built {len(problem_visits)}); use fewer visits or more technicians"
        )
    unplanned = []
    for _ in range(short):  # the day is a little overbooked: these are not in the witness plan
        crew = rng.choice(crews)
        number = len(problem_visits) + 1
        place = _place(rng, f"V{number}", near=crew["home"])
        locations.append(place)
        slot = FIRST_SLOT + rng.randrange(5) * SLOT_S
        problem_visits.append(
            {
                "id": f"v{number}",
                "location": place["id"],
                "duration_s": 1800,
                "skills": [rng.choice(crew["technician"]["skills"])],
                "windows": [[slot, slot + SLOT_S]],
                "priority": rng.randint(1, 5),
                "demand": 0,
                "pinned": None,
                "must_serve": False,
            }
        )
        unplanned.append(f"v{number}")
    problem = {
        "date": date,
        "locations": locations,
        "travel": dict(TRAVEL),
        "technicians": [c["technician"] for c in crews],
        "visits": problem_visits,
        "options": {"objective": "travel_time", "balance": True},
    }
    return problem, _witness_plan(problem, crews, unplanned)


def _place(rng: random.Random, location_id: str, near: dict | None = None) -> dict:
    if near is None:
        lat, lon = rng.uniform(*LAT_RANGE), rng.uniform(*LON_RANGE)
    else:
        lat = min(max(near["lat"] + rng.uniform(-STEP_DEG, STEP_DEG), LAT_RANGE[0]), LAT_RANGE[1])
        lon = min(max(near["lon"] + rng.uniform(-STEP_DEG, STEP_DEG), LON_RANGE[0]), LON_RANGE[1])
    return {"id": location_id, "lat": round(lat, 6), "lon": round(lon, 6)}


def _drive_s(a: dict, b: dict) -> int:
    """Travel time between two places, computed the way the checker does."""
    return Travel({"locations": [a, b], "travel": TRAVEL}).leg(a["id"], b["id"])[0]


def _extend(rng: random.Random, crew: dict, number: int) -> dict | None:
    """Append one job to a crew's day if it fits (lunch and the drive home included); None when the day is full."""
    tech = crew["technician"]
    if len(crew["stops"]) >= MAX_VISITS:
        crew["full"] = True
        return None
    place = _place(rng, f"V{number}", near=crew["place"])
    drive, back = _drive_s(crew["place"], place), _drive_s(place, crew["home"])
    drawn = 60 * rng.choices(DURATIONS_MIN, DURATION_WEIGHTS)[0]
    for duration_s in dict.fromkeys((drawn, 1800)):  # if the drawn job is too long, a short one may still fit
        ready, lunch = crew["ready"], crew["lunch"]
        if lunch is None and ready + drive + duration_s > LUNCH_WINDOW[1] - LUNCH_S:
            lunch = (max(ready, LUNCH_WINDOW[0]), max(ready, LUNCH_WINDOW[0]) + LUNCH_S)  # lunch, then drive
            ready = lunch[1]
        start = ready + drive
        end = start + duration_s
        owed = LUNCH_S if lunch is None else 0  # a crew that has not stopped yet still takes lunch after this job
        if end + owed + back <= tech["shift"][1]:
            break
    else:
        crew["full"] = True
        return None
    crew.update(place=place, ready=end, lunch=lunch)
    crew["stops"].append({"visit": f"v{number}", "arrival": start, "start": start, "end": end})
    skills = [rng.choice(tech["skills"])]
    if rng.random() < 0.1:
        skills = sorted(set(skills) | {rng.choice(tech["skills"])})
    slot = FIRST_SLOT + (start - FIRST_SLOT) // SLOT_S * SLOT_S
    windows = [[slot, slot + SLOT_S]]
    draw = rng.random()
    if draw < 0.1:
        windows = []  # "any time today"
    elif draw < 0.2:  # the customer is also free in another slot
        other = FIRST_SLOT + rng.randrange(5) * SLOT_S
        windows = sorted({tuple(w) for w in windows + [[other, other + SLOT_S]]})
        windows = [list(w) for w in windows]
    pinned = None
    if rng.random() < 0.04:  # already promised to this crew, sometimes in a fixed order
        pinned = {"technician": tech["id"], "sequence": len(crew["stops"]) if rng.random() < 0.5 else None}
    return {
        "id": f"v{number}",
        "location": place["id"],
        "duration_s": end - start,
        "skills": skills,
        "windows": windows,
        "priority": rng.randint(1, 5),
        "demand": 0,
        "pinned": pinned,
        "must_serve": False,
    }


def _witness_plan(problem: dict, crews: list[dict], unplanned: list[str]) -> dict:
    """The plan the day was built from: lunch where it was planned, or right after the last job; the visits
    of an overbooked day that no crew had room for are left out."""
    travel = Travel(problem)
    routes = []
    for crew in crews:
        tech, stops = crew["technician"], crew["stops"]
        breaks = []
        if stops:
            lunch = crew["lunch"] or (
                max(stops[-1]["end"], LUNCH_WINDOW[0]),
                max(stops[-1]["end"], LUNCH_WINDOW[0]) + LUNCH_S,
            )
            breaks = [{"start": lunch[0], "end": lunch[1]}]
        places = [tech["start"]] + [f"V{s['visit'][1:]}" for s in stops] + [tech["end"]] if stops else []
        legs = [travel.leg(a, b) for a, b in zip(places, places[1:])]
        routes.append(
            {
                "technician": tech["id"],
                "stops": stops,
                "break": breaks[0] if breaks else None,
                "breaks": breaks,
                "travel_s": sum(d for d, _ in legs),
                "distance_m": sum(m for _, m in legs),
            }
        )
    return {
        "routes": routes,
        "unassigned": [{"visit": v, "reason": "overbooked: no room in the generator's plan"} for v in unplanned],
        "kpis": {
            "served": sum(len(r["stops"]) for r in routes),
            "unassigned": len(unplanned),
            "travel_s": sum(r["travel_s"] for r in routes),
            "distance_m": sum(r["distance_m"] for r in routes),
            "solve_s": 0,
        },
    }


def run(
    technicians: int, visits: int, seed: int, *, time_limit_s: float, workers: int | None = None, echo=print
) -> dict:
    """Generate the day, solve it with the core, check the plan and print the figures a dispatcher looks at."""
    problem, witness = build_day(technicians, visits, seed)
    plan, solve_s = timed_solve(problem, time_limit_s=time_limit_s, workers=workers)
    violations = check_plan(problem, plan)
    per_technician = {t["id"]: 0 for t in problem["technicians"]}
    for route in plan["routes"]:
        per_technician[route["technician"]] = len(route["stops"])
    counts = list(per_technician.values())
    reasons = Counter(_reason_kind(item["reason"]) for item in plan["unassigned"])
    travel_s = sum(r["travel_s"] for r in plan["routes"])
    distance_m = sum(route_distance_m(problem, r) for r in plan["routes"])
    echo(f"field day: {technicians} technicians, {visits} visits, seed {seed}, time limit {time_limit_s:g} s")
    echo(
        f"served {sum(counts)}/{visits} (the generator's own plan serves {witness['kpis']['served']}), "
        f"unassigned {len(plan['unassigned'])}"
    )
    for reason, count in reasons.most_common():
        echo(f"    {count:4d} x {reason}")
    echo(
        f"travel {travel_s / 3600:.1f} h, distance {distance_m / 1000:.1f} km "
        f"(the generator's own plan: {witness['kpis']['travel_s'] / 3600:.1f} h, "
        f"{witness['kpis']['distance_m'] / 1000:.1f} km)"
    )
    echo(f"visits per technician: mean {sum(counts) / len(counts):.1f}, min {min(counts)}, max {max(counts)}")
    # the largest process of the run (this one or a search worker), KiB on Linux
    peak_mib = max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)) / 1024
    echo(
        f"solve {solve_s:.1f} s; peak memory {peak_mib:,.0f} MiB; "
        f"checker: {'feasible' if not violations else f'{len(violations)} violations'}"
    )
    for violation in violations[:10]:
        echo(f"    ! {violation}")
    return {
        "served": sum(counts),
        "unassigned": dict(reasons),
        "travel_s": travel_s,
        "distance_m": distance_m,
        "solve_s": solve_s,
        "witness_served": witness["kpis"]["served"],
        "peak_mib": peak_mib,
        "feasible": not violations,
        "violations": violations,
    }


def _reason_kind(reason: str) -> str:
    """A reason without its numbers and technician lists, so like reasons are counted together."""
    return re.sub(r"\d+", "N", re.sub(r"\s*\([^)]*\)", "", reason))
