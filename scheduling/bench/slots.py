"""Slot offers at phone speed: book visits one by one from the offers, then re-plan every day and count promises kept.

Each "offer request" does what the web app does for one call, minus the database: build each of the
coming days' problems from the current routes (matrix included) and ask the core for the offers.
One offer is then picked at random and booked (its route becomes the technician's route). At the end
every day is planned from scratch by the solver with each booked slot as a hard window, and the plan is
checked; a promise is kept when its visit is served inside its slot.
"""

from __future__ import annotations

import random
import statistics
import time
from datetime import date, timedelta

from scheduling.bench.field import LAT_RANGE, LON_RANGE, LUNCH_S, LUNCH_WINDOW, SHIFTS, SKILLS, TRAVEL
from scheduling.check import check_plan

FIRST_DAY = date(2026, 11, 24)  # a Tuesday
GRID = (28800, 64800, 7200)  # 2-hour slots from 08:00, the last ending 18:00
DURATIONS_MIN = (30, 45, 60, 90, 120)
DURATION_WEIGHTS = (40, 30, 18, 9, 3)
MAX_VISITS = 10


def build_crew(technicians: int, days: int, rng: random.Random) -> tuple[list[dict], list[dict]]:
    """Technicians (problem entries, with a `days_off` set of day numbers) and their home locations."""
    crew, homes = [], []
    for i in range(1, technicians + 1):
        home = {"id": f"H{i}", "lat": round(rng.uniform(*LAT_RANGE), 6), "lon": round(rng.uniform(*LON_RANGE), 6)}
        homes.append(home)
        crew.append(
            {
                "id": f"t{i}",
                "start": home["id"],
                "end": home["id"],
                "skills": sorted(rng.sample(SKILLS, rng.randint(2, 4))),
                "shift": list(rng.choice(SHIFTS)),
                "breaks": [{"window": list(LUNCH_WINDOW), "duration_s": LUNCH_S}],
                "max_visits": MAX_VISITS,
                "days_off": {rng.randrange(7)} if days >= 7 else set(),
            }
        )
    return crew, homes


def day_problem(
    day: int, crew: list[dict], homes: list[dict], booked: dict[str, dict], extra: dict | None = None
) -> dict:
    """problem.json of day number `day`: the working technicians, the visits booked on it, and `extra`."""
    visits = [v for v in booked.values() if v["day"] == day]
    if extra is not None:
        visits = visits + [extra]
    places = {p["id"]: p for p in homes}
    for v in visits:
        places[v["location"]] = v["place"]
    return {
        "date": (FIRST_DAY + timedelta(days=day)).isoformat(),
        "locations": list(places.values()),
        "travel": dict(TRAVEL),
        "technicians": [
            {k: t[k] for k in ("id", "start", "end", "skills", "shift", "breaks", "max_visits")}
            for t in crew
            if day not in t["days_off"]
        ],
        "visits": [
            {k: v[k] for k in ("id", "location", "duration_s", "skills", "windows", "must_serve")} for v in visits
        ],
        "options": {"objective": "travel_time", "balance": True},
    }


def new_request(rng: random.Random, n: int) -> dict:
    """The n-th customer's request: a visit somewhere in the city needing one skill, not yet on any day."""
    place = {"id": f"C{n}", "lat": round(rng.uniform(*LAT_RANGE), 6), "lon": round(rng.uniform(*LON_RANGE), 6)}
    return {
        "id": f"v{n}",
        "location": place["id"],
        "place": place,
        "skills": [rng.choice(SKILLS)],
        "duration_s": 60 * rng.choices(DURATIONS_MIN, DURATION_WEIGHTS)[0],
        "windows": [],
        "must_serve": False,
        "day": None,
    }


class Week:
    """A week booked one request at a time, as CS books it: each day's routes so far and, for every booked
    visit, the start it may not move before (the offers keep the promises already made)."""

    def __init__(self, technicians: int, days: int, rng: random.Random):
        from scheduling.core.slots import slot_grid

        self.crew, self.homes = build_crew(technicians, days, rng)
        self.grid = slot_grid(*GRID)
        self.routes: list[dict[str, list[str]]] = [{} for _ in range(days)]
        self.not_before: list[dict[str, int]] = [{} for _ in range(days)]
        self.booked: dict[str, dict] = {}

    def offers(self, day: int, new: dict) -> list:
        """The slots `day` can offer the request `new`, cheapest first."""
        from scheduling.core import parse_problem
        from scheduling.core.slots import offer_slots

        problem = parse_problem(day_problem(day, self.crew, self.homes, self.booked, extra=new))
        return offer_slots(
            problem, new["id"], routes=self.routes[day], slots=self.grid, not_before=self.not_before[day]
        ).offers

    def book(self, day: int, new: dict, offer) -> None:
        """Book `new` into `offer`: its route becomes the technician's route of the day."""
        new.update(
            day=day, windows=[list(offer.slot)], must_serve=True, technician=offer.technician, planned=offer.start
        )
        self.booked[new["id"]] = new
        self.routes[day][offer.technician] = [s.visit for s in offer.route.stops]
        for stop in offer.route.stops:
            self.not_before[day][stop.visit] = stop.start


def run(technicians: int, visits: int, days: int, seed: int, *, time_limit_s: float, echo=print) -> dict:
    """Book `visits` visits through the offers, re-plan each day, print and return the figures."""
    from scheduling.core import parse_problem, plan_to_dict, solve

    rng = random.Random(seed)
    week = Week(technicians, days, rng)
    crew, homes, booked = week.crew, week.homes, week.booked
    timings_ms, offered, refused = [], [], 0
    for n in range(1, visits + 1):
        new = new_request(rng, n)
        started = time.perf_counter()
        offers = [(day, offer) for day in range(days) for offer in week.offers(day, new)]
        timings_ms.append((time.perf_counter() - started) * 1000)
        offered.append(len(offers))
        if not offers:
            refused += 1
            continue
        day, offer = rng.choice(offers)
        week.book(day, new, offer)

    kept, violations, solve_s = 0, [], 0.0
    for day in range(days):
        problem = day_problem(day, crew, homes, booked)
        if not problem["visits"]:
            continue
        started = time.perf_counter()
        plan = plan_to_dict(solve(parse_problem(problem), time_limit_s=time_limit_s))
        solve_s += time.perf_counter() - started
        found = check_plan(problem, plan)
        violations += [f"day {day}: {v}" for v in found]
        if not found:  # the checker holds each stop to its window: served = inside the promised slot
            kept += sum(len(r["stops"]) for r in plan["routes"])

    ordered = sorted(timings_ms)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    share = kept / len(booked) if booked else 1.0
    echo(f"slot offers: {technicians} technicians, {visits} visits booked over {days} days, seed {seed}")
    echo(
        f"offer request ({days} days x {len(week.grid)} slots): median {statistics.median(timings_ms):.1f} ms, "
        f"p95 {p95:.1f} ms, max {ordered[-1]:.1f} ms; offers per request: median "
        f"{statistics.median(offered):.0f}; requests with no offer: {refused}"
    )
    echo(
        f"booked {len(booked)}; full re-plan of each day ({time_limit_s:g} s each, {solve_s:.1f} s in all) keeps "
        f"{kept}/{len(booked)} = {100 * share:.1f} % of them in their slots; checker: "
        f"{'feasible' if not violations else f'{len(violations)} violations'}"
    )
    for violation in violations[:10]:
        echo(f"    ! {violation}")
    return {
        "median_ms": statistics.median(timings_ms),
        "p95_ms": p95,
        "booked": len(booked),
        "kept": kept,
        "kept_share": share,
        "refused": refused,
        "violations": violations,
    }
