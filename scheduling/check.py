"""Independent plan checker: recomputes travel, windows, shifts, breaks, skills, pins and totals from the JSON alone.

It deliberately imports nothing from `scheduling.core`, so a mistake in the solver's own travel or
time bookkeeping shows up here instead of being repeated.
"""

from __future__ import annotations

import math
from collections import Counter
from numbers import Real
from typing import Any, TypeGuard

from scheduling.check_travel import Travel, by_id, route_legs


def check_plan(problem: dict, plan: dict) -> list[str]:
    """Every hard rule the plan breaks, as sentences naming technician, visit and numbers; [] = feasible."""
    try:
        return _PlanCheck(problem, plan).run()
    except Exception as error:
        return [f"plan could not be checked: {type(error).__name__}: {error}"]


def plan_warnings(problem: dict, plan: dict) -> list[str]:
    """Soft findings a dispatcher should see: must_serve or pinned visits left unassigned (with their reason)."""
    visits = by_id(problem.get("visits"))
    warnings = []
    for item in (plan.get("unassigned") or []) if isinstance(plan, dict) else []:
        visit = visits.get(item.get("visit")) if isinstance(item, dict) else None
        if visit is None:
            continue
        reason = item.get("reason")
        if visit.get("must_serve"):
            warnings.append(f"must_serve visit {visit['id']} is unassigned (reason: {reason})")
        if visit.get("pinned"):
            warnings.append(
                f"pinned visit {visit['id']} (technician {visit['pinned'].get('technician')}) "
                f"is unassigned (reason: {reason})"
            )
    return warnings


def _is_number(value: Any) -> TypeGuard[int | float]:
    return isinstance(value, Real) and not isinstance(value, bool) and math.isfinite(value)


def _fmt(interval: dict) -> str:
    return f"[{interval['start']}, {interval['end']}]"


class _PlanCheck:
    """One pass over a plan; collects violations in `self.found`."""

    def __init__(self, problem: dict, plan: dict):
        self.problem = problem
        self.plan = plan
        self.technicians = by_id(problem.get("technicians"))
        self.visits = by_id(problem.get("visits"))
        self.travel = Travel(problem)
        self.found: list[str] = []
        self.seen: dict[str, list[str]] = {visit_id: [] for visit_id in self.visits}
        self.route_sums = {"travel_s": 0, "distance_m": 0, "served": 0}
        self.reported_sums: dict[str, float] = {"travel_s": 0, "distance_m": 0}
        self.legs = 0

    def run(self) -> list[str]:
        if not isinstance(self.plan, dict):
            return [f"plan must be a JSON object, got {type(self.plan).__name__}"]
        routes = self._list("routes")
        unassigned = self._list("unassigned")
        routes_by_technician: Counter[str] = Counter()
        for position, route in enumerate(routes):
            if not isinstance(route, dict) or route.get("technician") not in self.technicians:
                who = route.get("technician") if isinstance(route, dict) else route
                self.found.append(f"route {position} is for unknown technician {who!r}")
                continue
            routes_by_technician[route["technician"]] += 1
            self._check_route(route)
        for technician_id, count in routes_by_technician.items():
            if count > 1:
                self.found.append(f"{technician_id}: has {count} routes, at most one is allowed")
        self._check_unassigned(unassigned)
        self._check_completeness()
        self._check_kpis(len(unassigned))
        return self.found

    def _list(self, key: str) -> list:
        value = self.plan.get(key)
        if not isinstance(value, list):
            self.found.append(f"plan has no '{key}' list")
            return []
        return value

    # --- one route ---------------------------------------------------------------------------------
    def _check_route(self, route: dict) -> None:
        tech = self.technicians[route["technician"]]
        t = tech["id"]
        stops = self._read_stops(t, route.get("stops"))
        if stops is None:
            return
        for stop in stops:
            self._check_stop(tech, stop)
        known = [stop for stop in stops if stop["visit"] in self.visits]
        if len(known) != len(stops):
            return  # unknown visits are reported; timing and totals need every location
        breaks = self._read_breaks(t, route) if stops else None  # an idle technician takes no break
        if breaks is not None:
            self._check_breaks(tech, stops, breaks)
            self._check_timeline(tech, stops, [b for b in breaks if not self._overlaps_service(b, stops)])
        self._check_limits(tech, stops)
        self._check_pins_order(t, stops)
        self._check_totals(route, stops)

    def _read_stops(self, t: str, stops: Any) -> list[dict] | None:
        if not isinstance(stops, list):
            self.found.append(f"{t}: route has no 'stops' list")
            return None
        good = True
        for position, stop in enumerate(stops):
            if not isinstance(stop, dict) or "visit" not in stop:
                self.found.append(f"{t}: stop {position} has no 'visit'")
                good = False
                continue
            self.seen.setdefault(stop["visit"], []).append(t)
            missing = [key for key in ("arrival", "start", "end") if not _is_number(stop.get(key))]
            if missing:
                self.found.append(f"{t}: visit {stop['visit']} has no numeric {', '.join(missing)}")
                good = False
        return stops if good else None

    def _check_stop(self, tech: dict, stop: dict) -> None:
        t, v = tech["id"], stop["visit"]
        visit = self.visits.get(v)
        if visit is None:
            self.found.append(f"{t}: unknown visit {v!r}")
            return
        missing = sorted(set(visit.get("skills") or []) - set(tech.get("skills") or []))
        if missing:
            self.found.append(f"{t}: visit {v} needs skills {missing} that {t} does not have")
        start, end, arrival = stop["start"], stop["end"], stop["arrival"]
        windows = visit.get("windows") or []
        if windows and not any(a <= start <= b for a, b in windows):
            self.found.append(f"{t}: visit {v} starts at {start}, outside its windows {windows}")
        if start < arrival:
            self.found.append(f"{t}: visit {v} starts at {start}, before its arrival {arrival}")
        if end != start + visit["duration_s"]:
            self.found.append(
                f"{t}: visit {v} ends at {end}, but start {start} + duration "
                f"{visit['duration_s']} s = {start + visit['duration_s']}"
            )
        shift_start = tech["shift"][0]
        if start < shift_start or arrival < shift_start:
            self.found.append(
                f"{t}: visit {v} is served before shift start {shift_start} (arrival {arrival}, start {start})"
            )
        pin = visit.get("pinned")
        if pin and pin.get("technician") != t:
            self.found.append(f"{t}: visit {v} is pinned to {pin.get('technician')} but is on {t}'s route")

    def _read_breaks(self, t: str, route: dict) -> list[dict] | None:
        breaks = route.get("breaks")
        if not isinstance(breaks, list):
            self.found.append(f"{t}: route has no 'breaks' list")
            return None
        for item in breaks:
            if not (isinstance(item, dict) and _is_number(item.get("start")) and _is_number(item.get("end"))):
                self.found.append(f"{t}: break {item!r} needs numeric start and end")
                return None
        first = route.get("break", "absent")
        if first != (breaks[0] if breaks else None):
            self.found.append(f"{t}: 'break' {first!r} must equal the first of 'breaks' (or null when none)")
        return sorted(breaks, key=lambda b: b["start"])

    def _check_breaks(self, tech: dict, stops: list[dict], breaks: list[dict]) -> None:
        """Each break of the problem taken exactly once: its duration, inside its window and the shift."""
        t = tech["id"]
        wanted = list(tech.get("breaks") or [])
        if _match_breaks(wanted, breaks) is None:
            unmatched = list(breaks)
            for rule in wanted:
                window, duration = rule["window"], rule["duration_s"]
                fitting = [b for b in unmatched if _fits(rule, b)]
                if fitting:
                    unmatched.remove(fitting[0])
                    continue
                same = [b for b in unmatched if b["end"] - b["start"] == duration]
                near = same[0] if same else (unmatched[0] if unmatched else None)
                if near is None:
                    self.found.append(f"{t}: break of {duration} s in window {window} is missing")
                    continue
                unmatched.remove(near)
                if near["end"] - near["start"] != duration:
                    self.found.append(
                        f"{t}: break {_fmt(near)} lasts {near['end'] - near['start']} s, it must last {duration} s"
                    )
                if near["start"] < window[0] or near["end"] > window[1]:
                    self.found.append(f"{t}: break {_fmt(near)} is outside its window {window}")
            for extra in unmatched:
                self.found.append(f"{t}: break {_fmt(extra)} is not a break of the problem")
        shift_start, shift_end = tech["shift"]
        for b in breaks:
            if b["start"] < shift_start or b["end"] > shift_end:
                self.found.append(f"{t}: break {_fmt(b)} is outside the shift {tech['shift']}")
            for stop in stops:
                if b["start"] < stop["end"] and stop["start"] < b["end"]:
                    self.found.append(
                        f"{t}: break {_fmt(b)} overlaps visit {stop['visit']} service [{stop['start']}, {stop['end']}]"
                    )
        for earlier, later in zip(breaks, breaks[1:]):
            if later["start"] < earlier["end"]:
                self.found.append(f"{t}: breaks {_fmt(earlier)} and {_fmt(later)} overlap")

    @staticmethod
    def _overlaps_service(b: dict, stops: list[dict]) -> bool:
        return any(b["start"] < stop["end"] and stop["start"] < b["end"] for stop in stops)

    def _check_timeline(self, tech: dict, stops: list[dict], breaks: list[dict]) -> None:
        """Shift start -> travel -> stops -> travel home -> shift end, breaks consuming time in the gap they sit in."""
        t, tol = tech["id"], self.travel.tolerance
        shift_start, shift_end = tech["shift"]
        place, ready, previous = tech.get("start"), shift_start, f"shift start at {tech.get('start')}"
        for stop in stops:
            location = self.visits[stop["visit"]]["location"]
            drive, _ = self.travel.leg(place, location)
            gap = [b for b in breaks if ready <= b["start"] and b["end"] <= stop["start"]]
            earliest = _after_drive(ready, drive, gap)
            if stop["arrival"] < earliest - tol:
                self.found.append(
                    f"{t}: visit {stop['visit']} arrival {stop['arrival']} is too early: leaving {previous} at {ready}, "
                    f"driving {drive} s ({self.travel.source}) plus {earliest - ready - drive} s of breaks "
                    f"arrives at {earliest} at the earliest"
                )
            place, ready, previous = location, stop["end"], f"visit {stop['visit']}"
        drive, _ = self.travel.leg(place, tech.get("end"))
        gap = [b for b in breaks if ready <= b["start"]]
        finish = max([_after_drive(ready, drive, gap)] + [b["end"] for b in gap])
        if finish > shift_end + tol:
            self.found.append(
                f"{t}: shift overrun: {previous} ends at {ready}, driving {drive} s to {tech.get('end')} "
                f"({self.travel.source}) plus {finish - ready - drive} s of breaks ends at {finish}, "
                f"after shift end {shift_end}"
            )

    def _check_limits(self, tech: dict, stops: list[dict]) -> None:
        t = tech["id"]
        if tech.get("max_visits") is not None and len(stops) > tech["max_visits"]:
            self.found.append(f"{t}: {len(stops)} visits, more than max_visits {tech['max_visits']}")
        if tech.get("capacity") is not None:
            load = sum(self.visits[stop["visit"]].get("demand") or 0 for stop in stops)
            if load > tech["capacity"]:
                self.found.append(f"{t}: total demand {load} is over capacity {tech['capacity']}")

    def _check_pins_order(self, t: str, stops: list[dict]) -> None:
        pinned = [
            (self.visits[s["visit"]]["pinned"]["sequence"], s["visit"])
            for s in stops
            if (self.visits[s["visit"]].get("pinned") or {}).get("sequence") is not None
            and self.visits[s["visit"]]["pinned"].get("technician") == t
        ]
        for (seq_a, a), (seq_b, b) in zip(pinned, pinned[1:]):
            if seq_b < seq_a:
                self.found.append(f"{t}: pinned visit {a} (sequence {seq_a}) comes before {b} (sequence {seq_b})")

    def _check_totals(self, route: dict, stops: list[dict]) -> None:
        t = route["technician"]
        legs = route_legs(self.problem, route, self.travel)
        self.legs += len(legs)
        tol = self.travel.tolerance * len(legs)
        for key, expected in (("travel_s", sum(d for d, _ in legs)), ("distance_m", sum(m for _, m in legs))):
            self.route_sums[key] += expected
            value = route.get(key)
            if not _is_number(value):
                self.found.append(f"{t}: route has no numeric {key}")
                continue
            self.reported_sums[key] += value
            if abs(value - expected) > tol:
                self.found.append(
                    f"{t}: route {key} {value} differs from the recomputed {expected} "
                    f"(start -> {len(stops)} stops -> end)"
                )
        self.route_sums["served"] += len(stops)

    # --- whole plan -------------------------------------------------------------------------------
    def _check_unassigned(self, unassigned: list) -> None:
        for item in unassigned:
            if not isinstance(item, dict) or "visit" not in item:
                self.found.append(f"unassigned entry {item!r} has no 'visit'")
                continue
            v = item["visit"]
            if v not in self.visits:
                self.found.append(f"unassigned: unknown visit {v!r}")
                continue
            self.seen[v].append("unassigned")
            reason = item.get("reason")
            if not isinstance(reason, str) or not reason.strip():
                self.found.append(f"unassigned visit {v} has no reason a dispatcher can act on")

    def _check_completeness(self) -> None:
        for v, places in self.seen.items():
            if v in self.visits and not places:
                self.found.append(f"visit {v} is neither on a route nor unassigned")
            elif len(places) > 1:
                self.found.append(f"visit {v} appears {len(places)} times ({', '.join(places)})")

    def _check_kpis(self, unassigned: int) -> None:
        kpis = self.plan.get("kpis")
        if not isinstance(kpis, dict):
            self.found.append("plan has no 'kpis' object")
            return
        expected = {
            "served": self.route_sums["served"],
            "unassigned": unassigned,
            "travel_s": self.route_sums["travel_s"],
            "distance_m": self.route_sums["distance_m"],
        }
        for key, value in expected.items():
            reported = kpis.get(key)
            tol = 0 if key in ("served", "unassigned") else self.travel.tolerance * self.legs
            if not _is_number(reported):
                self.found.append(f"kpis has no numeric {key}")
            elif abs(reported - value) > tol:
                self.found.append(f"kpis.{key} is {reported}, the routes add up to {value}")
            elif key in self.reported_sums and reported != self.reported_sums[key]:
                self.found.append(f"kpis.{key} is {reported}, the routes report {self.reported_sums[key]} in total")
        if not _is_number(kpis.get("solve_s")) or kpis["solve_s"] < 0:
            self.found.append(f"kpis.solve_s must be a number of seconds >= 0, got {kpis.get('solve_s')!r}")


def _after_drive(ready: float, drive: int, breaks: list[dict]) -> float:
    """Earliest arrival leaving at `ready` with `drive` seconds to go, the driving paused by fixed breaks."""
    t, remaining = ready, drive
    for b in sorted(breaks, key=lambda b: b["start"]):
        if b["start"] >= t + remaining:
            break  # arrived before this break: it is taken on site, waiting for the window
        remaining -= max(0, b["start"] - t)
        t = max(t, b["end"])
    return t + remaining


def _fits(rule: dict, taken: dict) -> bool:
    window = rule["window"]
    return (
        taken["end"] - taken["start"] == rule["duration_s"]
        and window[0] <= taken["start"]
        and taken["end"] <= window[1]
    )


def _match_breaks(rules: list[dict], taken: list[dict]) -> list[int] | None:
    """A one-to-one assignment of taken breaks to the problem's breaks, or None (tiny backtracking search)."""
    if len(rules) != len(taken):
        return None

    def assign(i: int, used: frozenset) -> list[int] | None:
        if i == len(rules):
            return []
        for j, b in enumerate(taken):
            if j not in used and _fits(rules[i], b):
                rest = assign(i + 1, used | {j})
                if rest is not None:
                    return [j] + rest
        return None

    return assign(0, frozenset())
