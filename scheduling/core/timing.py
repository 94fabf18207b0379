"""When a technician can serve a visit, and the times of a route once its order and breaks are chosen."""

from __future__ import annotations

from scheduling.core.plan import BreakTime, Route, Stop
from scheduling.core.problem import Problem, Technician, Visit


def service_windows(visit: Visit, techs: tuple[Technician, ...]) -> list[tuple[int, int]]:
    """When service may start: the visit's windows (or any time) within the suitable technicians' shifts."""
    earliest = min(t.shift[0] for t in techs)
    latest = max(t.shift[1] for t in techs) - visit.duration_s
    windows = visit.windows or ((earliest, latest),)
    return _merge([(max(a, earliest), min(b, latest)) for a, b in windows if a <= latest and b >= earliest])


def timed_route(problem: Problem, tech: Technician, visits: list[Visit], break_gaps: list[int]) -> Route:
    """Give each stop its earliest times for this order and these break places.

    The solver's own times are any feasible ones; a forward pass serves every visit as early as its
    window allows, which never comes later than the solver's times, so the route stays feasible.
    The technician leaves just in time for the first stop and drives on right after each service.
    """
    gaps = {k: [] for k in range(len(visits) + 1)}
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


def _merge(windows: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted, non-overlapping windows (touching ones joined)."""
    merged: list[tuple[int, int]] = []
    for a, b in sorted(w for w in windows if w[0] <= w[1]):
        if merged and a <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged
