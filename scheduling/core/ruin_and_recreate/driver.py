"""Ruin and recreate over our own route arrays (SISR, Christiaens & Vanden Berghe 2020), compiled with numba.

Each iteration removes a few strings of neighbouring stops from nearby routes and puts the removed visits
back one by one at their cheapest feasible place (skipping each place with a small "blink" chance);
simulated annealing decides whether the changed plan replaces the current one. Feasibility of an
insertion is checked in O(1) from each stop's earliest and latest service start (forward and backward
time slack). It knows every rule of the solver: time windows (one or several per visit), shifts, start
and end places, skills and pins (as allowed technicians), pinned order, max visits, capacity, drop costs,
the balance goal (each visit above the fair share costs `balance_cost`), and breaks (routes.py).

It starts from the construction plan with its longest routes cut in two for free technicians, and ends by
polishing the best plan with the route moves over all its routes.

This module drives the search; moves.py holds the moves, local_search.py the route moves that polish a new
best plan, and routes.py the route arrays.
"""

from __future__ import annotations

import math
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numba import njit

from scheduling.core.clock import elapsed_clock_s
from scheduling.core.ruin_and_recreate import layout
from scheduling.core.ruin_and_recreate.cache import drop_stale_compiled_code
from scheduling.core.ruin_and_recreate.eject import _eject_search
from scheduling.core.ruin_and_recreate.layout import (
    BEST_COST,
    CURRENT_COST,
    JUDGED_COST,
    LENGTHS,
    PENALTY,
    ROUTE_COST,
    ROUTE_OF,
    ROUTES,
)
from scheduling.core.ruin_and_recreate.local_search import INFEASIBLE, _local_search, _route_cost
from scheduling.core.ruin_and_recreate.moves import _iterate
from scheduling.core.ruin_and_recreate.routes import NONE, _break_gaps, _copy_route, _copy_visits, _start_from

drop_stale_compiled_code()  # before any compiled function is first called, which is when numba reads its cache

# Annealing temperatures as multiples of a typical short leg (mean cost to the nearest few neighbours):
# the paper's 100 -> 1 on Solomon-scale distances, where a short leg costs about 10. A ten times cooler
# schedule (1 -> 0.01) stayed with the few long routes the construction packs on wide windows: Solomon
# R211, RC208, R208, RC204 at 10 s ended 5.9 % over the best known on average against 0.9 % with this one,
# and GH400 R2_4_1 17.7 % against 7.0 % (one worker, load 9-10).
START_TEMPERATURE_LEGS = 10.0
END_TEMPERATURE_LEGS = 0.1
NEAREST_FOR_SCALE = 5
# While annealing, leaving a visit out costs this many short legs (times its weight), going from the first
# figure to the second over the search, instead of its true drop cost (whichever is lower), so the search
# may give up a visit for a while to reshape routes (must-serve visits excepted). On the 500-visit field
# day this serves 493-494 visits in 30 s against 486-487 with the true cost (which ramps did not beat).
SEARCH_PENALTY_LEGS = (10.0, 10.0)
# After this share of the search without a new best plan, the annealing goes on from the best plan: on wide
# windows (Solomon R2/RC2) it otherwise wanders off with the few long routes and ends worse than it was
# (19 R2/RC2 instances x 4 seeds, 5 s each, load 3-4, with an Or-opt and SWAP* polish: 0.61 % over the
# best known against 0.95 % without restarts, 0.82 % restarting after 5 %; with Or-opt alone 0.57-0.70 %).
RESTART_AFTER = 0.1
NEAR_VISITS = 50  # on big days a visit is only tried in routes through this many of its nearest visits
# The last share of the time goes to polishing the best plan with the route moves over all its routes
# (local_search.py; during the search only the routes a step changed are polished). On the city day (150 x
# 1,500, 60 s) it saved 1,032 and 1,218 s of travel in 0.22-0.24 s; on GH400 R2_4/RC2_4 at 10 s 0-23 (tenths
# of a unit) in 0.03-0.06 s. A 2 % share left 0.9 s of the city day's 1.2 s unused, 0.5 % leaves 0.04 s.
POLISH_SHARE = 0.005
POLISH_BATCHES = 8  # the polish runs over this many groups of routes in turn, checking the clock in between
POLISH_ROUNDS = 20  # rounds over all groups at most; a round that saves nothing ends it
# The search starts from the construction plan with its longest routes cut in two until it uses this many
# times as many technicians (while some are free): its insertions rarely open a route (a lone visit costs
# the way there and back), and on wide windows the construction packs few long routes (GH400 R2_4_2: 8
# against 18 in the best known plan), while emptying a route is one of its ruins. GH400 at 10 s, one worker,
# side by side with no cutting (load 2-4): on R2_4_1,2,5,6,9 and RC2_4_2,4,5,7,8, 2.27 % over the best known
# against 2.81 % (max 3.07 against 6.45), and cutting in halves from outside the search 2.19 against 3.03 and
# 2.08 (x2) against 2.23 (x1.5 and x2 tried); on the other ten R2_4/RC2_4 2.70 against 2.64. Solomon R201,
# R202, R205, R208, R211, RC201, RC202, RC204, RC207, RC208 twice: 0.34 and 0.31 % against 0.29 and 0.35 %.
OPEN_ROUTES = 2.0
SPLIT_TRIES = 3  # free technicians tried for the second half of a route
CHUNK_S = 0.05  # seconds between clock checks
MAX_CHUNK_ITERATIONS = 2000
# While the best plan leaves visits out, the ejection search (eject.py) gets this many steps this often.
EJECT_EVERY_S = 1.0
EJECT_STEPS = 200
# Above this many visits the interval grows with the day: a call costs more there, and each success puts
# visits in wherever they fit, whatever the travel. On the city day (150 x 1,500, 60 s, four search seeds,
# old and new side by side, load 3-5) every 3 s instead of every 1 s ended 1,476/1,471/1,473/1,467 served
# with 160/174/174/184 h of travel, against 1,470/1,473/1,461/1,479 served and 181/183/202/177 h.
EJECT_EVERY_VISITS = 500
# With an iteration budget (the speed bench): iterations per chunk, and the ejection search every so many.
BUDGET_CHUNK = 500
BUDGET_EJECT_EVERY = 5000


@dataclass(frozen=True)
class SearchData:
    """The problem as flat arrays: visits are places 0..n-1, start and end places follow."""

    cost: np.ndarray  # places x places, the objective (travel time or distance)
    duration: np.ndarray  # places x places, travel time
    service: np.ndarray  # per visit
    demand: np.ndarray
    penalty: np.ndarray  # the cost of leaving the visit out
    window_count: np.ndarray
    window_start: np.ndarray  # visits x windows, service start bounds
    window_end: np.ndarray
    allowed: np.ndarray  # visits x technicians, 1 = may do it
    start_place: np.ndarray  # per technician
    end_place: np.ndarray
    shift_start: np.ndarray
    shift_end: np.ndarray
    capacity: np.ndarray
    max_visits: np.ndarray
    break_count: np.ndarray  # per technician
    break_start: np.ndarray  # technicians x breaks: window start, window end, duration
    break_end: np.ndarray
    break_duration: np.ndarray
    must_serve: np.ndarray  # per visit, 1 = must be served
    pin_order: np.ndarray  # per visit: sort key of its pinned sequence, NONE if its order is free
    fair_visits: int  # the balance goal: visits above this many per technician cost balance_cost each
    balance_cost: int


def fresh_state(technicians: int, visits: int) -> tuple:
    """Empty route arrays of one plan, laid out as layout.py names them (ROUTES, LENGTHS, ...)."""
    k, n = technicians, visits
    fields: list[Any] = [None] * layout.STATE_FIELDS
    for name in (layout.ROUTES, layout.EARLIEST, layout.LATEST, layout.READY_AFTER, layout.TAKEN_AFTER):
        fields[name] = np.zeros((k, n + 1), np.int64)
    fields[layout.LENGTHS] = np.zeros(k, np.int64)
    fields[layout.LOAD] = np.zeros(k, np.int64)
    fields[layout.ROUTE_COST] = np.zeros(k, np.int64)
    fields[layout.ROUTE_OF] = np.full(n, NONE, np.int64)
    fields[layout.POSITION] = np.zeros(n, np.int64)
    return tuple(fields)


def improve(
    data: SearchData,
    *,
    deadline: float,
    seed: int = 1,
    initial: list[list[int]] | None = None,
    on_improve: Callable[[int], None] | None = None,
    iterations: int | None = None,
) -> tuple[list[list[int]], list[list[int]], int]:
    """Search until `deadline` (scheduling.core.clock time); the best routes (visit numbers per technician), the
    stop before which each break is taken (as timing.timed_route wants them) and the cost.

    With `iterations` (the speed bench) it searches that many iterations in fixed chunks, with the schedule
    and the ejection search driven by the count instead of the clock: the same moves on any machine."""
    n, k = len(data.service), len(data.start_place)
    problem = _problem_tuple(data)
    places = data.cost.shape[0]
    nearest = np.sort(data.cost + np.diag(np.full(places, np.iinfo(np.int64).max // 4)), axis=1)
    leg = max(float(np.mean(nearest[:, : min(NEAREST_FOR_SCALE, places - 1)])) if places > 1 else 1.0, 1.0)
    current, work, best = fresh_state(k, n), fresh_state(k, n), fresh_state(k, n)
    costs = np.zeros(3, dtype=np.int64)
    costs[CURRENT_COST] = costs[BEST_COST] = int(data.penalty.sum())
    if initial is not None:
        initial = _open_routes(problem, initial)
        for state in (current, work, best):
            for t, route in enumerate(initial):
                state[ROUTES][t, : len(route)] = route
                state[LENGTHS][t] = len(route)
        costs[CURRENT_COST] = costs[BEST_COST] = _start_from(problem, current, work, best)
    weight = data.penalty / data.penalty.min()

    def search_penalties(share: float) -> np.ndarray:
        legs = SEARCH_PENALTY_LEGS[0] * (SEARCH_PENALTY_LEGS[1] / SEARCH_PENALTY_LEGS[0]) ** share
        softer = np.minimum(data.penalty, np.ceil(weight * legs * leg).astype(np.int64))
        return np.where(data.must_serve != 0, data.penalty, softer)  # never trade a must-serve visit

    _seed(seed)
    started = elapsed_clock_s()
    total = max(deadline - started, 1e-3)
    search_until = deadline - POLISH_SHARE * total
    hot, cold = START_TEMPERATURE_LEGS * leg, END_TEMPERATURE_LEGS * leg
    reported = None
    budget, chunk, done = iterations, 1, 0
    ejected_at, counters = started, np.zeros(n, np.int64)
    improved_at, last_best = 0.0, int(costs[BEST_COST])  # share of the search at the last new best
    eject_every_s = EJECT_EVERY_S * max(1.0, n / EJECT_EVERY_VISITS)
    while True:
        now = elapsed_clock_s()
        if budget is None:
            # the first step always runs: from an empty start it builds the first plan
            if now + CHUNK_S / 2 >= search_until and done > 0:
                break
            share = (now - started) / total
        else:
            if done >= budget:
                break
            share, chunk = done / budget, min(BUDGET_CHUNK, budget - done)
        if costs[BEST_COST] < last_best:
            improved_at, last_best = share, int(costs[BEST_COST])
        elif share - improved_at > RESTART_AFTER:
            _restart_from_best(current, work, best, costs)
            improved_at = share
        share_next = min(1.0, share + 0.002)
        t_from = hot * (cold / hot) ** share
        t_to = hot * (cold / hot) ** share_next
        search_penalty = search_penalties(share)
        left = current[ROUTE_OF] == NONE
        costs[JUDGED_COST] = costs[CURRENT_COST] - int(data.penalty[left].sum()) + int(search_penalty[left].sum())
        _iterate(chunk, t_from, t_to, problem, current, work, best, costs, search_penalty)
        done += chunk
        if budget is None:
            took = elapsed_clock_s() - now
            # keep each chunk near CHUNK_S so the deadline is kept on big days too
            chunk = max(1, min(MAX_CHUNK_ITERATIONS, int(chunk * CHUNK_S / max(took, 1e-6))))
            eject_due = now - ejected_at >= eject_every_s
        else:
            eject_due = done % BUDGET_EJECT_EVERY == 0
        if eject_due and (best[ROUTE_OF] == NONE).any():
            if not _serve_left_out(problem, current, work, best, costs, counters):
                ejected_at = elapsed_clock_s()  # after a success, try again at once
        if on_improve is not None and (reported is None or costs[BEST_COST] < reported):
            reported = int(costs[BEST_COST])
            on_improve(reported)
    saved = _polish(problem, best, deadline if budget is None else None)
    costs[BEST_COST] -= saved
    if on_improve is not None and saved > 0:
        on_improve(int(costs[BEST_COST]))
    routes_array, lengths = best[ROUTES], best[LENGTHS]
    routes = [[int(v) for v in routes_array[t, : lengths[t]]] for t in range(k)]
    gaps = []
    for t in range(k):
        out = np.zeros(max(int(data.break_count[t]), 1), np.int64)
        _break_gaps(t, problem, best, out)
        gaps.append([int(g) for g in out[: data.break_count[t]]] if lengths[t] else [])
    return routes, gaps, int(costs[BEST_COST])


def _problem_tuple(data: SearchData) -> tuple:
    """SearchData as the tuple the compiled functions take (layout.py names its places), with each visit's
    neighbours (nearest first)."""
    n = len(data.service)
    fields: list[Any] = [None] * layout.PROBLEM_FIELDS
    fields[layout.COST] = data.cost
    fields[layout.DURATION] = data.duration
    fields[layout.SERVICE] = data.service
    fields[layout.DEMAND] = data.demand
    fields[layout.PENALTY] = data.penalty
    fields[layout.WINDOW_COUNT] = data.window_count
    fields[layout.WINDOW_START] = data.window_start
    fields[layout.WINDOW_END] = data.window_end
    fields[layout.ALLOWED] = data.allowed
    fields[layout.START_PLACE] = data.start_place
    fields[layout.END_PLACE] = data.end_place
    fields[layout.SHIFT_START] = data.shift_start
    fields[layout.SHIFT_END] = data.shift_end
    fields[layout.CAPACITY] = data.capacity
    fields[layout.MAX_VISITS] = data.max_visits
    fields[layout.NEIGHBOURS] = np.argsort(data.cost[:n, :n] + data.cost[:n, :n].T, axis=1, kind="stable").astype(
        np.int64
    )
    fields[layout.DEPOT_COST] = data.cost[:n, data.start_place[0]].astype(np.int64)
    fields[layout.BREAK_COUNT] = data.break_count
    fields[layout.BREAK_START] = data.break_start
    fields[layout.BREAK_END] = data.break_end
    fields[layout.BREAK_DURATION] = data.break_duration
    fields[layout.PIN_ORDER] = data.pin_order
    settings = np.zeros(layout.SETTINGS_FIELDS, dtype=np.int64)
    settings[layout.FAIR_VISITS] = data.fair_visits
    settings[layout.BALANCE_COST] = data.balance_cost
    settings[layout.NEAR_VISITS] = NEAR_VISITS
    fields[layout.SETTINGS] = settings
    return tuple(fields)


def _open_routes(problem: tuple, initial: list[list[int]]) -> list[list[int]]:
    """`initial` with its longest routes cut in two (each at its cheapest cut in the middle half of the route,
    the second half going to a free technician it suits) until OPEN_ROUTES times as many routes are used."""
    routes = [list(route) for route in initial]
    used = sum(1 for route in routes if route)
    target = min(math.ceil(OPEN_ROUTES * used), len(routes))
    uncut: set[int] = set()
    while used < target:
        free = [t for t, route in enumerate(routes) if not route][:SPLIT_TRIES]
        long = [t for t, route in enumerate(routes) if len(route) >= 4 and t not in uncut]
        if not free or not long:
            break
        t = max(long, key=lambda t: len(routes[t]))
        seq = np.array(routes[t], np.int64)
        length = len(seq)
        whole = _route_cost(t, seq, length, problem)
        cheapest = None
        for cut in range(length // 4, length - length // 4 + 1):
            head = _route_cost(t, seq[:cut], cut, problem)
            if head == INFEASIBLE:
                continue
            tail = seq[cut:].copy()
            for other in free:
                rest = _route_cost(other, tail, length - cut, problem)
                if rest != INFEASIBLE:
                    if cheapest is None or head + rest - whole < cheapest[0]:
                        cheapest = (head + rest - whole, cut, other)
                    break
        if cheapest is None:
            uncut.add(t)
            continue
        _, cut, other = cheapest
        routes[other], routes[t] = routes[t][cut:], routes[t][:cut]
        used += 1
    return routes


def _polish(problem: tuple, best: tuple, deadline: float | None) -> int:
    """Run the route moves over every route of the best plan until they save nothing (or POLISH_ROUNDS), one
    group of routes at a time while the slowest group so far still fits before `deadline` (None: no clock);
    the cost saved."""
    k = len(best[LENGTHS])
    groups = min(POLISH_BATCHES, k)
    touched = np.zeros(k, np.bool_)
    saved, slowest = 0, 0.0
    for _ in range(POLISH_ROUNDS):
        saved_before = saved
        for g in range(groups):
            began = elapsed_clock_s()
            if deadline is not None and began + slowest >= deadline:
                return saved
            touched[:] = False
            touched[g::groups] = True
            saved += int(_local_search(problem, best, touched, 1))
            slowest = max(slowest, elapsed_clock_s() - began)
        if saved == saved_before:
            break
    return saved


def _serve_left_out(
    problem: tuple, current: tuple, work: tuple, best: tuple, costs: np.ndarray, counters: np.ndarray
) -> bool:
    """Run the ejection search on a copy of the best plan; if that serves more and costs less, search on from it
    (and say so). The judged cost, costs[JUDGED_COST], is worked out again before the next annealing step."""
    _restore(best, work)
    left = _eject_search(problem, work, counters, EJECT_STEPS)
    cost = int(work[ROUTE_COST].sum()) + int(problem[PENALTY][work[ROUTE_OF] == NONE].sum())
    if left < int((best[ROUTE_OF] == NONE).sum()) and cost < costs[BEST_COST]:
        costs[CURRENT_COST] = costs[BEST_COST] = cost
        _restore(work, best)
        _restore(work, current)
        return True
    _restore(current, work)
    return False


def _restart_from_best(current: tuple, work: tuple, best: tuple, costs: np.ndarray) -> None:
    """Go on from the best plan (the judged cost is worked out again before the next annealing step)."""
    _restore(best, current)
    _restore(best, work)
    costs[CURRENT_COST] = costs[BEST_COST]


def _restore(source: tuple, target: tuple) -> None:
    for t in range(len(source[LENGTHS])):
        _copy_route(t, source, target)
    _copy_visits(source, target)


@njit(cache=True)
def _seed(seed):
    np.random.seed(seed)


def warm_up() -> None:
    """Compile (or load from numba's cache) every function on a tiny day, so a real solve starts at once."""
    size = 3
    cost = np.array([[0, 5, 5, 1], [5, 0, 5, 5], [5, 5, 0, 5], [1, 5, 5, 0]], dtype=np.int64)
    one = np.ones(size, dtype=np.int64)
    for breaks in (0, 1):
        data = SearchData(
            cost=cost,
            duration=cost.copy(),
            service=one,
            demand=one,
            penalty=100 * one,
            window_count=one,
            window_start=np.zeros((size, 1), np.int64),
            window_end=np.full((size, 1), 100, np.int64),
            allowed=np.ones((size, 2), np.int64),
            start_place=np.array([3, 3]),
            end_place=np.array([3, 3]),
            shift_start=np.zeros(2, np.int64),
            shift_end=np.full(2, 200, np.int64),
            capacity=np.full(2, 9, np.int64),
            max_visits=np.full(2, 9, np.int64),
            break_count=np.full(2, breaks, np.int64),
            break_start=np.zeros((2, 1), np.int64),
            break_end=np.full((2, 1), 50, np.int64),
            break_duration=np.full((2, 1), 5, np.int64),
            must_serve=np.zeros(size, np.int64),
            pin_order=np.full(size, NONE, np.int64),
            fair_visits=size + 1,
            balance_cost=0,
        )
        improve(data, deadline=elapsed_clock_s(), initial=[[0], [1]] if breaks else None)
        # the closing polish calls the route moves with its own pass count, a signature of its own, and
        # opening routes replays them from Python
        _polish(_problem_tuple(data), fresh_state(2, size), None)
        _route_cost(0, np.zeros(1, np.int64), 1, _problem_tuple(data))
        # the ejection search runs only while a plan leaves visits out: compile it here too
        _eject_search(_problem_tuple(data), fresh_state(2, size), np.zeros(size, np.int64), 1)


_warming = False


def is_compiled() -> bool:
    """Whether numba's cache holds this code compiled; the first compile takes 10-30 s of CPU."""
    try:
        return all(
            f._cache._cache_file._load_index()  # type: ignore[union-attr]  # numba's private cache
            for f in (_iterate, _start_from, _break_gaps, _seed, _eject_search, _local_search)
        )
    except Exception:  # numba's cache layout is private; when in doubt assume it is there
        return True


def start_warm_up() -> None:
    """Compile in a background process (once per process), so later solves can use this search."""
    global _warming
    if _warming:
        return
    _warming = True
    root = Path(__file__).resolve().parents[3]
    subprocess.Popen(
        [sys.executable, "-m", "scheduling.core.ruin_and_recreate"],
        cwd=root,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
