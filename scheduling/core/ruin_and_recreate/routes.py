"""The route arrays of driver.py: timing, feasibility and cost of one route, compiled with numba.

A state is a tuple of arrays (driver.fresh_state) and `problem` the tuple driver.improve builds from
SearchData; layout.py names the places in both (state[ROUTES], problem[SHIFT_END], ...).
Breaks are placed the way insertion.py places them (in a wait that leaves room, or before a stop when after
it would be too late; the technician pauses, then drives), so on routes with breaks an insertion is checked
by replaying the rest of the route (routes of a day are short).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from scheduling.core.ruin_and_recreate.layout import (
    ALLOWED,
    BALANCE_COST,
    BREAK_COUNT,
    BREAK_DURATION,
    BREAK_END,
    BREAK_START,
    CAPACITY,
    COST,
    DEMAND,
    DURATION,
    EARLIEST,
    END_PLACE,
    FAIR_VISITS,
    LATEST,
    LENGTHS,
    LOAD,
    MAX_VISITS,
    PENALTY,
    PIN_ORDER,
    POSITION,
    READY_AFTER,
    ROUTE_COST,
    ROUTE_OF,
    ROUTES,
    SERVICE,
    SETTINGS,
    SHIFT_END,
    SHIFT_START,
    START_PLACE,
    TAKEN_AFTER,
    WINDOW_COUNT,
    WINDOW_END,
    WINDOW_START,
)

NONE = -1


@njit(cache=True, inline="always")
def _earliest(u, t, window_count, window_start, window_end):
    for w in range(window_count[u]):
        if t <= window_end[u, w]:
            return t if t > window_start[u, w] else window_start[u, w]
    return NONE


@njit(cache=True, inline="always")
def _latest(u, t, window_count, window_start, window_end):
    for w in range(window_count[u] - 1, -1, -1):
        if t >= window_start[u, w]:
            return t if t < window_end[u, w] else window_end[u, w]
    return NONE


@njit(cache=True, inline="always")
def _serve(t, v, place, ready, taken, problem):
    """Drive from `place` to visit v and serve it, taking breaks on the way as insertion.py does.

    Returns (service start, ready after it, breaks taken by then); start NONE when a rule breaks."""
    duration, service, window_count, window_start, window_end = (
        problem[DURATION],
        problem[SERVICE],
        problem[WINDOW_COUNT],
        problem[WINDOW_START],
        problem[WINDOW_END],
    )
    break_count, break_start, break_end, break_duration = (
        problem[BREAK_COUNT],
        problem[BREAK_START],
        problem[BREAK_END],
        problem[BREAK_DURATION],
    )
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


@njit(cache=True, inline="always")
def _finish(t, place, ready, taken, problem):
    """Take the breaks still due, drive to the end place; True if that is within the shift."""
    duration, end_place, shift_end = problem[DURATION], problem[END_PLACE], problem[SHIFT_END]
    break_count, break_start, break_end, break_duration = (
        problem[BREAK_COUNT],
        problem[BREAK_START],
        problem[BREAK_END],
        problem[BREAK_DURATION],
    )
    while taken < break_count[t]:
        ready = max(ready, break_start[t, taken]) + break_duration[t, taken]
        if ready > break_end[t, taken]:
            return False
        taken += 1
    return ready + duration[place, end_place[t]] <= shift_end[t]


@njit(cache=True, inline="always")
def _balance_extra(length, problem):
    """The balance goal's cost of a route with `length` visits."""
    fair, cost = problem[SETTINGS][FAIR_VISITS], problem[SETTINGS][BALANCE_COST]
    return cost * (length - fair) if length > fair else 0


@njit(cache=True)
def _refresh(t, problem, state):
    """Recompute one route's times, load, cost and positions; False if it broke a rule."""
    ok = _replay_with_breaks(t, problem, state) if problem[BREAK_COUNT][t] > 0 else _replay(t, problem, state)
    _latest_starts(t, problem, state)
    return ok


@njit(cache=True, inline="always")
def _replay(t, problem, state):
    """The forward pass of a route without breaks: earliest starts, load, cost and positions.

    _replay_with_breaks gives the same starts on such a route (_serve's break loop never runs), but one pass
    for both ran slower: on Solomon R208 (no breaks), 20,000 iterations, runs taken in turn, about 2,500
    against 3,500 iterations/s (the same final cost, so the same moves); so this copy stays,
    and test_timing_agreement.py holds both to the plain-Python rule (timing.py)."""
    cost, duration, service, demand = problem[COST], problem[DURATION], problem[SERVICE], problem[DEMAND]
    window_count, window_start, window_end = problem[WINDOW_COUNT], problem[WINDOW_START], problem[WINDOW_END]
    start_place, end_place, shift_start, shift_end = (
        problem[START_PLACE],
        problem[END_PLACE],
        problem[SHIFT_START],
        problem[SHIFT_END],
    )
    routes, lengths, earliest, load, route_cost, where, position = (
        state[ROUTES],
        state[LENGTHS],
        state[EARLIEST],
        state[LOAD],
        state[ROUTE_COST],
        state[ROUTE_OF],
        state[POSITION],
    )
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
    return ok


@njit(cache=True, inline="always")
def _replay_with_breaks(t, problem, state):
    """_replay for a technician with breaks, keeping what the technician has done by each stop."""
    cost, demand, start_place, end_place, shift_start = (
        problem[COST],
        problem[DEMAND],
        problem[START_PLACE],
        problem[END_PLACE],
        problem[SHIFT_START],
    )
    routes, lengths, earliest, load, route_cost, where, position, ready_after, taken_after = (
        state[ROUTES],
        state[LENGTHS],
        state[EARLIEST],
        state[LOAD],
        state[ROUTE_COST],
        state[ROUTE_OF],
        state[POSITION],
        state[READY_AFTER],
        state[TAKEN_AFTER],
    )
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
    return ok


@njit(cache=True, inline="always")
def _latest_starts(t, problem, state):
    """The latest service start of each stop that keeps the later stops' windows and the shift end.

    Breaks are left out: they only delay, so on routes with breaks these bound what an insertion may do
    and the replay (_fits_with_breaks) has the last word. A route that broke a rule gets bounds anyway."""
    duration, service, window_count, window_start, window_end = (
        problem[DURATION],
        problem[SERVICE],
        problem[WINDOW_COUNT],
        problem[WINDOW_START],
        problem[WINDOW_END],
    )
    routes, lengths, latest = state[ROUTES], state[LENGTHS], state[LATEST]
    after = problem[END_PLACE][t]
    bound = problem[SHIFT_END][t]
    for p in range(lengths[t] - 1, -1, -1):
        u = routes[t, p]
        s = _latest(u, bound - duration[u, after] - service[u], window_count, window_start, window_end)
        if s < 0:
            s = bound - duration[u, after] - service[u]
        latest[t, p] = s
        bound = s
        after = u


@njit(cache=True, inline="always")
def _fits_with_breaks(t, p, u, problem, state):
    """Whether route t with visit u put in at position p keeps every rule (replaying from p on)."""
    start_place, shift_start = problem[START_PLACE], problem[SHIFT_START]
    routes, lengths, ready_after, taken_after = state[ROUTES], state[LENGTHS], state[READY_AFTER], state[TAKEN_AFTER]
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


@njit(cache=True, inline="always")
def _pin_range(u, t, problem, state):
    """The positions of route t where u may go without breaking the order of pinned visits."""
    pin_order, routes, length = problem[PIN_ORDER], state[ROUTES], state[LENGTHS][t]
    first, last = 0, length
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
    return first, last


@njit(cache=True)
def _cheapest_place(u, t, problem, state, bound, blink_rate):
    """The cheapest position of visit u in route t that keeps every rule and adds less than `bound`.

    Returns (added cost, position), or (bound, NONE); each position is skipped with chance `blink_rate`.
    moves._insert_all writes this loop out again, for speed (its docstring has the figures)."""
    cost, duration, service, demand = problem[COST], problem[DURATION], problem[SERVICE], problem[DEMAND]
    window_count, window_start, window_end, allowed = (
        problem[WINDOW_COUNT],
        problem[WINDOW_START],
        problem[WINDOW_END],
        problem[ALLOWED],
    )
    start_place, end_place, shift_start, shift_end = (
        problem[START_PLACE],
        problem[END_PLACE],
        problem[SHIFT_START],
        problem[SHIFT_END],
    )
    capacity, max_visits, break_count = problem[CAPACITY], problem[MAX_VISITS], problem[BREAK_COUNT]
    fair, balance_cost = problem[SETTINGS][FAIR_VISITS], problem[SETTINGS][BALANCE_COST]
    routes, lengths, earliest, latest, load = state[ROUTES], state[LENGTHS], state[EARLIEST], state[LATEST], state[LOAD]
    best_p = NONE
    length = lengths[t]
    if allowed[u, t] == 0 or load[t] + demand[u] > capacity[t] or length + 1 > max_visits[t]:
        return bound, best_p
    extra = balance_cost if length >= fair else 0
    first, last = _pin_range(u, t, problem, state)
    with_breaks = break_count[t] > 0
    for p in range(first, last + 1):
        if blink_rate > 0.0 and np.random.random() < blink_rate:
            continue
        if p == 0:
            before = start_place[t]
            ready = shift_start[t]
        else:
            before = routes[t, p - 1]
            ready = earliest[t, p - 1] + service[before]
        if p == length:
            after = end_place[t]
            latest_end = shift_end[t]
        else:
            after = routes[t, p]
            latest_end = latest[t, p]
        delta = cost[before, u] + cost[u, after] - cost[before, after] + extra
        if delta >= bound:
            continue
        s = _earliest(u, ready + duration[before, u], window_count, window_start, window_end)
        if s < 0 or s + service[u] + duration[u, after] > latest_end:
            continue
        if with_breaks and not _fits_with_breaks(t, p, u, problem, state):
            continue
        bound = delta
        best_p = p
    return bound, best_p


@njit(cache=True)
def _insert_at(u, t, p, problem, state):
    routes, lengths = state[ROUTES], state[LENGTHS]
    for q in range(lengths[t], p, -1):
        routes[t, q] = routes[t, q - 1]
    routes[t, p] = u
    lengths[t] += 1
    _refresh(t, problem, state)


@njit(cache=True)
def _break_gaps(t, problem, state, out):
    """Before which stop each break of route t is taken (the number of stops before it)."""
    start_place, shift_start = problem[START_PLACE], problem[SHIFT_START]
    routes, lengths = state[ROUTES], state[LENGTHS]
    place = start_place[t]
    ready = shift_start[t]
    taken = 0
    for p in range(lengths[t]):
        before = taken
        start, ready, taken = _serve(t, routes[t, p], place, ready, taken, problem)
        for b in range(before, taken):
            out[b] = p
        place = routes[t, p]
    for b in range(taken, problem[BREAK_COUNT][t]):
        out[b] = lengths[t]


@njit(cache=True)
def _copy_route(t, source, target):
    length = source[LENGTHS][t]
    for p in range(length):
        target[ROUTES][t, p] = source[ROUTES][t, p]
        target[EARLIEST][t, p] = source[EARLIEST][t, p]
        target[LATEST][t, p] = source[LATEST][t, p]
        target[READY_AFTER][t, p] = source[READY_AFTER][t, p]
        target[TAKEN_AFTER][t, p] = source[TAKEN_AFTER][t, p]
    target[LENGTHS][t] = length
    target[LOAD][t] = source[LOAD][t]
    target[ROUTE_COST][t] = source[ROUTE_COST][t]


@njit(cache=True)
def _copy_visits(source, target):
    target[ROUTE_OF][:] = source[ROUTE_OF]
    target[POSITION][:] = source[POSITION]


@njit(cache=True)
def _remove_positions(t, first, count, keep_from, keep_count, state, removed, n_removed):
    """Drop positions first..first+count-1 of route t, except keep_count of them from keep_from on."""
    routes, lengths = state[ROUTES], state[LENGTHS]
    where = state[ROUTE_OF]
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
def _start_from(problem, current, work, best):
    """Take the routes filled in as the start (each must keep every rule); returns its cost."""
    penalty = problem[PENALTY]
    k = current[LENGTHS].shape[0]
    total = 0
    for state in (current, work, best):
        state[ROUTE_OF][:] = NONE
        total = 0
        for t in range(k):
            if not _refresh(t, problem, state):
                state[LENGTHS][t] = 0  # a route the start got wrong is dropped, never kept broken
                _refresh(t, problem, state)
            total += state[ROUTE_COST][t]
        for u in range(penalty.shape[0]):
            if state[ROUTE_OF][u] == NONE:
                total += penalty[u]
    return total
