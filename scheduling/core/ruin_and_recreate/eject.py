"""Serve the visits a plan leaves out by ejecting others, after Nagata and Bräysy's route minimisation (2009).

On a packed day ruin and recreate leaves a few long visits out: each would fit only if two or three
visits of a route went elsewhere, and those in turn only if others moved. The ejection search takes a
left-out visit from a pool, puts it in at its cheapest feasible place, or else into a route where it
fits once one or two visits of that route come out, and those go into the pool. Among the ways to eject
it picks the visits ejected least often so far (counters kept across calls), so it does not circle.
Travel is ignored here; the caller keeps the result only when it serves more (the annealing then
shortens the routes again).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from scheduling.core.ruin_and_recreate.layout import (
    ALLOWED,
    CAPACITY,
    DEMAND,
    LENGTHS,
    MAX_VISITS,
    NEAR_VISITS,
    NEIGHBOURS,
    ROUTE_OF,
    ROUTES,
    SETTINGS,
    SHIFT_START,
    START_PLACE,
)
from scheduling.core.ruin_and_recreate.routes import (
    NONE,
    _cheapest_place,
    _finish,
    _insert_at,
    _pin_range,
    _remove_positions,
    _serve,
)

# From this many visits on, a visit is only tried in routes through its nearest visits (NEAR_VISITS in problem[SETTINGS]).
NEAR_ROUTES_FROM = 200
NO_MOVE = np.iinfo(np.int64).max


@njit(cache=True, inline="always")
def _near_routes(u, problem, state, near):
    """Mark the routes through u's nearest visits (big days only look there); False when every route counts."""
    neighbours = problem[NEIGHBOURS]
    where = state[ROUTE_OF]
    n = where.shape[0]
    if n < NEAR_ROUTES_FROM:
        return False
    near[:] = False
    for j in range(min(n, problem[SETTINGS][NEAR_VISITS])):
        t = where[neighbours[u, j]]
        if t != NONE:
            near[t] = True
    return True


@njit(cache=True)
def _cheapest_anywhere(u, problem, state, near):
    """The cheapest feasible place of u in any route: (added cost, route, position), route NONE if none."""
    lengths = state[LENGTHS]
    best, best_t, best_p = NO_MOVE, NONE, NONE
    restrict = _near_routes(u, problem, state, near)
    for t in range(lengths.shape[0]):
        if restrict and not near[t] and lengths[t] > 0:
            continue
        delta, p = _cheapest_place(u, t, problem, state, best, 0.0)
        if p != NONE:
            best, best_t, best_p = delta, t, p
    return best, best_t, best_p


@njit(cache=True)
def _fits_without(t, u, p, q1, q2, problem, state):
    """Whether route t keeps every rule with u put in before position p and positions q1 and q2 taken out
    (NONE takes nothing out)."""
    demand, capacity, max_visits, start_place, shift_start = (
        problem[DEMAND],
        problem[CAPACITY],
        problem[MAX_VISITS],
        problem[START_PLACE],
        problem[SHIFT_START],
    )
    routes, lengths = state[ROUTES], state[LENGTHS]
    length = lengths[t]
    place = start_place[t]
    ready = shift_start[t]
    taken = 0
    load = demand[u]
    count = 1
    for j in range(length + 1):
        if j == p:
            start, ready, taken = _serve(t, u, place, ready, taken, problem)
            if start < 0:
                return False
            place = u
        if j == length:
            break
        if j == q1 or j == q2:
            continue
        v = routes[t, j]
        start, ready, taken = _serve(t, v, place, ready, taken, problem)
        if start < 0:
            return False
        place = v
        load += demand[v]
        count += 1
    return load <= capacity[t] and count <= max_visits[t] and _finish(t, place, ready, taken, problem)


@njit(cache=True)
def _best_ejection(u, problem, state, counters, near, pairs):
    """Where u fits once one visit (or, with `pairs`, two) of a route comes out, choosing the visits ejected
    least often so far (ties at random, so the search wanders): (route, position, q1, q2), route NONE if nowhere."""
    allowed, routes, lengths = problem[ALLOWED], state[ROUTES], state[LENGTHS]
    best = NO_MOVE
    best_t, best_p, best_q1, best_q2 = NONE, NONE, NONE, NONE
    restrict = _near_routes(u, problem, state, near)
    for t in range(lengths.shape[0]):
        if allowed[u, t] == 0 or (restrict and not near[t]):
            continue
        first, last = _pin_range(u, t, problem, state)
        length = lengths[t]
        for q1 in range(length):
            score1 = counters[routes[t, q1]]
            # q2 == length stands for "only q1"
            for q2 in range(q1 + 1 if pairs else length, length if pairs else length + 1):
                score = score1 if q2 == length else score1 + counters[routes[t, q2]]
                if score > best:
                    continue
                for p in range(first, last + 1):
                    if score == best and np.random.random() < 0.5:
                        continue
                    if _fits_without(t, u, p, q1, q2 if q2 < length else NONE, problem, state):
                        best = score
                        best_t, best_p, best_q1, best_q2 = t, p, q1, (q2 if q2 < length else NONE)
                        break
    return best_t, best_p, best_q1, best_q2


@njit(cache=True)
def _eject_search(problem, state, counters, max_steps):
    """Work the pool of left-out visits down for up to `max_steps` steps, stopping as soon as fewer are left
    out than at the start; returns how many are left out then."""
    where, lengths = state[ROUTE_OF], state[LENGTHS]
    n = where.shape[0]
    near = np.zeros(lengths.shape[0], np.bool_)
    pool = np.where(where == NONE)[0]
    np.random.shuffle(pool)
    stack = np.empty(n, np.int64)  # a visit is in a route or in the pool, never both
    top = pool.shape[0]
    stack[:top] = pool
    stuck = np.empty(n, np.int64)  # visits no ejection of one or two visits makes room for
    n_stuck = 0
    at_start = top
    for _ in range(max_steps):
        # an empty pool (every visit left out is stuck) ends it too: there is nothing left to take
        if top == 0 or top + n_stuck < at_start:  # serves more than at the start: hand it back now
            break
        top -= 1
        u = stack[top]
        _, t, p = _cheapest_anywhere(u, problem, state, near)
        if t != NONE:
            _insert_at(u, t, p, problem, state)
            continue
        counters[u] += 1
        # one visit out where that is enough, else two (which grows the pool, so only then)
        t, p, q1, q2 = _best_ejection(u, problem, state, counters, near, False)
        if t == NONE:
            t, p, q1, q2 = _best_ejection(u, problem, state, counters, near, True)
        if t == NONE:
            stuck[n_stuck] = u
            n_stuck += 1
            continue
        for q in (q2, q1):  # the later position first, so the earlier one still points at its visit
            if q != NONE:
                top = _remove_positions(t, q, 1, 0, 0, state, stack, top)  # the ejected visit joins the pool
                if q < p:
                    p -= 1
        _insert_at(u, t, p, problem, state)
    return top + n_stuck
