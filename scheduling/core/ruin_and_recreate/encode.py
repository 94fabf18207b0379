"""Plan with driver.py's ruin and recreate: the problem as flat arrays in, routes of plan dataclasses out."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np

from scheduling.core.objective import balance_cost, balance_wanted, drop_penalties, fair_share, objective_table
from scheduling.core.plan import Route
from scheduling.core.problem import Problem, Technician, Visit
from scheduling.core.ruin_and_recreate.driver import NONE, SearchData, improve
from scheduling.core.timing import service_windows, timed_route


def plan_with_ruin_and_recreate(
    problem: Problem,
    visits: list[Visit],
    suitable: dict[str, tuple[Technician, ...]],
    *,
    deadline: float,
    seed: int,
    initial: list[list[int]] | None = None,
    on_improve: Callable[[int], None] | None = None,
) -> tuple[list[Route], list[Visit], int]:
    """Search until `deadline`; the routes, the visits left out and the plan's cost (as the OR-Tools model counts it).

    `initial` are routes as positions into `visits`, one list per technician, to start from."""
    orders, gaps, cost = improve(
        search_data(problem, visits, suitable), deadline=deadline, seed=seed, initial=initial, on_improve=on_improve
    )
    routes, served = [], set()
    for tech, order, sorted_gaps in zip(problem.technicians, orders, gaps):
        served.update(order)
        # the search numbers breaks in window order; the technician lists them in the problem's order
        by_window = sorted(range(len(tech.breaks)), key=lambda b: tech.breaks[b].window)
        break_gaps = [0] * len(sorted_gaps)
        for b, gap in zip(by_window, sorted_gaps):
            break_gaps[b] = gap
        routes.append(timed_route(problem, tech, [visits[u] for u in order], break_gaps))
    dropped = [visit for u, visit in enumerate(visits) if u not in served]
    return routes, dropped, cost


def search_data(problem: Problem, visits: list[Visit], suitable: dict[str, tuple[Technician, ...]]) -> SearchData:
    """The arrays driver.py works on: visits are places 0..n-1, then the technicians' start and end places."""
    techs = problem.technicians
    depots = list(dict.fromkeys([t.start for t in techs] + [t.end for t in techs]))
    idx = problem.location_index
    n = len(visits)
    place = {loc: n + i for i, loc in enumerate(depots)}
    locations = np.array([idx[v.location] for v in visits] + [idx[loc] for loc in depots], dtype=np.int64)
    cost = np.asarray(objective_table(problem), dtype=np.int64)[np.ix_(locations, locations)]
    duration = np.asarray(problem.matrix.durations_s, dtype=np.int64)[np.ix_(locations, locations)]
    window_count, window_start, window_end = _windows(visits, suitable)
    break_start, break_end, break_duration = _breaks(techs)
    fair, extra_visit_cost = n + 1, 0
    if balance_wanted(problem):
        fair, extra_visit_cost = fair_share(problem, n), balance_cost(problem)
    vehicle = {t.id: k for k, t in enumerate(techs)}
    allowed = np.zeros((n, len(techs)), dtype=np.int64)
    for u, visit in enumerate(visits):
        allowed[u, [vehicle[t.id] for t in suitable[visit.id]]] = 1
    total_demand = sum(v.demand for v in visits)

    def per_technician(values: Iterable[int]) -> np.ndarray:
        return np.array(list(values), dtype=np.int64)

    return SearchData(
        cost=cost,
        duration=duration,
        service=np.array([v.duration_s for v in visits], dtype=np.int64),
        demand=np.array([v.demand for v in visits], dtype=np.int64),
        penalty=np.array(drop_penalties(visits, int(cost.max()) or 1), dtype=np.int64),
        window_count=window_count,
        window_start=window_start,
        window_end=window_end,
        allowed=allowed,
        start_place=per_technician(place[t.start] for t in techs),
        end_place=per_technician(place[t.end] for t in techs),
        shift_start=per_technician(t.shift[0] for t in techs),
        shift_end=per_technician(t.shift[1] for t in techs),
        capacity=per_technician(total_demand if t.capacity is None else t.capacity for t in techs),
        max_visits=per_technician(n if t.max_visits is None else t.max_visits for t in techs),
        break_count=per_technician(len(t.breaks) for t in techs),
        break_start=break_start,
        break_end=break_end,
        break_duration=break_duration,
        must_serve=np.array([v.must_serve for v in visits], dtype=np.int64),
        pin_order=_pin_order(visits),
        fair_visits=fair,
        balance_cost=extra_visit_cost,
    )


def _windows(
    visits: list[Visit], suitable: dict[str, tuple[Technician, ...]]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    windows = [service_windows(v, suitable[v.id]) for v in visits]
    width = max(1, max(len(w) for w in windows))
    starts = np.zeros((len(visits), width), dtype=np.int64)
    ends = np.full((len(visits), width), -1, dtype=np.int64)
    for u, pieces in enumerate(windows):
        for w, (a, b) in enumerate(pieces):
            starts[u, w], ends[u, w] = a, b
    return np.array([len(w) for w in windows], dtype=np.int64), starts, ends


def _breaks(techs: tuple[Technician, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Window start, window end and duration of each technician's breaks, in window order."""
    most = max(1, max(len(t.breaks) for t in techs))
    start, end, duration = (np.zeros((len(techs), most), dtype=np.int64) for _ in range(3))
    for k, tech in enumerate(techs):
        for b, brk in enumerate(sorted(tech.breaks, key=lambda b: b.window)):
            start[k, b], end[k, b], duration[k, b] = brk.window[0], brk.window[1], brk.duration_s
    return start, end, duration


def _pin_order(visits: list[Visit]) -> np.ndarray:
    """Each visit's rank among the visits with a pinned sequence; NONE where the order is free."""
    pinned = sorted((v.pinned.sequence, u) for u, v in enumerate(visits) if v.pinned and v.pinned.sequence is not None)
    order = np.full(len(visits), NONE, dtype=np.int64)
    for rank, (_, u) in enumerate(pinned):
        order[u] = rank
    return order
