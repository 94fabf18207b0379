"""Where each technician stands after the day's history, and the weighted cheapest insertion of freed visits."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from scheduling.core import timing
from scheduling.core.problem import Problem, Visit

DAY_END_S = 86400
# Service start windows by visit id: the windows a visit may still be served in (narrowed or opened by the event).
WindowsById = dict[str, tuple[tuple[int, int], ...]]
# The move weights, in seconds of travel each is worth (the insertion's one currency):
# - another technician: the customer meets a new face and the parts may sit in the other van; half an hour
#   of driving is worth avoiding that;
TECHNICIAN_CHANGE_COST_S = 1800
# - a promised visit's start moving inside its slot: the customer waits at home for it, so every second it
#   moves costs twice a second of driving (a full 2-hour slot's move outweighs changing the technician);
PROMISE_SHIFT_COST_PER_S = 2
# - a promise broken: a rebook call, a complaint and a platform penalty. Taking a visit nobody was promised
#   off a route to keep a promise costs this much less than breaking it, so it is done whenever it helps.
EJECT_UNPROMISED_COST_S = 4 * 3600
# - the urgent visit: every second later costs more than the detour saved by coming later.
URGENT_LATENESS_COST_PER_S = 4


@dataclass
class TechDay:
    """A technician's day from `now`: history kept as planned, where they will be free, the route still to go."""

    id: str
    entry: dict  # the technician in the adjusted problem (its shift end may be cut for an out technician)
    history: list[dict]
    history_breaks: list[dict]
    route: list[str]
    place: str
    ready: int
    shift_end: int
    breaks: list[dict]  # breaks still to take, by window
    windows: WindowsById = field(default_factory=dict)  # kept stops, narrowed
    break_gaps: list[int] | None = field(default_factory=list)
    open: bool = True  # False once an out technician takes no new visits
    going_home_at: int | None = None
    planned: dict[str, int] = field(default_factory=dict)  # the route's starts before the event

    @classmethod
    def from_history(
        cls,
        entry: dict,
        history: list[dict],
        history_breaks: list[dict],
        rest: list[str],
        *,
        now_s: int,
        location_of: dict[str, str],
        planned: dict[str, int] | None = None,
    ) -> TechDay:
        """Free from the later of now, the end of the last stop or break of history, and the shift start."""
        ready = max([entry["shift"][0], now_s] + [s["end"] for s in history] + [b["end"] for b in history_breaks])
        place = location_of[history[-1]["visit"]] if history else entry["start"]
        pending = sorted(entry.get("breaks") or [], key=lambda b: b["window"])[len(history_breaks) :]
        return cls(
            entry["id"],
            entry,
            history,
            history_breaks,
            rest,
            place,
            ready,
            entry["shift"][1],
            [dict(b) for b in pending],
            planned=dict(planned or {}),
        )

    @property
    def max_new(self) -> int | None:
        limit = self.entry.get("max_visits")
        return None if limit is None else limit - len(self.history)

    def as_problem_entry(self) -> dict:
        """The technician of the rest of the day: starting where history leaves them, with the breaks to take."""
        capacity = self.entry.get("capacity")
        return {
            **self.entry,
            "start": self.place,
            "shift": [self.ready, max(self.ready, self.shift_end)],
            "breaks": self.breaks,
            # a technician closed to new visits keeps exactly the route they have (the engine adds nothing)
            "max_visits": len(self.route) if not self.open else None if self.max_new is None else max(0, self.max_new),
            "capacity": capacity,
        }


def settle_breaks(day: TechDay) -> None:
    """A break that can no longer start in its window (an overrun ate into lunch) is taken as soon as possible.

    The adjusted problem's break window widens to match, and a break with no room left today is dropped."""
    ordered = sorted(day.entry.get("breaks") or [], key=lambda b: b["window"])
    taken, pending = ordered[: len(day.history_breaks)], ordered[len(day.history_breaks) :]
    kept, asked = [], []
    for brk in pending:
        a = max(brk["window"][0], day.ready)
        b = max(brk["window"][1], a + brk["duration_s"])
        if b > day.shift_end:
            continue
        kept.append({"window": [a, b], "duration_s": brk["duration_s"]})
        asked.append({"window": [brk["window"][0], b], "duration_s": brk["duration_s"]})
    day.breaks = kept
    day.entry["breaks"] = taken + asked


def retime(
    problem: Problem, day: TechDay, by_id: dict[str, Visit], *, tolerance_s: int | None, from_s: int | None = None
) -> list[str]:
    """Re-time the kept route in its order from where the technician will be; return the stops that no longer fit.

    An out technician (`from_s`) keeps only what fits before then, and the shift ends once they are home."""
    if from_s is not None:
        home = problem.duration_s(day.place, day.entry["end"])
        day.shift_end = max(min(from_s, day.shift_end), day.ready + home)
        day.entry["shift"] = [day.entry["shift"][0], max(day.shift_end, day.entry["shift"][0])]
    settle_breaks(day)
    # A kept stop may shift later (an overrun pushes the rest of the route) but not come earlier than
    # `tolerance_s` before its planned start: the customer expects it then, and an out technician's afternoon
    # is not pulled into their morning.
    not_before: WindowsById = {}
    if tolerance_s is not None:
        for vid in day.route:
            if vid in day.planned:
                earliest = day.planned[vid] - tolerance_s
                windows = by_id[vid].windows or ((0, DAY_END_S),)
                not_before[vid] = tuple((max(a, earliest), b) for a, b in windows if b >= earliest) or windows
    kept: list[str] = []
    freed: list[str] = []
    for vid in day.route:
        if schedule(problem, day, [by_id[v] for v in kept + [vid]], not_before) is None:
            freed.append(vid)
        else:
            kept.append(vid)
    day.route = kept
    timed = schedule(problem, day, [by_id[v] for v in kept], not_before)
    starts, day.break_gaps = timed if timed else ([], [])
    if tolerance_s is not None:
        for vid, start in zip(kept, starts):
            windows = by_id[vid].windows or ((0, DAY_END_S),)
            a, b = next((a, b) for a, b in windows if a <= start <= b)
            # never more than `tolerance_s` before the time planned before the event either
            a = max(a, start - tolerance_s, day.planned.get(vid, a) - tolerance_s)
            day.windows[vid] = ((min(a, start), min(b, start + tolerance_s)),)
    return freed


def schedule(
    problem: Problem, day: TechDay, route: list[Visit], windows: WindowsById
) -> tuple[list[int], list[int]] | None:
    """Service starts and break places (the gap before which each break is taken), or None if it does not fit.

    The timing rule is timing.schedule's, from where and when the technician is free."""
    limit = day.max_new
    if limit is not None and len(route) > limit:
        return None
    return timing.schedule(
        problem.duration_s,
        (day.place, day.ready),
        (day.entry["end"], day.shift_end),
        [
            (v.location, day.windows.get(v.id) or windows.get(v.id, v.windows) or ((0, day.shift_end),), v.duration_s)
            for v in route
        ],
        [(b["window"][0], b["window"][1], b["duration_s"]) for b in day.breaks],
    )


def insert_freed(
    problem: Problem,
    techs: dict[str, TechDay],
    order: list[str],
    by_id: dict[str, Visit],
    windows: WindowsById,
    *,
    original: dict[str, tuple[str, int]],
    urgent: str | None,
    promised: set[str],
) -> list[str]:
    """Put each freed visit where it costs least by the move weights; return those that fit nowhere.

    A promised visit that fits nowhere may take the place of a kept visit nobody was promised, which is then
    inserted elsewhere if it can be."""
    left = []
    for vid in order:
        if not _insert(problem, techs, vid, by_id, windows, original, urgent):
            left.append(vid)
    still = []
    for vid in left:
        if vid in promised and (ejected := _eject_for(problem, techs, vid, by_id, windows, promised)) is not None:
            windows[ejected] = windows.get(ejected, by_id[ejected].windows)
            if not _insert(problem, techs, ejected, by_id, windows, original, None):
                still.append(ejected)
        else:
            still.append(vid)
    return still


def _suitable(techs: dict[str, TechDay], visit: Visit) -> Iterator[TechDay]:
    for tech in techs.values():
        if not tech.open or not visit.skills <= frozenset(tech.entry.get("skills") or ()):
            continue
        if visit.pinned is not None and visit.pinned.technician != tech.id:
            continue
        yield tech


def _insert(
    problem: Problem,
    techs: dict[str, TechDay],
    vid: str,
    by_id: dict[str, Visit],
    windows: WindowsById,
    original: dict[str, tuple[str, int]],
    urgent: str | None,
) -> bool:
    """Put `vid` where it costs least by the move weights (`original`: its technician and start before the event)."""
    visit = by_id[vid]
    was = original.get(vid)
    best: tuple[int, TechDay, list[str], list[int]] | None = None  # cost, technician, new route, break places
    for tech in _suitable(techs, visit):
        fixed = TECHNICIAN_CHANGE_COST_S if was is not None and was[0] != tech.id else 0
        places = [tech.place] + [by_id[v].location for v in tech.route] + [tech.entry["end"]]
        for at in range(len(tech.route) + 1):
            delta = (
                problem.duration_s(places[at], visit.location)
                + problem.duration_s(visit.location, places[at + 1])
                - problem.duration_s(places[at], places[at + 1])
            ) + fixed
            if best is not None and delta >= best[0]:
                continue
            route = tech.route[:at] + [vid] + tech.route[at:]
            timed = schedule(problem, tech, [by_id[v] for v in route], windows)
            if timed is None:
                continue
            start = timed[0][at]
            cost = delta
            if was is not None and visit.windows and visit.must_serve:
                cost += PROMISE_SHIFT_COST_PER_S * abs(start - was[1])
            if vid == urgent:
                cost += URGENT_LATENESS_COST_PER_S * start
            if best is None or cost < best[0]:
                best = (cost, tech, route, timed[1])
    if best is None:
        return False
    _, tech, tech.route, tech.break_gaps = best
    return True


def _eject_for(
    problem: Problem,
    techs: dict[str, TechDay],
    vid: str,
    by_id: dict[str, Visit],
    windows: WindowsById,
    promised: set[str],
) -> str | None:
    """The unpromised visit whose place lets the promised `vid` in with the least extra travel, once swapped."""
    visit = by_id[vid]
    best: tuple[int, TechDay, str, list[str], list[int]] | None = None  # cost, technician, out, route, breaks
    for tech in _suitable(techs, visit):
        for out in [v for v in tech.route if v not in promised]:
            rest = [v for v in tech.route if v != out]
            for at in range(len(rest) + 1):
                route = rest[:at] + [vid] + rest[at:]
                saved = tech.windows.pop(out, None)
                timed = schedule(problem, tech, [by_id[v] for v in route], windows)
                if saved is not None:
                    tech.windows[out] = saved
                if timed is None:
                    continue
                cost = EJECT_UNPROMISED_COST_S + sum(
                    problem.duration_s(a, b)
                    for a, b in zip(
                        [tech.place] + [by_id[v].location for v in route],
                        [by_id[v].location for v in route] + [tech.entry["end"]],
                    )
                )
                if best is None or cost < best[0]:
                    best = (cost, tech, out, route, timed[1])
                break  # the first place that fits for this swap is enough
    if best is None:
        return None
    _, tech, out, tech.route, tech.break_gaps = best
    tech.windows.pop(out, None)
    return out
