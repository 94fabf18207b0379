"""The route arrays of driver.py: timing, feasibility and cost of one route, compiled with numba.

A state is a tuple of arrays (see search.fresh_state): routes, lengths, earliest start, latest start, load,
route cost, route of each visit, position of each visit, and for routes with breaks what the technician
has done by each stop (ready time, breaks taken). `problem` is the tuple search.improve builds from SearchData.
Breaks are placed the way insertion.py places them (in a wait that leaves room, or before a stop when after
it would be too late; the technician pauses, then drives), so on routes with breaks an insertion is checked
by replaying the rest of the route (routes of a day are short).
"""

from __future__ import annotations

import numpy as np
from numba import njit

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
        problem[1],
        problem[2],
        problem[5],
        problem[6],
        problem[7],
    )
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


@njit(cache=True, inline="always")
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


@njit(cache=True, inline="always")
def _balance_extra(length, problem):
    """The balance goal's cost of a route with `length` visits."""
    fair, cost = problem[22][0], problem[22][1]
    return cost * (length - fair) if length > fair else 0


@njit(cache=True)
def _refresh(t, problem, state):
    """Recompute one route's times, load, cost and positions; False if it broke a rule."""
    ok = _replay_with_breaks(t, problem, state) if problem[17][t] > 0 else _replay(t, problem, state)
    _latest_starts(t, problem, state)
    return ok


@njit(cache=True, inline="always")
def _replay(t, problem, state):
    """The forward pass of a route without breaks: earliest starts, load, cost and positions."""
    cost, duration, service, demand = problem[0], problem[1], problem[2], problem[3]
    window_count, window_start, window_end = problem[5], problem[6], problem[7]
    start_place, end_place, shift_start, shift_end = problem[9], problem[10], problem[11], problem[12]
    routes, lengths, earliest, load, route_cost, where, position = (
        state[0],
        state[1],
        state[2],
        state[4],
        state[5],
        state[6],
        state[7],
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
    cost, demand, start_place, end_place, shift_start = problem[0], problem[3], problem[9], problem[10], problem[11]
    routes, lengths, earliest, load, route_cost, where, position, ready_after, taken_after = (
        state[0],
        state[1],
        state[2],
        state[4],
        state[5],
        state[6],
        state[7],
        state[8],
        state[9],
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
        problem[1],
        problem[2],
        problem[5],
        problem[6],
        problem[7],
    )
    routes, lengths, latest = state[0], state[1], state[3]
    after = problem[10][t]
    bound = problem[12][t]
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


@njit(cache=True, inline="always")
def _pin_range(u, t, problem, state):
    """The positions of route t where u may go without breaking the order of pinned visits."""
    pin_order, routes, length = problem[21], state[0], state[1][t]
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

    Returns (added cost, position), or (bound, NONE); each position is skipped with chance `blink_rate`."""
    cost, duration, service, demand = problem[0], problem[1], problem[2], problem[3]
    window_count, window_start, window_end, allowed = problem[5], problem[6], problem[7], problem[8]
    start_place, end_place, shift_start, shift_end = problem[9], problem[10], problem[11], problem[12]
    capacity, max_visits, break_count = problem[13], problem[14], problem[17]
    fair, balance_cost = problem[22][0], problem[22][1]
    routes, lengths, earliest, latest, load = state[0], state[1], state[2], state[3], state[4]
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
    routes, lengths = state[0], state[1]
    for q in range(lengths[t], p, -1):
        routes[t, q] = routes[t, q - 1]
    routes[t, p] = u
    lengths[t] += 1
    _refresh(t, problem, state)


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
