"""What the solver weighs besides travel: the cost of leaving a visit out and of an unbalanced day.

Both searches (OR-Tools in solver.py, ruin and recreate in search.py) use these same numbers, so their plans
are judged alike and the portfolio can compare them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from scheduling.core.problem import Problem, Visit
from scheduling.core.travel import KMH_PER_M_PER_S

# Dropping a visit costs this many of the longest legs in the matrix, so a visit that fits is always
# served; priorities and overdue time only decide which visits go when not all fit.
DROP_PENALTY_LEGS = 20
PRIORITY_WEIGHT = {1: 1, 2: 2, 3: 4, 4: 8, 5: 16}
OVERDUE_WEIGHT_PER_DAY = 1.0  # each day overdue adds one more "priority 1" worth of drop cost
MAX_OVERDUE_DAYS = 14
SECONDS_PER_DAY = 86_400

# Balance is soft: each visit a technician takes above the fair share costs as much as this much travel.
BALANCE_EXTRA_VISIT_TRAVEL_S = 600


def objective_table(problem: Problem) -> tuple[tuple[int, ...], ...]:
    """The matrix the plan's cost is counted in: travel time or distance."""
    matrix = problem.matrix
    return matrix.distances_m if problem.options.objective == "distance" else matrix.durations_s


def routes_cost(problem: Problem, visits: Sequence[Visit], routes: Sequence[Sequence[int]]) -> int:
    """The cost both searches give these routes (positions into `visits`, one list per technician): travel,
    drop penalties and the balance goal, over the places the searches model (the visits and the depots)."""
    table, index = objective_table(problem), problem.location_index
    places = {index[v.location] for v in visits}
    places.update(index[loc] for t in problem.technicians for loc in (t.start, t.end))
    max_leg = max(table[a][b] for a in places for b in places) or 1
    total = 0
    for tech, route in zip(problem.technicians, routes):
        if route:
            stops = [index[tech.start]] + [index[visits[p].location] for p in route] + [index[tech.end]]
            total += sum(table[a][b] for a, b in zip(stops, stops[1:]))
    served = {p for route in routes for p in route}
    total += sum(penalty for p, penalty in enumerate(drop_penalties(list(visits), max_leg)) if p not in served)
    if balance_wanted(problem):
        fair, extra = fair_share(problem, len(visits)), balance_cost(problem)
        total += sum(max(0, len(route) - fair) * extra for route in routes)
    return total


def drop_penalties(visits: list[Visit], max_leg: int) -> list[int]:
    """What leaving out each visit costs: DROP_PENALTY_LEGS longest legs times its weight; must-serve visits
    cost more than all other visits together."""
    base = DROP_PENALTY_LEGS * max_leg
    weights = [_drop_weight(v) for v in visits]
    ordinary = sum(math.ceil(base * w) for v, w in zip(visits, weights) if not v.must_serve)
    return [math.ceil((ordinary + base if v.must_serve else base) * w) for v, w in zip(visits, weights)]


def balance_wanted(problem: Problem) -> bool:
    return problem.options.balance and len(problem.technicians) > 1


def fair_share(problem: Problem, visit_count: int) -> int:
    """Visits a technician may take before the balance goal starts to cost."""
    return math.ceil(visit_count / len(problem.technicians))


def balance_cost(problem: Problem) -> int:
    """What each visit above a technician's fair share costs, in the objective's unit."""
    if problem.options.objective == "distance":
        return math.ceil(BALANCE_EXTRA_VISIT_TRAVEL_S * problem.travel.speed_kmh / KMH_PER_M_PER_S)  # metres meanwhile
    return BALANCE_EXTRA_VISIT_TRAVEL_S


def _drop_weight(visit: Visit) -> float:
    """How much dropping this visit hurts, relative to a priority-1 visit that is not overdue."""
    overdue_days = min(visit.overdue_s / SECONDS_PER_DAY, MAX_OVERDUE_DAYS)
    return PRIORITY_WEIGHT[visit.priority] + OVERDUE_WEIGHT_PER_DAY * overdue_days
