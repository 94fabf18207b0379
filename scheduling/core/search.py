"""Ruin and recreate over our own route arrays (SISR, Christiaens & Vanden Berghe 2020), compiled with numba.

Each iteration removes a few strings of neighbouring stops from nearby routes and puts the removed visits
back one by one at their cheapest feasible place (skipping each place with a small "blink" chance);
simulated annealing decides whether the changed plan replaces the current one. Feasibility of an
insertion is checked in O(1) from each stop's earliest and latest service start (forward and backward
time slack). It knows every rule of the solver: time windows (one or several per visit), shifts, start
and end places, skills and pins (as allowed technicians), pinned order, max visits, capacity, drop costs,
the balance goal (each visit above the fair share costs `balance_cost`), and breaks. A technician's
breaks are placed the way insertion.py places them (in a wait that leaves room, or before a stop when
after it would be too late; the technician pauses, then drives), so on routes with breaks an insertion
is checked by replaying the rest of the route (routes of a day are short).
"""
from __future__ import annotations

import math
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numba import njit

from scheduling.core.clock import elapsed_clock_s

# SISR parameters from the paper (Table 6): mean removed visits, longest string, split depth, blink rate.
MEAN_REMOVED = 10.0
MAX_STRING = 10.0
SPLIT_DEPTH = 0.01
BLINK_RATE = 0.01
ROUTE_RUIN_RATE = 0.01  # share of ruins that empty one whole route instead (C207 stuck at 4 routes, 6 % over)
# Annealing temperatures as multiples of a typical short leg (mean cost to the nearest few neighbours):
# the paper's 100 -> 1 on Solomon-scale distances, where a short leg costs about 10.
START_TEMPERATURE_LEGS = 1.0
END_TEMPERATURE_LEGS = 0.01
NEAREST_FOR_SCALE = 5
# While annealing, leaving a visit out costs this many short legs (times its weight), going from the first
# figure to the second over the search, instead of its true drop cost (whichever is lower), so the search
# may give up a visit for a while to reshape routes (must-serve visits excepted). On the 500-visit field
# day this serves 493-494 visits in 30 s against 486-487 with the true cost (which ramps did not beat).
SEARCH_PENALTY_LEGS = (10.0, 10.0)
STRICT_FROM = 2.0  # share of the time after which the true drop costs judge (2 = never)
# From this many visits on, a visit is only tried in routes through its NEAR_VISITS nearest visits.
NEAR_ROUTES_FROM = 200
NEAR_VISITS = 50
CHUNK_S = 0.05  # seconds between clock checks
MAX_CHUNK_ITERATIONS = 2000
NONE = -1
last_iterations = 0  # of the last improve() in this process, for tuning


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


def improve(data: SearchData, *, deadline: float, seed: int = 1, initial: list[list[int]] | None = None,
            on_improve: Callable[[int], None] | None = None) -> tuple[list[list[int]], list[list[int]], int]:
    """Search until `deadline` (time.monotonic); the best routes (visit numbers per technician), the stop
    before which each break is taken (as _timed_route wants them) and the cost."""
    n, k = len(data.service), len(data.start_place)
    neighbours = np.argsort(data.cost[:n, :n] + data.cost[:n, :n].T, axis=1, kind="stable").astype(np.int64)
    places = data.cost.shape[0]
    nearest = np.sort(data.cost + np.diag(np.full(places, np.iinfo(np.int64).max // 4)), axis=1)
    leg = max(float(np.mean(nearest[:, :min(NEAREST_FOR_SCALE, places - 1)])) if places > 1 else 1.0, 1.0)
    depot_cost = data.cost[:n, data.start_place[0]].astype(np.int64)
    problem = (data.cost, data.duration, data.service, data.demand, data.penalty, data.window_count,
               data.window_start, data.window_end, data.allowed, data.start_place, data.end_place,
               data.shift_start, data.shift_end, data.capacity, data.max_visits, neighbours, depot_cost,
               data.break_count, data.break_start, data.break_end, data.break_duration, data.pin_order,
               np.array([data.fair_visits, data.balance_cost, NEAR_VISITS], dtype=np.int64))

    def fresh():
        # routes, lengths, earliest start, latest start, load, route cost, route of visit, position of visit,
        # ready after each stop and breaks taken by then (routes with breaks)
        return (np.zeros((k, n + 1), np.int64), np.zeros(k, np.int64), np.zeros((k, n + 1), np.int64),
                np.zeros((k, n + 1), np.int64), np.zeros(k, np.int64), np.zeros(k, np.int64),
                np.full(n, NONE, np.int64), np.zeros(n, np.int64), np.zeros((k, n + 1), np.int64),
                np.zeros((k, n + 1), np.int64))

    current, work, best = fresh(), fresh(), fresh()
    costs = np.array([int(data.penalty.sum())] * 2 + [0], dtype=np.int64)  # current, best, current as judged
    if initial is not None:
        for state in (current, work, best):
            for t, route in enumerate(initial):
                state[0][t, :len(route)] = route
                state[1][t] = len(route)
        costs[:2] = _start_from(problem, current, work, best)
    weight = data.penalty / data.penalty.min()

    def search_penalties(share: float) -> np.ndarray:
        if share >= STRICT_FROM:
            return data.penalty
        legs = SEARCH_PENALTY_LEGS[0] * (SEARCH_PENALTY_LEGS[1] / SEARCH_PENALTY_LEGS[0]) ** share
        softer = np.minimum(data.penalty, np.ceil(weight * legs * leg).astype(np.int64))
        return np.where(data.must_serve != 0, data.penalty, softer)  # never trade a must-serve visit
    _seed(seed)
    started = elapsed_clock_s()
    total = max(deadline - started, 1e-3)
    hot, cold = START_TEMPERATURE_LEGS * leg, END_TEMPERATURE_LEGS * leg
    reported = None
    chunk, iterations = 1, 0
    while True:
        now = elapsed_clock_s()
        # the first step always runs: from an empty start it builds the first plan (and a first call after
        # the code changed compiles it, which may take longer than a short time limit)
        if now + CHUNK_S / 2 >= deadline and iterations > 0:
            break
        share = (now - started) / total
        share_next = min(1.0, share + 0.002)
        t_from = hot * (cold / hot) ** share
        t_to = hot * (cold / hot) ** share_next
        search_penalty = search_penalties(share)
        left = current[6] == NONE
        costs[2] = costs[0] - int(data.penalty[left].sum()) + int(search_penalty[left].sum())
        _iterate(chunk, t_from, t_to, problem, current, work, best, costs, search_penalty)
        iterations += chunk
        took = elapsed_clock_s() - now
        # keep each chunk near CHUNK_S so the deadline is kept on big days too
        chunk = max(1, min(MAX_CHUNK_ITERATIONS, int(chunk * CHUNK_S / max(took, 1e-6))))
        if on_improve is not None and (reported is None or costs[1] < reported):
            reported = int(costs[1])
            on_improve(reported)
    global last_iterations
    last_iterations = iterations
    routes_array, lengths = best[0], best[1]
    routes = [[int(v) for v in routes_array[t, :lengths[t]]] for t in range(k)]
    gaps = []
    for t in range(k):
        out = np.zeros(max(int(data.break_count[t]), 1), np.int64)
        _break_gaps(t, problem, best, out)
        gaps.append([int(g) for g in out[:data.break_count[t]]] if lengths[t] else [])
    return routes, gaps, int(costs[1])


@njit(cache=True)
def _start_from(problem, current, work, best):
    """Take the routes filled in as the start (each must keep every rule); returns its cost."""
    penalty = problem[4]
    k = current[1].shape[0]
    total = 0
    for state in (current, work, best):
        state[6][:] = NONE
        total = 0
        for t in range(k):
            if not _refresh(t, problem, state):
                state[1][t] = 0  # a route the start got wrong is dropped, never kept broken
                _refresh(t, problem, state)
            total += state[5][t]
        for u in range(penalty.shape[0]):
            if state[6][u] == NONE:
                total += penalty[u]
    return total


@njit(cache=True)
def _seed(seed):
    np.random.seed(seed)


@njit(cache=True)
def _earliest(u, t, window_count, window_start, window_end):
    for w in range(window_count[u]):
        if t <= window_end[u, w]:
            return t if t > window_start[u, w] else window_start[u, w]
    return NONE


@njit(cache=True)
def _latest(u, t, window_count, window_start, window_end):
    for w in range(window_count[u] - 1, -1, -1):
        if t >= window_start[u, w]:
            return t if t < window_end[u, w] else window_end[u, w]
    return NONE


@njit(cache=True)
def _serve(t, v, place, ready, taken, problem):
    """Drive from `place` to visit v and serve it, taking breaks on the way as insertion.py does.

    Returns (service start, ready after it, breaks taken by then); start NONE when a rule breaks."""
    duration, service, window_count, window_start, window_end = problem[1], problem[2], problem[5], problem[6], problem[7]
    break_count, break_start, break_end, break_duration = problem[17], problem[18], problem[19], problem[20]
    leg = duration[place, v]
    start = _earliest(v, ready + leg, window_count, window_start, window_end)
    if start < 0:
        return NONE, ready, taken
    while taken < break_count[t]:
        a = break_start[t, taken]
        b = break_end[t, taken]
        d = break_duration[t, taken]
        take_now = max(start + service[v], a) + d > b  # after this visit would be too late
        pause_end = max(ready, a) + d
        fits_in_wait = pause_end <= start and ready + leg + d <= start
        if not (take_now or fits_in_wait):
            break
        if pause_end > b:
            return NONE, ready, taken
        taken += 1
        ready = pause_end  # the technician pauses first, then drives
        start = _earliest(v, ready + leg, window_count, window_start, window_end)
        if start < 0:
            return NONE, ready, taken
    return start, start + service[v], taken


@njit(cache=True)
def _finish(t, place, ready, taken, problem):
    """Take the breaks still due, drive to the end place; True if that is within the shift."""
    duration, end_place, shift_end = problem[1], problem[10], problem[12]
    break_count, break_start, break_end, break_duration = problem[17], problem[18], problem[19], problem[20]
    while taken < break_count[t]:
        ready = max(ready, break_start[t, taken]) + break_duration[t, taken]
        if ready > break_end[t, taken]:
            return False
        taken += 1
    return ready + duration[place, end_place[t]] <= shift_end[t]


@njit(cache=True)
def _balance_extra(length, problem):
    """The balance goal's cost of a route with `length` visits."""
    fair, cost = problem[22][0], problem[22][1]
    return cost * (length - fair) if length > fair else 0


@njit(cache=True)
def _refresh(t, problem, state):
    """Recompute one route's times, load, cost and positions; False if it broke a rule."""
    if problem[17][t] > 0:
        return _refresh_with_breaks(t, problem, state)
    (cost, duration, service, demand, penalty, window_count, window_start, window_end, allowed,
     start_place, end_place, shift_start, shift_end, capacity, max_visits, neighbours, depot_cost) = problem[:17]
    routes, lengths, earliest, latest, load, route_cost, where, position = state[:8]
    length = lengths[t]
    place = start_place[t]
    ready = shift_start[t]
    total_load = 0
    total_cost = 0
    ok = True
    for p in range(length):
        u = routes[t, p]
        arrival = ready + duration[place, u]
        s = _earliest(u, arrival, window_count, window_start, window_end)
        if s < 0:
            ok = False
            s = arrival
        earliest[t, p] = s
        ready = s + service[u]
        total_cost += cost[place, u]
        place = u
        total_load += demand[u]
        where[u] = t
        position[u] = p
    if length > 0:
        total_cost += cost[place, end_place[t]]
        if ready + duration[place, end_place[t]] > shift_end[t]:
            ok = False
    load[t] = total_load
    route_cost[t] = total_cost + _balance_extra(length, problem)
    after = end_place[t]
    bound = shift_end[t]
    for p in range(length - 1, -1, -1):
        u = routes[t, p]
        s = _latest(u, bound - duration[u, after] - service[u], window_count, window_start, window_end)
        if s < 0:
            ok = False
            s = bound - duration[u, after] - service[u]
        latest[t, p] = s
        bound = s
        after = u
    return ok


@njit(cache=True)
def _refresh_with_breaks(t, problem, state):
    """_refresh for a technician with breaks: replay the route, keeping what each stop leaves behind."""
    cost, demand, start_place, end_place, shift_start = problem[0], problem[3], problem[9], problem[10], problem[11]
    routes, lengths, earliest, load, route_cost, where, position, ready_after, taken_after = (
        state[0], state[1], state[2], state[4], state[5], state[6], state[7], state[8], state[9])
    length = lengths[t]
    place = start_place[t]
    ready = shift_start[t]
    taken = 0
    total_load = 0
    total_cost = 0
    ok = True
    for p in range(length):
        u = routes[t, p]
        start, ready, taken = _serve(t, u, place, ready, taken, problem)
        if start < 0:
            ok = False
            start = ready
        earliest[t, p] = start
        ready_after[t, p] = ready
        taken_after[t, p] = taken
        total_cost += cost[place, u]
        place = u
        total_load += demand[u]
        where[u] = t
        position[u] = p
    if length > 0:
        total_cost += cost[place, end_place[t]]
        ok = _finish(t, place, ready, taken, problem) and ok
    load[t] = total_load
    route_cost[t] = total_cost + _balance_extra(length, problem)
    # latest starts as if there were no breaks: breaks only delay, so these bound what any insertion may do
    duration, service, window_count, window_start, window_end = problem[1], problem[2], problem[5], problem[6], problem[7]
    latest = state[3]
    after = end_place[t]
    bound = problem[12][t]
    for p in range(length - 1, -1, -1):
        u = routes[t, p]
        s = _latest(u, bound - duration[u, after] - service[u], window_count, window_start, window_end)
        if s < 0:
            s = bound - duration[u, after] - service[u]
        latest[t, p] = s
        bound = s
        after = u
    return ok


@njit(cache=True)
def _fits_with_breaks(t, p, u, problem, state):
    """Whether route t with visit u put in at position p keeps every rule (replaying from p on)."""
    start_place, shift_start = problem[9], problem[11]
    routes, lengths, ready_after, taken_after = state[0], state[1], state[8], state[9]
    if p == 0:
        place = start_place[t]
        ready = shift_start[t]
        taken = 0
    else:
        place = routes[t, p - 1]
        ready = ready_after[t, p - 1]
        taken = taken_after[t, p - 1]
    start, ready, taken = _serve(t, u, place, ready, taken, problem)
    if start < 0:
        return False
    place = u
    for j in range(p, lengths[t]):
        v = routes[t, j]
        start, ready, taken = _serve(t, v, place, ready, taken, problem)
        if start < 0:
            return False
        place = v
    return _finish(t, place, ready, taken, problem)


@njit(cache=True)
def _break_gaps(t, problem, state, out):
    """Before which stop each break of route t is taken (the number of stops before it)."""
    start_place, shift_start = problem[9], problem[11]
    routes, lengths = state[0], state[1]
    place = start_place[t]
    ready = shift_start[t]
    taken = 0
    for p in range(lengths[t]):
        before = taken
        start, ready, taken = _serve(t, routes[t, p], place, ready, taken, problem)
        for b in range(before, taken):
            out[b] = p
        place = routes[t, p]
    for b in range(taken, problem[17][t]):
        out[b] = lengths[t]


@njit(cache=True)
def _copy_route(t, source, target):
    length = source[1][t]
    for p in range(length):
        target[0][t, p] = source[0][t, p]
        target[2][t, p] = source[2][t, p]
        target[3][t, p] = source[3][t, p]
        target[8][t, p] = source[8][t, p]
        target[9][t, p] = source[9][t, p]
    target[1][t] = length
    target[4][t] = source[4][t]
    target[5][t] = source[5][t]


@njit(cache=True)
def _copy_visits(source, target):
    target[6][:] = source[6]
    target[7][:] = source[7]


@njit(cache=True)
def _remove_positions(t, first, count, keep_from, keep_count, state, removed, n_removed):
    """Drop positions first..first+count-1 of route t, except keep_count of them from keep_from on."""
    routes, lengths = state[0], state[1]
    where = state[6]
    length = lengths[t]
    write = 0
    for p in range(length):
        u = routes[t, p]
        inside = first <= p < first + count
        kept = keep_from <= p < keep_from + keep_count
        if inside and not kept:
            removed[n_removed] = u
            n_removed += 1
            where[u] = NONE
        else:
            routes[t, write] = u
            write += 1
    lengths[t] = write
    return n_removed


@njit(cache=True)
def _ruin(problem, state, removed, touched):
    """Remove strings of stops around a random visit from a few routes near it (SISR's adjacent string removal)."""
    neighbours = problem[15]
    routes, lengths, where, position = state[0], state[1], state[6], state[7]
    n = where.shape[0]
    k = lengths.shape[0]
    n_removed = 0
    served = 0
    used = 0
    for t in range(k):
        if lengths[t] > 0:
            served += lengths[t]
            used += 1
    if served == 0:
        return 0
    mean_length = served / used
    if used > 1 and np.random.random() < ROUTE_RUIN_RATE:
        # now and then empty a whole route: string removals alone rarely free a technician (or vehicle)
        pick = np.random.randint(used)
        for t in range(k):
            if lengths[t] > 0:
                if pick == 0:
                    n_removed = _remove_positions(t, 0, lengths[t], 0, 0, state, removed, n_removed)
                    touched[t] = True
                    return n_removed
                pick -= 1
    string_max = min(MAX_STRING, mean_length)
    strings_max = 4.0 * MEAN_REMOVED / (1.0 + string_max) - 1.0
    strings = int(np.random.random() * strings_max) + 1
    seed = np.random.randint(n)
    # half the time around a visit left out, to make room for it; else around a served one
    if served == n or np.random.random() < 0.5:
        while where[seed] == NONE:
            seed = np.random.randint(n)
    else:
        while where[seed] != NONE:
            seed = np.random.randint(n)
    ruined = 0
    for i in range(n):
        if ruined >= strings:
            break
        c = neighbours[seed, i]
        t = where[c]
        if t == NONE or touched[t]:
            continue
        length = lengths[t]
        limit = min(float(length), string_max)
        size = int(np.random.random() * limit) + 1
        at = position[c]
        if size >= length or np.random.random() < 0.5:
            size = min(size, length)
            low = max(0, at - size + 1)
            high = min(at, length - size)
            first = low + np.random.randint(high - low + 1)
            n_removed = _remove_positions(t, first, size, 0, 0, state, removed, n_removed)
        else:
            keep = 1
            while size + keep < length and np.random.random() > SPLIT_DEPTH:
                keep += 1
            span = size + keep
            low = max(0, at - span + 1)
            high = min(at, length - span)
            first = low + np.random.randint(high - low + 1)
            keep_from = first + np.random.randint(size + 1)
            n_removed = _remove_positions(t, first, span, keep_from, keep, state, removed, n_removed)
        touched[t] = True
        ruined += 1
    return n_removed


@njit(cache=True)
def _insert_all(problem, state, removed, n_removed, touched, left_before):
    """Put back each removed visit at its cheapest feasible place (with blinks); returns the cost of leaving some out."""
    (cost, duration, service, demand, penalty, window_count, window_start, window_end, allowed,
     start_place, end_place, shift_start, shift_end, capacity, max_visits, neighbours, depot_cost) = problem[:17]
    break_count, pin_order = problem[17], problem[21]
    fair, balance_cost = problem[22][0], problem[22][1]
    routes, lengths, earliest, latest, load, route_cost, where, position = state[:8]
    k = lengths.shape[0]
    order = removed[:n_removed].copy()
    draw = np.random.random() * 13.0
    if draw < 4.0:
        np.random.shuffle(order)
    else:
        keys = np.empty(n_removed, np.float64)
        for i in range(n_removed):
            u = order[i]
            if draw >= 11.0:  # earliest deadline first: tight visits claim their places before flexible ones
                keys[i] = window_end[u, window_count[u] - 1] + np.random.random() * 0.5
            elif draw < 8.0:
                keys[i] = -demand[u] - np.random.random() * 0.5
            elif draw < 10.0:
                keys[i] = -depot_cost[u] - np.random.random() * 0.5
            else:
                keys[i] = depot_cost[u] + np.random.random() * 0.5
        order = order[np.argsort(keys)]
    left_out = 0
    n = where.shape[0]
    near = np.zeros(k, np.bool_)
    restrict = n >= NEAR_ROUTES_FROM
    for i in range(n_removed):
        u = order[i]
        best = np.iinfo(np.int64).max
        best_t = NONE
        best_p = NONE
        if restrict:  # on big days only routes through the visit's neighbourhood (or empty ones) are worth a look
            near[:] = False
            for j in range(min(n, problem[22][2])):
                t = where[neighbours[u, j]]
                if t != NONE:
                    near[t] = True
        for t in range(k):
            if restrict and not near[t] and lengths[t] > 0:
                continue
            if allowed[u, t] == 0 or load[t] + demand[u] > capacity[t] or lengths[t] + 1 > max_visits[t]:
                continue
            # a visit already left out did not fit the routes nobody changed since; try only the changed ones
            if left_before[u] and not touched[t]:
                continue
            length = lengths[t]
            extra = balance_cost if length >= fair else 0
            first, last = 0, length  # a visit with a pinned sequence goes between the pins before and after it
            key = pin_order[u]
            if key != NONE:
                for q in range(length):
                    other = pin_order[routes[t, q]]
                    if other == NONE:
                        continue
                    if other < key:
                        first = q + 1
                    elif q < last:
                        last = q
                        break
            with_breaks = break_count[t] > 0
            for p in range(first, last + 1):
                if np.random.random() < BLINK_RATE:
                    continue
                if p == 0:
                    before = start_place[t]
                    ready = shift_start[t]
                else:
                    before = routes[t, p - 1]
                    ready = earliest[t, p - 1] + service[before]
                if p == length:
                    after = end_place[t]
                    bound = shift_end[t]
                else:
                    after = routes[t, p]
                    bound = latest[t, p]
                delta = cost[before, u] + cost[u, after] - cost[before, after] + extra
                if delta >= best:
                    continue
                s = _earliest(u, ready + duration[before, u], window_count, window_start, window_end)
                if s < 0 or s + service[u] + duration[u, after] > bound:
                    continue
                if with_breaks and not _fits_with_breaks(t, p, u, problem, state):
                    continue
                best = delta
                best_t = t
                best_p = p
        if best_t == NONE:
            left_out += penalty[u]
            continue
        t = best_t
        for p in range(lengths[t], best_p, -1):
            routes[t, p] = routes[t, p - 1]
        routes[t, best_p] = u
        lengths[t] += 1
        _refresh(t, problem, state)
        touched[t] = True
    return left_out


@njit(cache=True)
def _iterate(iterations, t_from, t_to, problem, current, work, best, costs, search_penalty):
    """Run `iterations` ruin-and-recreate steps, cooling from t_from to t_to; costs = [current, best, judged]."""
    penalty = problem[4]
    n = penalty.shape[0]
    k = current[1].shape[0]
    removed = np.empty(n, np.int64)
    touched = np.zeros(k, np.bool_)
    left_before = np.zeros(n, np.bool_)
    for it in range(iterations):
        temperature = t_from * (t_to / t_from) ** (it / iterations)
        touched[:] = False
        n_removed = _ruin(problem, work, removed, touched)
        ok = True
        for t in range(k):
            if touched[t]:
                ok = _refresh(t, problem, work) and ok
        # visits left out of the current plan get another chance each time
        left_before[:] = False
        for u in range(n):
            if work[6][u] == NONE:
                left_before[u] = True
        for j in range(n_removed):
            left_before[removed[j]] = False
        ruined = n_removed
        for u in range(n):
            if left_before[u]:
                removed[n_removed] = u
                n_removed += 1
        if ruined == 0:
            left_before[:] = False  # nothing ruined (the first step): try every visit everywhere
        left_out = _insert_all(problem, work, removed, n_removed, touched, left_before) if ok else 0
        new_cost = left_out
        for t in range(k):
            new_cost += work[5][t]
        # the annealing weighs a left-out visit at its softer search penalty, so it may trade one for a
        # better shape of the routes; the best plan is still judged by the true penalty
        judged = new_cost - left_out
        for u in range(n):
            if work[6][u] == NONE:
                judged += search_penalty[u]
        # a new best plan (by the true cost) is always taken
        accept = ok and (new_cost < costs[1] or judged < costs[2] - temperature * math.log(np.random.random() + 1e-300))
        if accept:
            for t in range(k):
                if touched[t]:
                    _copy_route(t, work, current)
            _copy_visits(work, current)
            costs[0] = new_cost
            costs[2] = judged
            if new_cost < costs[1]:
                costs[1] = new_cost
                for t in range(k):
                    _copy_route(t, work, best)
                _copy_visits(work, best)
        else:
            for t in range(k):
                if touched[t]:
                    _copy_route(t, current, work)
            _copy_visits(current, work)


def warm_up() -> None:
    """Compile (or load from numba's cache) every function on a tiny day, so a real solve starts at once."""
    size = 3
    cost = np.array([[0, 5, 5, 1], [5, 0, 5, 5], [5, 5, 0, 5], [1, 5, 5, 0]], dtype=np.int64)
    one = np.ones(size, dtype=np.int64)
    for breaks in (0, 1):
        data = SearchData(
            cost=cost, duration=cost.copy(), service=one, demand=one, penalty=100 * one,
            window_count=one, window_start=np.zeros((size, 1), np.int64), window_end=np.full((size, 1), 100, np.int64),
            allowed=np.ones((size, 2), np.int64), start_place=np.array([3, 3]), end_place=np.array([3, 3]),
            shift_start=np.zeros(2, np.int64), shift_end=np.full(2, 200, np.int64), capacity=np.full(2, 9, np.int64),
            max_visits=np.full(2, 9, np.int64), break_count=np.full(2, breaks, np.int64),
            break_start=np.zeros((2, 1), np.int64), break_end=np.full((2, 1), 50, np.int64),
            break_duration=np.full((2, 1), 5, np.int64), must_serve=np.zeros(size, np.int64),
            pin_order=np.full(size, NONE, np.int64), fair_visits=size + 1, balance_cost=0,
        )
        improve(data, deadline=elapsed_clock_s(), initial=[[0], [1]] if breaks else None)


_warming = False


def is_compiled() -> bool:
    """Whether numba's cache holds this code compiled; the first compile takes 10-30 s of CPU."""
    try:
        return all(f._cache._cache_file._load_index() for f in (_iterate, _start_from, _break_gaps, _seed))
    except Exception:  # numba's cache layout is private; when in doubt assume it is there
        return True


def start_warm_up() -> None:
    """Compile in a background process (once per process), so later solves can use this search."""
    global _warming
    if _warming:
        return
    _warming = True
    root = Path(__file__).resolve().parents[2]
    subprocess.Popen([sys.executable, "-m", "scheduling.core.search"], cwd=root, stdin=subprocess.DEVNULL,
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


if __name__ == "__main__":
    warm_up()
