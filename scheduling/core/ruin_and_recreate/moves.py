"""The moves of driver.py, compiled with numba: ruin (SISR's string removal), recreate (cheapest insertion with
blinks) and one annealing step after another."""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from scheduling.core.ruin_and_recreate.layout import (
    BALANCE_COST,
    BEST_COST,
    BREAK_COUNT,
    CURRENT_COST,
    FAIR_VISITS,
    JUDGED_COST,
    LENGTHS,
    NEAR_VISITS,
    NEIGHBOURS,
    PENALTY,
    PIN_ORDER,
    POSITION,
    ROUTE_COST,
    ROUTE_OF,
    SETTINGS,
)
from scheduling.core.ruin_and_recreate.local_search import _local_search
from scheduling.core.ruin_and_recreate.routes import (
    NONE,
    _copy_route,
    _copy_visits,
    _earliest,
    _fits_with_breaks,
    _refresh,
    _remove_positions,
)

# SISR parameters from the paper (Table 6): mean removed visits, longest string, split depth, blink rate.
MEAN_REMOVED = 10.0
MAX_STRING = 10.0
SPLIT_DEPTH = 0.01
BLINK_RATE = 0.01
ROUTE_RUIN_RATE = 0.01  # share of ruins that empty one whole route instead (C207 stuck at 4 routes, 6 % over)
# From this many visits on, a visit is only tried in routes through its nearest visits (NEAR_VISITS in problem[SETTINGS]).
NEAR_ROUTES_FROM = 200


@njit(cache=True)
def _ruin(problem, state, removed, touched):
    """Remove strings of stops around a random visit from a few routes near it (SISR's adjacent string removal)."""
    neighbours = problem[NEIGHBOURS]
    lengths, where, position = state[LENGTHS], state[ROUTE_OF], state[POSITION]
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
    """Put back each removed visit at its cheapest feasible place (with blinks); returns the cost of leaving some out.

    The loop over positions is routes._cheapest_place written out again: called here, even inlined, it
    cost 40 % of the iterations (field day, 10 s: 118k against 202k)."""
    (
        cost,
        duration,
        service,
        demand,
        penalty,
        window_count,
        window_start,
        window_end,
        allowed,
        start_place,
        end_place,
        shift_start,
        shift_end,
        capacity,
        max_visits,
        neighbours,
        depot_cost,
    ) = problem[:17]
    break_count, pin_order = problem[BREAK_COUNT], problem[PIN_ORDER]
    fair, balance_cost = problem[SETTINGS][FAIR_VISITS], problem[SETTINGS][BALANCE_COST]
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
            for j in range(min(n, problem[SETTINGS][NEAR_VISITS])):
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
    penalty = problem[PENALTY]
    n = penalty.shape[0]
    k = current[LENGTHS].shape[0]
    removed = np.empty(n, np.int64)
    touched = np.zeros(k, np.bool_)
    left_before = np.zeros(n, np.bool_)
    polished = False
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
            if work[ROUTE_OF][u] == NONE:
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
            new_cost += work[ROUTE_COST][t]
        # the annealing weighs a left-out visit at its softer search penalty, so it may trade one for a
        # better shape of the routes; the best plan is still judged by the true penalty
        judged = new_cost - left_out
        for u in range(n):
            if work[ROUTE_OF][u] == NONE:
                judged += search_penalty[u]
        if ok and new_cost < costs[BEST_COST] and not polished:
            # a new best plan is polished by the route moves first (local_search.py says why), once a chunk:
            # on GH400 R2_4_1 polishing every new best left 1,745 steps in 10 s instead of 48,665
            polished = True
            saved = _local_search(problem, work, touched)
            new_cost -= saved
            judged -= saved
        # a new best plan (by the true cost) is always taken
        accept = ok and (
            new_cost < costs[BEST_COST]
            or judged < costs[JUDGED_COST] - temperature * math.log(np.random.random() + 1e-300)
        )
        if accept:
            for t in range(k):
                if touched[t]:
                    _copy_route(t, work, current)
            _copy_visits(work, current)
            costs[CURRENT_COST] = new_cost
            costs[JUDGED_COST] = judged
            if new_cost < costs[BEST_COST]:
                costs[BEST_COST] = new_cost
                for t in range(k):
                    _copy_route(t, work, best)
                _copy_visits(work, best)
        else:
            for t in range(k):
                if touched[t]:
                    _copy_route(t, current, work)
            _copy_visits(current, work)
