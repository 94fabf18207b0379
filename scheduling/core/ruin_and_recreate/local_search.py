"""Route-based local search for driver.py's plans, compiled with numba: relocate, swap, 2-opt* and Or-opt.

Ruin and recreate moves a few visits at a time; on days with long routes (few technicians, wide windows) a
better plan is often two routes exchanging their tails (2-opt*, Potvin and Rousseau 1995), one visit
trading places with a neighbour in another route, or a string of two or three stops moving next to a
neighbour (Or-opt, in its route or another), which one ruin step rarely finds. A new best plan of
the annealing is polished with these moves before it is kept (at most once a chunk, moves.py, and only from
the routes that step changed).

Moves are tried between each visit and its nearest visits only (granular neighbourhoods, Toth and Vigo
2003), first improvement. A move's travel change is first estimated from the legs it cuts and adds; only a
move that looks better is checked in full: the candidate routes are replayed with routes._serve (every
rule: windows, breaks, shift, skills and pins as allowed technicians, pinned order, capacity, max visits),
and their exact cost decides. Before that, a move whose joins cannot keep the times the routes already
need is passed over in O(1) from each stop's earliest and latest service start (state[EARLIEST],
state[LATEST]; breaks only delay, so these bounds are optimistic and the replay still has the last word):
most moves that shorten a route break a window, and replaying each one made polishing Solomon RC208's
construction plan take 0.31-0.40 s against 0.08 s with the check first (one pass over a polished GH400
R2_4_1 plan: 0.18 s against 0.15 s).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from scheduling.core.ruin_and_recreate.layout import (
    ALLOWED,
    CAPACITY,
    COST,
    DEMAND,
    DURATION,
    EARLIEST,
    END_PLACE,
    LATEST,
    LENGTHS,
    LOAD,
    MAX_VISITS,
    NEIGHBOURS,
    PIN_ORDER,
    POSITION,
    ROUTE_COST,
    ROUTE_OF,
    ROUTES,
    SERVICE,
    SHIFT_END,
    SHIFT_START,
    START_PLACE,
    WINDOW_COUNT,
    WINDOW_END,
    WINDOW_START,
)
from scheduling.core.ruin_and_recreate.routes import NONE, _balance_extra, _earliest, _finish, _refresh, _serve

# Each visit is paired with this many of its nearest visits (PyVRP's granular default is 40; 20 keeps a pass
# short, as it runs inside the annealing).
NEIGHBOURS_TRIED = 20
# Passes over all visits at most; a pass that improves nothing ends the search earlier.
MAX_PASSES = 10
INFEASIBLE = np.iinfo(np.int64).max


@njit(cache=True)
def _route_cost(t, seq, length, problem):
    """The exact cost of visits seq[:length] as route t (travel and balance goal), or INFEASIBLE if a rule breaks."""
    if length == 0:
        return 0
    cost, demand, allowed, pin_order = problem[COST], problem[DEMAND], problem[ALLOWED], problem[PIN_ORDER]
    if length > problem[MAX_VISITS][t]:
        return INFEASIBLE
    place = problem[START_PLACE][t]
    ready = problem[SHIFT_START][t]
    taken = 0
    load = 0
    total = 0
    last_pin = NONE
    for p in range(length):
        u = seq[p]
        if allowed[u, t] == 0:
            return INFEASIBLE
        key = pin_order[u]
        if key != NONE:
            if key < last_pin:
                return INFEASIBLE
            last_pin = key
        load += demand[u]
        start, ready, taken = _serve(t, u, place, ready, taken, problem)
        if start < 0:
            return INFEASIBLE
        total += cost[place, u]
        place = u
    if load > problem[CAPACITY][t] or not _finish(t, place, ready, taken, problem):
        return INFEASIBLE
    return total + cost[place, problem[END_PLACE][t]] + _balance_extra(length, problem)


@njit(cache=True, inline="always")
def _ready_after(t, p, problem, state):
    """(place, time) the technician of route t leaves stop p at, earliest; p = -1 is the start."""
    if p < 0:
        return problem[START_PLACE][t], problem[SHIFT_START][t]
    u = state[ROUTES][t, p]
    return u, state[EARLIEST][t, p] + problem[SERVICE][u]


@njit(cache=True, inline="always")
def _reaches(place, ready, t, p, problem, state):
    """Whether leaving `place` at `ready` keeps stop p of route t and the rest of it (p = length: the end place)."""
    if p == state[LENGTHS][t]:
        return ready + problem[DURATION][place, problem[END_PLACE][t]] <= problem[SHIFT_END][t]
    v = state[ROUTES][t, p]
    start = _earliest(
        v, ready + problem[DURATION][place, v], problem[WINDOW_COUNT], problem[WINDOW_START], problem[WINDOW_END]
    )
    return start >= 0 and start <= state[LATEST][t, p]


@njit(cache=True, inline="always")
def _goes_between(u, t, before, after, problem, state):
    """Whether u can be served between stops `before` and `after` of route t (-1: the start; length: the end)
    as far as the times of the stops around it tell."""
    place, ready = _ready_after(t, before, problem, state)
    start = _earliest(
        u, ready + problem[DURATION][place, u], problem[WINDOW_COUNT], problem[WINDOW_START], problem[WINDOW_END]
    )
    return start >= 0 and _reaches(u, start + problem[SERVICE][u], t, after, problem, state)


@njit(cache=True, inline="always")
def _place_before(t, p, routes, start_place):
    return start_place[t] if p == 0 else routes[t, p - 1]


@njit(cache=True, inline="always")
def _place_after(t, p, routes, lengths, end_place):
    return end_place[t] if p == lengths[t] - 1 else routes[t, p + 1]


@njit(cache=True)
def _take(t1, seq1, len1, t2, seq2, len2, problem, state):
    """Write the candidate routes into the state if they keep every rule and cost less; True if they did."""
    route_cost = state[ROUTE_COST]
    old = route_cost[t1] + (route_cost[t2] if t2 != t1 else 0)
    new1 = _route_cost(t1, seq1, len1, problem)
    if new1 == INFEASIBLE or new1 >= old:
        return False
    new = new1
    if t2 != t1:
        new2 = _route_cost(t2, seq2, len2, problem)
        if new2 == INFEASIBLE or new1 + new2 >= old:
            return False
        new = new1 + new2
    if new >= old:
        return False
    routes, lengths = state[ROUTES], state[LENGTHS]
    routes[t1, :len1] = seq1[:len1]
    lengths[t1] = len1
    _refresh(t1, problem, state)
    if t2 != t1:
        routes[t2, :len2] = seq2[:len2]
        lengths[t2] = len2
        _refresh(t2, problem, state)
    return True


@njit(cache=True)
def _moved_run(routes, lengths, t1, i, size, t2, at, seq1, seq2):
    """The routes after moving t1's `size` stops from position i to before position `at` of t2 (as it stands):
    t1's new stops in seq1 and, when t2 is another route, t2's in seq2; their lengths (0 for seq2 then)."""
    n1 = 0
    n2 = 0
    for p in range(lengths[t1] + 1):
        if t1 == t2 and p == at:
            for q in range(i, i + size):
                seq1[n1] = routes[t1, q]
                n1 += 1
        if p < lengths[t1] and (p < i or p >= i + size):
            seq1[n1] = routes[t1, p]
            n1 += 1
    if t1 != t2:
        for p in range(lengths[t2] + 1):
            if p == at:
                for q in range(i, i + size):
                    seq2[n2] = routes[t1, q]
                    n2 += 1
            if p < lengths[t2]:
                seq2[n2] = routes[t2, p]
                n2 += 1
    return n1, n2


@njit(cache=True)
def _relocate(u, v, after, problem, state, seq1, seq2):
    """Move u next to v (after it, or before it), within v's route or from another one."""
    cost, start_place, end_place = problem[COST], problem[START_PLACE], problem[END_PLACE]
    routes, lengths, where, position = state[ROUTES], state[LENGTHS], state[ROUTE_OF], state[POSITION]
    t1, i, t2, j = where[u], position[u], where[v], position[v]
    if problem[ALLOWED][u, t2] == 0:
        return False
    at = j + 1 if after else j  # u goes before this position of t2 as it stands
    if t1 == t2 and (at == i or at == i + 1):
        return False  # u is there already
    prev_u, next_u = _place_before(t1, i, routes, start_place), _place_after(t1, i, routes, lengths, end_place)
    before = _place_before(t2, at, routes, start_place)
    following = end_place[t2] if at == lengths[t2] else routes[t2, at]
    gain = cost[prev_u, u] + cost[u, next_u] - cost[prev_u, next_u]
    added = cost[before, u] + cost[u, following] - cost[before, following]
    if t1 != t2:
        added += _balance_extra(lengths[t2] + 1, problem) - _balance_extra(lengths[t2], problem)
        gain += _balance_extra(lengths[t1], problem) - _balance_extra(lengths[t1] - 1, problem)
    if added >= gain:
        return False
    if t1 != t2 and (
        state[LOAD][t2] + problem[DEMAND][u] > problem[CAPACITY][t2]
        or not _goes_between(u, t2, at - 1, at, problem, state)
    ):
        return False
    n1, n2 = _moved_run(routes, lengths, t1, i, 1, t2, at, seq1, seq2)
    return _take(t1, seq1, n1, t2, seq2, n2, problem, state)


@njit(cache=True)
def _move_string(u, size, v, problem, state, seq1, seq2):
    """Or-opt: move the string of `size` stops starting at u to just after v (within v's route or from another)."""
    cost, start_place, end_place = problem[COST], problem[START_PLACE], problem[END_PLACE]
    routes, lengths, where, position = state[ROUTES], state[LENGTHS], state[ROUTE_OF], state[POSITION]
    t1, i, t2, j = where[u], position[u], where[v], position[v]
    if i + size > lengths[t1]:
        return False
    if t1 == t2 and j >= i - 1 and j < i + size:
        return False  # v inside the string, or the string already follows v
    last = routes[t1, i + size - 1]
    prev_u = _place_before(t1, i, routes, start_place)
    next_s = _place_after(t1, i + size - 1, routes, lengths, end_place)
    following = _place_after(t2, j, routes, lengths, end_place)
    gain = cost[prev_u, u] + cost[last, next_s] - cost[prev_u, next_s]
    added = cost[v, u] + cost[last, following] - cost[v, following]
    if t1 != t2:
        added += _balance_extra(lengths[t2] + size, problem) - _balance_extra(lengths[t2], problem)
        gain += _balance_extra(lengths[t1], problem) - _balance_extra(lengths[t1] - size, problem)
    if added >= gain:
        return False
    if t1 != t2:
        load = 0
        for q in range(i, i + size):
            w = routes[t1, q]
            if problem[ALLOWED][w, t2] == 0:
                return False
            load += problem[DEMAND][w]
        if state[LOAD][t2] + load > problem[CAPACITY][t2]:
            return False
        # the string's times from v on, and whether the rest of v's route keeps its own
        place, ready = _ready_after(t2, j, problem, state)
        for q in range(i, i + size):
            w = routes[t1, q]
            start = _earliest(
                w,
                ready + problem[DURATION][place, w],
                problem[WINDOW_COUNT],
                problem[WINDOW_START],
                problem[WINDOW_END],
            )
            if start < 0:
                return False
            place, ready = w, start + problem[SERVICE][w]
        if not _reaches(place, ready, t2, j + 1, problem, state):
            return False
    n1, n2 = _moved_run(routes, lengths, t1, i, size, t2, j + 1, seq1, seq2)
    return _take(t1, seq1, n1, t2, seq2, n2, problem, state)


@njit(cache=True)
def _swap(u, v, problem, state, seq1, seq2):
    """Exchange u and v between their (different) routes."""
    cost, start_place, end_place, allowed = problem[COST], problem[START_PLACE], problem[END_PLACE], problem[ALLOWED]
    routes, lengths, where, position = state[ROUTES], state[LENGTHS], state[ROUTE_OF], state[POSITION]
    t1, i, t2, j = where[u], position[u], where[v], position[v]
    if t1 == t2 or allowed[u, t2] == 0 or allowed[v, t1] == 0:
        return False
    a1, b1 = _place_before(t1, i, routes, start_place), _place_after(t1, i, routes, lengths, end_place)
    a2, b2 = _place_before(t2, j, routes, start_place), _place_after(t2, j, routes, lengths, end_place)
    delta = cost[a1, v] + cost[v, b1] - cost[a1, u] - cost[u, b1]
    delta += cost[a2, u] + cost[u, b2] - cost[a2, v] - cost[v, b2]
    if delta >= 0:
        return False
    if not _goes_between(v, t1, i - 1, i + 1, problem, state) or not _goes_between(u, t2, j - 1, j + 1, problem, state):
        return False
    seq1[: lengths[t1]] = routes[t1, : lengths[t1]]
    seq2[: lengths[t2]] = routes[t2, : lengths[t2]]
    seq1[i], seq2[j] = v, u
    return _take(t1, seq1, lengths[t1], t2, seq2, lengths[t2], problem, state)


@njit(cache=True)
def _two_opt_star(u, v, problem, state, seq1, seq2):
    """Route of u up to u, then v and the rest of v's route; v's route up to before v, then what followed u."""
    cost, start_place, end_place = problem[COST], problem[START_PLACE], problem[END_PLACE]
    routes, lengths, where, position = state[ROUTES], state[LENGTHS], state[ROUTE_OF], state[POSITION]
    t1, i, t2, j = where[u], position[u], where[v], position[v]
    if t1 == t2:
        return False
    next_u = _place_after(t1, i, routes, lengths, end_place)
    prev_v = _place_before(t2, j, routes, start_place)
    # estimated with the end places as they are (they are the same for a fleet at one depot)
    delta = cost[u, v] + cost[prev_v, next_u] - cost[u, next_u] - cost[prev_v, v]
    if delta >= 0:
        return False
    if not _reaches(u, state[EARLIEST][t1, i] + problem[SERVICE][u], t2, j, problem, state):
        return False
    place, ready = _ready_after(t2, j - 1, problem, state)
    if not _reaches(place, ready, t1, i + 1, problem, state):
        return False
    n1 = i + 1
    seq1[:n1] = routes[t1, :n1]
    for p in range(j, lengths[t2]):
        seq1[n1] = routes[t2, p]
        n1 += 1
    n2 = j
    seq2[:n2] = routes[t2, :n2]
    for p in range(i + 1, lengths[t1]):
        seq2[n2] = routes[t1, p]
        n2 += 1
    return _take(t1, seq1, n1, t2, seq2, n2, problem, state)


@njit(cache=True)
def _local_search(problem, state, touched, passes=MAX_PASSES):
    """Improve the routes marked in `touched` until no move helps (or `passes`); returns the cost it saved.

    Only visits on touched routes start a move (with any of their nearest visits), and the routes a move
    changes are marked touched too: the rest of a new best plan was polished when it was found, and on a
    1,500-visit day a full pass at every new best would take more time than the ruin and recreate steps."""
    neighbours, where = problem[NEIGHBOURS], state[ROUTE_OF]
    route_cost = state[ROUTE_COST]
    n = where.shape[0]
    seq1 = np.empty(n + 1, np.int64)
    seq2 = np.empty(n + 1, np.int64)
    before = route_cost.sum()
    order = np.arange(n)
    tried = min(NEIGHBOURS_TRIED, n)
    for _ in range(passes):
        np.random.shuffle(order)
        improved = False
        for u in order:
            if where[u] == NONE or not touched[where[u]]:
                continue
            for k in range(tried):
                v = neighbours[u, k]
                if v == u or where[v] == NONE:
                    continue
                t1, t2 = where[u], where[v]
                moved = (
                    _relocate(u, v, True, problem, state, seq1, seq2)
                    or _relocate(u, v, False, problem, state, seq1, seq2)
                    or _swap(u, v, problem, state, seq1, seq2)
                    or _two_opt_star(u, v, problem, state, seq1, seq2)
                    or _two_opt_star(v, u, problem, state, seq1, seq2)
                    or _move_string(u, 2, v, problem, state, seq1, seq2)
                    or _move_string(u, 3, v, problem, state, seq1, seq2)
                )
                if moved:
                    touched[t1] = True
                    touched[t2] = True
                    improved = True
        if not improved:
            break
    return before - route_cost.sum()
