"""Route timing, one place for the plain-Python core: when a visit can start, when breaks are taken, the shift end.

Two timers, both held to the independent checker on random days by tests/scheduling/test_timing_agreement.py:

- The rule (`serve`, `finish`, `schedule`): what the construction (insertion.py) and the rebalance's re-timing
  follow; the compiled search has the same rule once, in ruin_and_recreate/routes.py (_serve, _finish). The
  technician leaves the start place at shift start and drives to each stop, serving it as early as its windows
  allow. A break (in window order) is taken before a stop when the wait there leaves room for it, or when after
  that stop would be too late; the technician pauses first, then drives. Breaks still due after the last stop
  are taken before driving home, which must be done by the shift end.
- The exact timer (`RouteTimer`, `schedule_route`): the earliest times of a fixed order over every way of
  placing the breaks in its gaps, what the slot offers need (a booking must not be refused for a timing the
  rule misses). It accepts every route the rule accepts, and some more.

Who may do a visit at all (reasons.py) asks `serves_alone`: the rule, else the exact timer, on a route of just
that visit. The technician's phone estimates arrivals with `serve` (technicians/rules.py, windows without end).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

from scheduling.core.plan import BreakTime, Route, Stop
from scheduling.core.problem import Break, Problem, Technician, Visit

INFEASIBLE = None


def service_windows(visit: Visit, techs: tuple[Technician, ...]) -> list[tuple[int, int]]:
    """When service may start: the visit's windows (or any time) within the suitable technicians' shifts."""
    earliest = min(t.shift[0] for t in techs)
    latest = max(t.shift[1] for t in techs) - visit.duration_s
    windows = visit.windows or ((earliest, latest),)
    return _merge([(max(a, earliest), min(b, latest)) for a, b in windows if a <= latest and b >= earliest])


BreakRule = tuple[int, int, int]  # window start, window end, duration (s); a technician's breaks in window order
Windows = Sequence[tuple[int, int]]  # service start windows
# The end of a window or shift that does not end (the phone's arrival estimate: a late technician still goes).
NO_END = 2**62


def earliest_start(windows: Windows, arrival: int, shift_end: int, duration_s: int) -> int | None:
    """The first service start at or after `arrival` inside a window, finishing by the shift end; None if none."""
    for a, b in windows:
        start = max(arrival, a)
        if start <= b and start + duration_s <= shift_end:
            return start
    return None


def serve(
    ready: int, leg: int, windows: Windows, shift_end: int, duration_s: int, breaks: Sequence[BreakRule]
) -> tuple[int, int, int] | None:
    """Free at `ready`, `leg` seconds away from a visit: (service start, free again, breaks of `breaks` taken first).

    None when a window or a break window cannot be kept. `breaks` are those still due, in window order."""
    start = earliest_start(windows, ready + leg, shift_end, duration_s)
    if start is None:
        return None
    taken = 0
    for a, b, pause in breaks:
        take_now = max(start + duration_s, a) + pause > b  # after this visit would be too late
        pause_end = max(ready, a) + pause
        fits_in_wait = pause_end <= start and ready + leg + pause <= start
        if not (take_now or fits_in_wait):
            break
        if pause_end > b:
            return None
        taken += 1
        ready = pause_end  # the technician pauses first, then drives
        start = earliest_start(windows, ready + leg, shift_end, duration_s)
        if start is None:
            return None
    return start, start + duration_s, taken


def finish(ready: int, breaks: Sequence[BreakRule]) -> int | None:
    """Free at `ready` after the last stop: when the breaks still due are over (None if one misses its window)."""
    for a, b, pause in breaks:
        ready = max(ready, a) + pause
        if ready > b:
            return None
    return ready


def schedule(
    leg_s: Callable[[str, str], int],
    start: tuple[str, int],
    end: tuple[str, int],
    stops: Sequence[tuple[str, Windows, int]],
    breaks: Sequence[BreakRule],
) -> tuple[list[int], list[int]] | None:
    """Time a route by the rule above: service starts, and before which stop each break is taken (in window order).

    `start` and `end` are (place, shift start) and (place, shift end); each stop is (place, windows, duration).
    None when the route breaks a window, a break window or the shift end."""
    (place, ready), (home, shift_end) = start, end
    pending = list(breaks)
    starts: list[int] = []
    gaps: list[int] = []
    for k, (location, windows, duration_s) in enumerate(stops):
        served = serve(ready, leg_s(place, location), windows, shift_end, duration_s, pending)
        if served is None:
            return None
        begin, ready, taken = served
        gaps.extend([k] * taken)
        del pending[:taken]
        starts.append(begin)
        place = location
    done = finish(ready, pending)
    if done is None:
        return None
    gaps.extend([len(stops)] * len(pending))
    if done + leg_s(place, home) > shift_end:
        return None
    return starts, gaps


def break_rules(tech: Technician) -> list[BreakRule]:
    """A technician's breaks as `serve` takes them: (window start, window end, duration), in window order."""
    return [(b.window[0], b.window[1], b.duration_s) for b in sorted(tech.breaks, key=lambda b: b.window)]


def schedule_for(problem: Problem, tech: Technician, visits: Sequence[Visit]) -> tuple[list[int], list[int]] | None:
    """`schedule` for a technician's whole day: from the start place at shift start, their own breaks."""
    return schedule(
        problem.duration_s,
        (tech.start, tech.shift[0]),
        (tech.end, tech.shift[1]),
        [(v.location, v.windows or (tech.shift,), v.duration_s) for v in visits],
        break_rules(tech),
    )


def timed_route(problem: Problem, tech: Technician, visits: list[Visit], break_gaps: list[int]) -> Route:
    """Give each stop its earliest times for this order and these break places.

    The solver's own times are any feasible ones; a forward pass serves every visit as early as its
    window allows, which never comes later than the solver's times, so the route stays feasible.
    The technician leaves just in time for the first stop and drives on right after each service.
    """
    gaps: dict[int, list[Break]] = {k: [] for k in range(len(visits) + 1)}
    for brk, gap in sorted(zip(tech.breaks, break_gaps), key=lambda pair: pair[0].window):
        gaps[gap].append(brk)
    stops, breaks, place, ready = [], [], tech.start, tech.shift[0]
    travel_s = distance_m = 0
    for k, visit in enumerate(visits + [None]):
        to = tech.end if visit is None else visit.location
        leg = problem.duration_s(place, to)
        travel_s += leg
        distance_m += problem.distance_m(place, to)
        cursor = ready
        for brk in gaps[k]:
            start = max(cursor, brk.window[0])
            breaks.append(BreakTime(start, start + brk.duration_s))
            cursor = start + brk.duration_s
        paused = sum(b.duration_s for b in gaps[k])
        arrival = max(ready + leg + paused, cursor)
        if visit is None:
            break
        windows = visit.windows or (tech.shift,)
        start = next(max(arrival, a) for a, b in windows if b >= arrival)
        if k == 0 and not gaps[0]:
            arrival = start
        stops.append(Stop(visit.id, arrival, start, start + visit.duration_s))
        place, ready = visit.location, start + visit.duration_s
    if not visits:
        return Route(tech.id)
    return Route(tech.id, tuple(stops), tuple(breaks), travel_s, distance_m)


# --- the exact timer: a fixed order's earliest times over every way of placing the breaks ----------


@dataclass(frozen=True)
class TimerState:
    ready: int  # when the technician is free to leave the last place
    taken: int  # bit mask of the breaks already taken
    back: TimerState | None = None
    stop: Stop | None = None
    breaks: tuple[BreakTime, ...] = ()


class RouteTimer:
    """Earliest feasible times along a fixed order; a small DP over which breaks are taken in which gap."""

    def __init__(
        self,
        problem: Problem,
        technician: Technician,
        windows: Mapping[str, Sequence[tuple[int, int]]],
        not_before: Mapping[str, int],
    ):
        self.problem = problem
        self.tech = technician
        self.windows = windows
        self.not_before = not_before
        self.durations = problem.matrix.durations_s
        self.index = problem.location_index
        self.breaks = sorted(technician.breaks, key=lambda b: b.window)
        self.full = (1 << len(self.breaks)) - 1
        n = len(self.breaks)
        # every set of breaks that could be taken in one gap, in window order
        self.subsets = [combo for k in range(n + 1) for combo in combinations(range(n), k)]

    def start_states(self) -> list[TimerState]:
        return [TimerState(self.tech.shift[0], 0)]

    def advance(self, states: list[TimerState], place: str, visit: Visit | None) -> list[TimerState]:
        """States after driving from `place` to `visit` (or to the end place when None) and serving it."""
        to = self.tech.end if visit is None else visit.location
        drive = self.durations[self.index[place]][self.index[to]]
        best: dict[int, TimerState] = {}
        for state in states:
            for subset in self.subsets:
                mask = 0
                for k in subset:
                    mask |= 1 << k
                if mask & state.taken or (visit is None and (state.taken | mask) != self.full):
                    continue
                gap = self._through_gap(state.ready, drive, subset)
                if gap is INFEASIBLE:
                    continue
                arrival, free_at, taken_breaks = gap
                taken = state.taken | mask
                if visit is None:
                    if free_at > self.tech.shift[1]:
                        continue
                    new = TimerState(free_at, taken, state, None, taken_breaks)
                else:
                    start = self._service_start(visit, free_at)
                    if start is INFEASIBLE:
                        continue
                    stop = Stop(visit.id, arrival, start, start + visit.duration_s)
                    new = TimerState(stop.end, taken, state, stop, taken_breaks)
                old = best.get(taken)
                if old is None or new.ready < old.ready:
                    best[taken] = new
        return list(best.values())

    def _through_gap(
        self, ready: int, drive: int, subset: tuple[int, ...]
    ) -> tuple[int, int, tuple[BreakTime, ...]] | None:
        """(arrival, earliest service start bound, breaks) driving `drive` s from `ready`, taking `subset` on the way.

        Each break starts as early as its window allows: driving pauses for it, or it is taken on site
        while waiting; earliest is never worse.
        """
        t, remaining = ready, drive
        arrival: int | None = None
        taken: list[BreakTime] = []
        for k in subset:
            brk = self.breaks[k]
            begin = max(t, brk.window[0])
            if arrival is None and remaining <= begin - t:
                arrival, remaining = t + remaining, 0
            else:
                remaining -= min(remaining, begin - t)  # once there, a later break is taken on site
            end = begin + brk.duration_s
            if end > brk.window[1]:
                return INFEASIBLE
            taken.append(BreakTime(begin, end))
            t = end
        free_at = t + remaining
        return (free_at if arrival is None else arrival), free_at, tuple(taken)

    def _service_start(self, visit: Visit, free_at: int) -> int | None:
        # a service that would end after the shift cannot lead home in time: that state is dropped here already
        lower = max(free_at, self.not_before.get(visit.id, 0))
        windows = self.windows.get(visit.id) or visit.windows or (self.tech.shift,)
        return earliest_start(windows, lower, self.tech.shift[1], visit.duration_s)

    def route(self, visits: Sequence[Visit]) -> Route | None:
        if not visits:
            return Route(self.tech.id)
        states, place = self.start_states(), self.tech.start
        for visit in visits:
            states = self.advance(states, place, visit)
            if not states:
                return None
            place = visit.location
        return self.finish(states, place, visits)

    def finish(self, states: list[TimerState], place: str, visits: Sequence[Visit]) -> Route | None:
        ends = self.advance(states, place, None)
        if not ends:
            return None
        state: TimerState | None = min(ends, key=lambda s: s.ready)
        stops: list[Stop] = []
        breaks: list[BreakTime] = []
        while state is not None:
            if state.stop is not None:
                stops.append(state.stop)
            breaks.extend(state.breaks)
            state = state.back
        stops.reverse()
        places = [self.tech.start] + [v.location for v in visits] + [self.tech.end]
        travel_s = sum(self.problem.duration_s(a, b) for a, b in zip(places, places[1:]))
        distance_m = sum(self.problem.distance_m(a, b) for a, b in zip(places, places[1:]))
        return Route(self.tech.id, tuple(stops), tuple(sorted(breaks, key=lambda b: b.start)), travel_s, distance_m)


def serves_alone(problem: Problem, tech: Technician, visit: Visit) -> bool:
    """Whether `tech` can do `visit` on an empty day: a route of just this visit keeps its windows, the breaks
    in theirs and the shift end, by the rule or else by the exact timer (which finds some timings the rule misses).

    The rule's part is `schedule_for(problem, tech, [visit])` written out for one stop: every visit of a day is
    tried on every technician before planning (225,000 pairs on a city's day)."""
    rules = break_rules(tech)
    served = serve(
        tech.shift[0],
        problem.duration_s(tech.start, visit.location),
        visit.windows or (tech.shift,),
        tech.shift[1],
        visit.duration_s,
        rules,
    )
    if served is not None:
        ready = finish(served[1], rules[served[2] :])
        if ready is not None and ready + problem.duration_s(visit.location, tech.end) <= tech.shift[1]:
            return True
    return RouteTimer(problem, tech, {}, {}).route([visit]) is not None


def schedule_route(
    problem: Problem,
    technician: Technician,
    visit_ids: Sequence[str],
    *,
    windows: Mapping[str, Sequence[tuple[int, int]]] | None = None,
    not_before: Mapping[str, int] | None = None,
) -> Route | None:
    """The earliest timing of a route in this order with its breaks, or None when no timing is feasible.

    `windows` overrides visits' own windows (e.g. a slot for the new visit).
    """
    visits = {v.id: v for v in problem.visits}
    return RouteTimer(problem, technician, windows or {}, not_before or {}).route([visits[v] for v in visit_ids])


def _merge(windows: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted, non-overlapping windows (touching ones joined)."""
    merged: list[tuple[int, int]] = []
    for a, b in sorted(w for w in windows if w[0] <= w[1]):
        if merged and a <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged
