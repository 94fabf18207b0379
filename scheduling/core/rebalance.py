"""Rebalance a day under way: history and started visits stay, promises are kept, as few visits as possible move.

How: everything before `now_s` (and every visit a technician is on the way to or at) is history and stays
as it is. Each technician's remaining route is re-timed from where they will be; what no longer fits there
(the out technician's visits, what an overrun pushes out of its window) is freed. The kept stops are pinned
in their order, their windows narrowed to MOVE_TOLERANCE_S around their times, so nothing the event does not
touch can move. The freed visits go in by cheapest insertion priced with the move weights below, then the
engine's own search (`engine.solve_with`) improves the plan under those pins and the better of the two is kept.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from scheduling.core.clock import elapsed_clock_s
from scheduling.core.engine import searches_for, solve_with
from scheduling.core.parse import parse_problem
from scheduling.core.plan import Plan, Unassigned, make_plan, plan_to_dict
from scheduling.core.problem import Problem, Visit
from scheduling.core.reasons import Reason, explain_dropped, find_suitable_technicians
from scheduling.core.rebalance_changes import change_set, combine_routes, promised
from scheduling.core.rebalance_events import (
    CANCEL,
    OVERRUN,
    TECHNICIAN_ADDED,
    TECHNICIAN_OUT,
    URGENT,
    Event,
    EventError,
    adjusted_problem,
    parse_event,
)
from scheduling.core.rebalance_insert import TechDay, WindowsById, insert_freed, retime
from scheduling.core.timing import timed_route

# A stop kept on its route may start this much earlier or later: inside a 2-hour slot a quarter of the slot
# is the ordinary slack of a route, and a customer is not called about it.
MOVE_TOLERANCE_S = 1800
SEARCH_TIME_S = 1.5  # the engine's improving search; the whole answer stays well under 5 s on a 500-visit day
# While an urgent visit is placed, its windows are cut to this long after the earliest moment anyone can be
# there, so "as early as its window allows" wins over a cheaper detour later; widened again if nothing fits.
URGENT_EARLY_S = 3600


@dataclass(frozen=True)
class RebalanceResult:
    """The new plan (plan.json), the day it is checked against, and what changed for whom."""

    plan: dict
    problem: dict  # the day after the event: check the plan against this one
    changes: dict = field(default_factory=dict)  # moved, broken_promises, unassigned, calls
    kpis: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        """The result as JSON: plan, changes and figures."""
        return {"plan": self.plan, **self.changes, "kpis": self.kpis}


def rebalance(
    problem: dict,
    current_plan: dict,
    *,
    now_s: int,
    event: dict | Event,
    under_way: Collection[str] = (),
    engine: str,
    search_time_s: float = SEARCH_TIME_S,
    keep_routes: bool = True,
) -> RebalanceResult:
    """Answer `event` at `now_s` with the fewest moves; `under_way` visits (en route, on site) stay first.

    `engine` is the search that improves the insertion (scheduling.core.engine's names): the caller chooses
    it (the app by what is compiled, the command by --engine) and the result's kpis say which it was.

    `keep_routes=False` re-plans the rest of the day from scratch instead (only history stays), which is
    what the benchmark and the tests compare against. Raises EventError when the event does not fit the day."""
    started = elapsed_clock_s()
    if not isinstance(event, Event):
        event = parse_event(event, problem)
    _check_event_fits(event, current_plan, now_s, set(under_way))
    day = adjusted_problem(problem, event)
    parsed = parse_problem(day)
    by_id = {v.id: v for v in parsed.visits}
    techs = _split_history(
        day,
        current_plan,
        now_s=now_s,
        event=event,
        under_way=set(under_way),
        location_of={v.id: v.location for v in parsed.visits},
    )
    freed: list[str] = []
    for tech in techs.values():
        out_from = event.from_s if event.kind == TECHNICIAN_OUT and tech.id == event.technician else None
        freed += retime(parsed, tech, by_id, tolerance_s=MOVE_TOLERANCE_S if keep_routes else None, from_s=out_from)
        if out_from is not None:
            # "out from" means their visits go elsewhere: the out technician keeps what fits before then and
            # takes nothing new, not even one of their own afternoon visits pulled forward into the morning
            tech.open = False
        if not keep_routes:
            freed += tech.route
            tech.route, tech.windows = [], {}
    planned = {vid for t in techs.values() for vid in t.route} | {s["visit"] for t in techs.values() for s in t.history}
    # Visits no route had before the event are taken up only when the event makes room (or is that visit):
    # an out technician's or an overrun's visits need the slack of the day first.
    before = _assignment(current_plan)
    takes_waiting = event.kind in (CANCEL, TECHNICIAN_ADDED) or not keep_routes
    waiting = [
        v.id for v in parsed.visits if v.id not in planned and (v.id in before or takes_waiting or v.id == event.visit)
    ]
    unplanned = [v.id for v in parsed.visits if v.id not in planned and v.id not in waiting]
    late: list[tuple[str, Reason]] = []
    windows: WindowsById = {}
    for vid in waiting:
        visit = by_id[vid]
        open_windows = tuple((max(a, now_s), b) for a, b in visit.windows if b >= now_s)
        if visit.windows and not open_windows:
            late.append((vid, Reason("windows_passed", {"windows": [list(w) for w in visit.windows], "now_s": now_s})))
            continue
        windows[vid] = open_windows
    free = [vid for vid in waiting if vid in windows]
    original = before
    promises = {v.id for v in parsed.visits if promised(v)}
    if keep_routes:
        urgent = event.visit if event.kind == URGENT and event.visit in windows else None
        if urgent is not None and windows[urgent]:
            earliest = min(a for a, _ in windows[urgent])
            early = tuple(
                (a, min(b, earliest + URGENT_EARLY_S)) for a, b in windows[urgent] if a <= earliest + URGENT_EARLY_S
            )
            if not insert_freed(
                parsed,
                techs,
                [urgent],
                by_id,
                {**windows, urgent: early},
                original=original,
                urgent=urgent,
                promised=promises,
            ):
                free.remove(urgent)
        insert_freed(
            parsed,
            techs,
            _insertion_order(free, by_id, windows),
            by_id,
            windows,
            original=original,
            urgent=urgent,
            promised=promises,
        )
    plan = _search(
        parsed,
        day,
        techs,
        windows,
        search_time_s=search_time_s,
        pin_inserted=keep_routes,
        late=late,
        engine=engine,
        unplanned=[(vid, _reason_before(current_plan, vid)) for vid in unplanned],
    )
    _say_who_is_out(parsed, techs, plan)
    changes = change_set(problem, day, current_plan, plan, event=event, tolerance_s=MOVE_TOLERANCE_S)
    kpis = {
        "answer_s": round(elapsed_clock_s() - started, 3),
        "moved": len(changes["moved"]),
        "broken_promises": len(changes["broken_promises"]),
        "unassigned": len(plan["unassigned"]),
        "served": plan["kpis"]["served"],
        "travel_s": plan["kpis"]["travel_s"],
        "engine": engine,
    }
    return RebalanceResult(plan=plan, problem=day, changes=changes, kpis=kpis)


def _say_who_is_out(parsed: Problem, techs: dict[str, TechDay], plan: dict) -> None:
    """A visit only out technicians could do is unassigned because they are out (the engine, which saw them
    take no new visit, would say their visit limit is reached)."""
    closed = {t.id for t in techs.values() if not t.open}
    if not closed:
        return
    by_id = {v.id: v for v in parsed.visits}
    for item in plan["unassigned"]:
        visit = by_id.get(item["visit"])
        if visit is None:
            continue
        skilled = sorted(t.id for t in parsed.technicians if visit.skills <= t.skills)
        if skilled and set(skilled) <= closed:
            reason = Reason(
                "suitable_technicians_out", {"skills": tuple(sorted(visit.skills)), "technicians": tuple(skilled)}
            )
            item.update(reason=reason.text, reason_code=reason.code, reason_params=reason.params_json())


def _check_event_fits(event: Event, plan: dict, now_s: int, under_way: set[str]) -> None:
    """An event about a visit already done or started is refused where it cannot apply."""
    stops = {s["visit"]: s for r in plan.get("routes", []) for s in r["stops"]}
    stop = stops.get(event.visit) if event.visit else None
    if event.kind == CANCEL and stop is not None and (stop["start"] < now_s or event.visit in under_way):
        raise EventError("event_visit_started", field="visit", visit=event.visit)
    if event.kind == URGENT and stop is not None:
        raise EventError("event_visit_planned", field="visit", visit=event.visit)
    if event.kind == OVERRUN and stop is not None and stop["end"] - stop["start"] + 60 * event.minutes < 0:
        raise EventError("event_overrun_too_short", field="minutes")


def _reason_before(plan: dict, vid: str) -> dict:
    """The unassigned entry the plan before the event had for `vid` (kept as it was)."""
    item = next((u for u in plan.get("unassigned", []) if u["visit"] == vid), None)
    if item is None:
        reason = Reason("no_plan_in_time")
        return {"visit": vid, "reason": reason.text, "reason_code": reason.code, "reason_params": {}}
    return dict(item)


def _assignment(plan: dict) -> dict[str, tuple[str, int]]:
    return {s["visit"]: (r["technician"], s["start"]) for r in plan.get("routes", []) for s in r["stops"]}


def _split_history(
    day: dict, plan: dict, *, now_s: int, event: Event, under_way: set[str], location_of: dict[str, str]
) -> dict[str, TechDay]:
    """Each technician's history (kept as planned, the overrun's end moved) and the route still to go."""
    routes = {r["technician"]: r for r in plan.get("routes", [])}
    durations = {v["id"]: v["duration_s"] for v in day["visits"]}
    techs = {}
    for tech in day["technicians"]:
        route = routes.get(tech["id"], {"stops": [], "breaks": []})
        stops = [s for s in route["stops"] if s["visit"] in durations]
        history = [s for s in stops if s["start"] < now_s or s["visit"] in under_way]
        rest = [s["visit"] for s in stops if s not in history]
        breaks = route.get("breaks") or ([route["break"]] if route.get("break") else [])
        history_breaks = [b for b in breaks if b["start"] < now_s]
        if event.kind == OVERRUN:
            history = [
                {**s, "end": s["start"] + durations[s["visit"]]} if s["visit"] == event.visit else s for s in history
            ]
        techs[tech["id"]] = TechDay.from_history(
            tech,
            history,
            history_breaks,
            rest,
            now_s=now_s,
            location_of=location_of,
            planned={s["visit"]: s["start"] for s in stops if s not in history},
        )
    return techs


def _insertion_order(free: list[str], by_id: dict[str, Visit], windows: WindowsById) -> list[str]:
    """Promised visits first (a broken promise costs most), then by priority, the tightest window first."""

    def key(vid: str) -> tuple[bool, int, int]:
        visit = by_id[vid]
        deadline = max((b for _, b in windows[vid]), default=86400)
        return (not promised(visit), -visit.priority, deadline)

    return sorted(free, key=key)


def _search(
    parsed: Problem,
    day: dict,
    techs: dict[str, TechDay],
    windows: WindowsById,
    *,
    search_time_s: float,
    pin_inserted: bool,
    late: list[tuple[str, Reason]],
    engine: str,
    unplanned: list[tuple[str, dict]],
) -> dict:
    """Let the engine improve under the pins; keep its plan unless the insertion alone served more."""
    sub = _sub_problem(day, techs, windows, pin_inserted=pin_inserted)
    # the same places as the day: hand over its matrix instead of computing it again from coordinates
    sub["matrix"] = {
        "durations_s": [list(row) for row in parsed.matrix.durations_s],
        "distances_m": [list(row) for row in parsed.matrix.distances_m],
    }
    sub_parsed = parse_problem(sub)
    searched = solve_with(sub_parsed, searches_for(engine, 1)[0], time_limit_s=search_time_s)
    # The insertion placed each visit by the move weights; the search only knows travel, so its plan is
    # taken only when it serves more promised visits, or as many and more visits in all.
    fallback = _insertion_plan(sub_parsed, techs, searched) if pin_inserted else None
    if fallback is not None and _served(sub_parsed, fallback) >= _served(sub_parsed, searched):
        searched = fallback
    result = plan_to_dict(searched)
    result["unassigned"] += [item for _, item in unplanned]
    return combine_routes(parsed, techs, result, late)


def _served(problem: Problem, plan: Plan) -> tuple[int, int]:
    served = {s.visit for r in plan.routes for s in r.stops}
    return sum(1 for v in problem.visits if v.id in served and promised(v)), len(served)


def _insertion_plan(sub: Problem, techs: dict[str, TechDay], searched: Plan) -> Plan | None:
    """The insertion's own routes as a plan, timed like the engine times its routes (reasons from the search)."""
    routes, by_id = [], {v.id: v for v in sub.visits}
    for tech in sub.technicians:
        day = techs[tech.id]
        if day.break_gaps is None:
            return None
        routes.append(timed_route(sub, tech, [by_id[v] for v in day.route], list(day.break_gaps)))
    served = {v for t in techs.values() for v in t.route}
    reasons = {u.visit: u.reason for u in searched.unassigned}
    by_tech = {r.technician: r for r in routes}
    demand = {v.id: v.demand for v in sub.visits}
    unassigned = []
    for visit in sub.visits:
        if visit.id in served:
            continue
        reason = reasons.get(visit.id)
        if reason is None:
            found = find_suitable_technicians(sub, visit)
            reason = found.reason or explain_dropped(visit, found.technicians, by_tech, demand)
        unassigned.append(Unassigned(visit.id, reason))
    return make_plan(routes, unassigned, solve_s=0)


def _sub_problem(day: dict, techs: dict[str, TechDay], windows: WindowsById, *, pin_inserted: bool) -> dict:
    """The rest of the day: technicians from where they will be, kept stops pinned in order, freed visits open."""
    visits = []
    by_id = {v["id"]: v for v in day["visits"]}
    placed = set()
    for tech in techs.values():
        for order, vid in enumerate(tech.route, start=1):
            kept = vid in tech.windows
            visits.append(
                {
                    **by_id[vid],
                    "windows": [list(w) for w in (tech.windows.get(vid) or windows[vid])],
                    "pinned": {"technician": tech.id, "sequence": order}
                    if kept
                    else ({"technician": tech.id, "sequence": None} if pin_inserted else by_id[vid]["pinned"]),
                    "must_serve": True if kept else by_id[vid].get("must_serve", False),
                }
            )
            placed.add(vid)
    for vid, visit_windows in windows.items():
        if vid not in placed:
            pin = by_id[vid].get("pinned")
            if pin and (pin["technician"] not in techs or not techs[pin["technician"]].open):
                pin = None
            visits.append(
                {
                    **by_id[vid],
                    "windows": [list(w) for w in visit_windows],
                    "pinned": {"technician": pin["technician"], "sequence": None} if pin else None,
                }
            )
    return {
        **day,
        "technicians": [t.as_problem_entry() for t in techs.values()],
        "visits": visits,
        "options": {**(day.get("options") or {}), "balance": False},
    }
