"""The OR-Tools routing model of a day: one `_add_<rule>` per constraint family; the only module importing OR-Tools."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from scheduling.core.clock import elapsed_clock_s
from scheduling.core.objective import balance_cost, balance_wanted, drop_penalties, fair_share
from scheduling.core.plan import Route
from scheduling.core.problem import Problem, Technician, Visit
from scheduling.core.solve_config import SearchConfig, SolveProgress
from scheduling.core.timing import service_windows, timed_route

if TYPE_CHECKING:
    from ortools.constraint_solver.routing_parameters_pb2 import RoutingSearchParameters

MIN_SEARCH_S = 0.05  # never hand OR-Tools a zero or negative time limit
# From this many visits on, OR-Tools' insertion heuristics take most of the time limit to find a first
# plan (16 s of 30 on a 500-visit day); our greedy pass takes under a second.
GREEDY_START_MIN_VISITS = 200
# OR-Tools restores a start assignment under its LNS time limit (100 ms by default); on a busy machine
# checking a 500-visit start with breaks took longer, the start was refused and the search began from
# nothing (the 324/500 field days). No LNS operator is switched on, so this limit only guards the restore.
RESTORE_LIMIT_S = 5.0

# A technician may wait for a window to open as long as the day allows (no cap on waiting).
UNPERFORMED = -1  # OR-Tools' vehicle value of a dropped visit
TIME_DIMENSION = "time"
VISITS_DIMENSION = "visits"
DEMAND_DIMENSION = "demand"


class RoutingModel:
    """The OR-Tools model of one problem: nodes are the technicians' start/end places, then the visits."""

    def __init__(self, problem: Problem, visits: list[Visit], suitable: dict[str, tuple[Technician, ...]]):
        self.problem = problem
        self.visits = visits
        self.suitable = suitable
        techs = problem.technicians
        depots = list(dict.fromkeys([t.start for t in techs] + [t.end for t in techs]))
        self.depot_node = {loc: i for i, loc in enumerate(depots)}
        self.first_visit_node = len(depots)
        idx = problem.location_index
        self.node_location = [idx[loc] for loc in depots] + [idx[v.location] for v in visits]
        self.node_service = [0] * len(depots) + [v.duration_s for v in visits]
        self.manager = pywrapcp.RoutingIndexManager(
            len(self.node_location),
            len(techs),
            [self.depot_node[t.start] for t in techs],
            [self.depot_node[t.end] for t in techs],
        )
        self.routing = pywrapcp.RoutingModel(self.manager)
        self.horizon = max([t.shift[1] for t in techs] + [w[1] for v in visits for w in v.windows])
        self._add_travel_cost()
        self._add_time_windows_and_shifts()
        self._add_skills()
        self._add_breaks()
        self._add_visit_count_limits()
        self._add_capacity()
        self._add_pins()
        self._adddrop_penalties()
        self._add_balance()

    # -- model ---------------------------------------------------------------------------------

    def visit_index(self, position: int) -> int:
        return self.manager.NodeToIndex(self.first_visit_node + position)

    def _leg_matrix(self, table: tuple[tuple[int, ...], ...], *, with_service: bool = False) -> list[list[int]]:
        rows = []
        for i, li in enumerate(self.node_location):
            service = self.node_service[i] if with_service else 0
            row = table[li]
            rows.append([service + row[lj] for lj in self.node_location])
        return rows

    def _add_travel_cost(self) -> None:
        """The objective: total travel time (or distance) of all routes."""
        matrix = self.problem.matrix
        table = matrix.distances_m if self.problem.options.objective == "distance" else matrix.durations_s
        self.cost_legs = self._leg_matrix(table)
        self.max_leg = max(max(row) for row in self.cost_legs) or 1
        callback = self.routing.RegisterTransitMatrix(self.cost_legs)
        self.routing.SetArcCostEvaluatorOfAllVehicles(callback)

    def _add_time_windows_and_shifts(self) -> None:
        """Service starts inside one of the visit's windows; routes start and end within the shift."""
        transit = self.routing.RegisterTransitMatrix(
            self._leg_matrix(self.problem.matrix.durations_s, with_service=True)
        )
        # slack = waiting for a window to open (or for a break); any wait the day allows
        self.routing.AddDimension(transit, self.horizon, self.horizon, False, TIME_DIMENSION)
        self.time = self.routing.GetDimensionOrDie(TIME_DIMENSION)
        for v, tech in enumerate(self.problem.technicians):
            self.time.CumulVar(self.routing.Start(v)).SetRange(*tech.shift)
            self.time.CumulVar(self.routing.End(v)).SetRange(*tech.shift)
        for position, visit in enumerate(self.visits):
            pieces = service_windows(visit, self.suitable[visit.id])
            cumul = self.time.CumulVar(self.visit_index(position))
            if not pieces:  # find_suitable_technicians rules this out; never let it break the model
                self.routing.ActiveVar(self.visit_index(position)).SetValue(0)
                continue
            cumul.SetRange(pieces[0][0], pieces[-1][1])
            for (_, gap_start), (gap_end, _) in zip(pieces, pieces[1:]):
                cumul.RemoveInterval(gap_start + 1, gap_end - 1)

    def _add_skills(self) -> None:
        """A visit goes only to a technician with every skill it needs, who can reach it in a shift (or its pin)."""
        everyone = len(self.problem.technicians)
        vehicle = {t.id: v for v, t in enumerate(self.problem.technicians)}
        for position, visit in enumerate(self.visits):
            techs = self.suitable[visit.id]
            if len(techs) < everyone:
                # -1 keeps "not served" possible; SetAllowedVehiclesForIndex takes no Python list in 9.15
                allowed = [UNPERFORMED] + [vehicle[t.id] for t in techs]
                self.routing.VehicleVar(self.visit_index(position)).SetValues(allowed)

    def _add_breaks(self) -> None:
        """Each technician takes their breaks inside the break window, never during a service."""
        solver = self.routing.solver()
        service_by_index = [self.node_service[self.manager.IndexToNode(i)] for i in range(self.routing.Size())]
        self.breaks: dict[int, list[pywrapcp.IntervalVar]] = {}
        for v, tech in enumerate(self.problem.technicians):
            if not tech.breaks:
                continue
            intervals = [
                solver.FixedDurationIntervalVar(
                    b.window[0], b.window[1] - b.duration_s, b.duration_s, False, f"break {tech.id} {i}"
                )
                for i, b in enumerate(tech.breaks)
            ]
            self.time.SetBreakIntervalsOfVehicle(intervals, v, service_by_index)
            self.breaks[v] = intervals

    def _add_visit_count_limits(self) -> None:
        """No technician takes more visits than their max visits of the day."""
        techs = self.problem.technicians
        needs_count = (
            any(t.max_visits is not None for t in techs)
            or any(v.pinned and v.pinned.sequence is not None for v in self.visits)
            or balance_wanted(self.problem)
        )
        self.count: pywrapcp.RoutingDimension | None = None
        if not needs_count:
            return
        ones = self.routing.RegisterUnaryTransitVector([0] * self.first_visit_node + [1] * len(self.visits))
        limits = [len(self.visits) if t.max_visits is None else t.max_visits for t in techs]
        self.routing.AddDimensionWithVehicleCapacity(ones, 0, limits, True, VISITS_DIMENSION)
        self.count = self.routing.GetDimensionOrDie(VISITS_DIMENSION)

    def _add_capacity(self) -> None:
        """The parts and goods a technician carries (sum of demand) stay within their capacity."""
        techs = self.problem.technicians
        if all(t.capacity is None for t in techs) or not any(v.demand for v in self.visits):
            return
        total = sum(v.demand for v in self.visits)
        demand = self.routing.RegisterUnaryTransitVector([0] * self.first_visit_node + [v.demand for v in self.visits])
        limits = [total if t.capacity is None else t.capacity for t in techs]
        self.routing.AddDimensionWithVehicleCapacity(demand, 0, limits, True, DEMAND_DIMENSION)

    def _add_pins(self) -> None:
        """Pinned visits stay with their technician (see _add_skills) and keep their promised order."""
        by_tech: dict[str, list[tuple[int, int]]] = {}
        for position, visit in enumerate(self.visits):
            if visit.pinned and visit.pinned.sequence is not None:
                by_tech.setdefault(visit.pinned.technician, []).append((visit.pinned.sequence, position))
        if not by_tech:
            return
        # _add_visit_count_limits counts the visits whenever a pin has a sequence
        count = self.count
        assert count is not None
        solver = self.routing.solver()
        for pins in by_tech.values():
            pins.sort()
            for (_, before), (_, after) in zip(pins, pins[1:]):
                a, b = self.visit_index(before), self.visit_index(after)
                both = self.routing.ActiveVar(a) + self.routing.ActiveVar(b)
                # count(b) >= count(a) + 1 when both are served; vacuous when either is dropped
                big = len(self.visits) + 1
                solver.Add(count.CumulVar(b) - count.CumulVar(a) >= 1 - big * (2 - both))

    def _adddrop_penalties(self) -> None:
        """Every visit may be dropped (so there is always a plan) at a cost growing with priority and overdue time;
        must-serve visits cost more to drop than all other visits together."""
        for position, penalty in enumerate(drop_penalties(self.visits, self.max_leg)):
            self.routing.AddDisjunction([self.visit_index(position)], penalty)

    def _add_balance(self) -> None:
        """Soft goal: spread visits fairly, each visit above a technician's fair share costs some travel."""
        if not balance_wanted(self.problem) or self.count is None:
            return
        fair = fair_share(self.problem, len(self.visits))
        cost = balance_cost(self.problem)
        for v in range(len(self.problem.technicians)):
            self.count.SetCumulVarSoftUpperBound(self.routing.End(v), fair, cost)

    # -- search --------------------------------------------------------------------------------

    def solve(
        self,
        config: SearchConfig,
        *,
        deadline: float,
        started: float,
        initial: list[list[int]] | None,
        on_progress: Callable[[SolveProgress], None] | None,
    ) -> tuple[list[Route], list[Visit], int] | None:
        """Search from the `initial` routes (positions into the visits, per technician) until the deadline and
        copy the best assignment into plan dataclasses."""
        if on_progress is not None:
            solutions = 0
            best: int | None = None

            def report() -> None:
                nonlocal solutions, best
                cost: int = self.routing.CostVar().Value()
                solutions += 1
                if best is None or cost < best:  # report improvements only
                    best = cost
                    on_progress(SolveProgress(round(elapsed_clock_s() - started, 3), cost, solutions))

            self.routing.AddAtSolutionCallback(report)
        greedy = config.greedy_start
        if greedy is None:
            greedy = len(self.visits) >= GREEDY_START_MIN_VISITS
        start = None
        if greedy and initial is not None:
            indices = [[self.visit_index(position) for position in route] for route in initial]
            start = self.routing.ReadAssignmentFromRoutes(indices, True)
        params = _search_parameters(config, max(deadline - elapsed_clock_s(), MIN_SEARCH_S))
        solution = None
        if start is not None:
            solution = self.routing.SolveFromAssignmentWithParameters(start, params)
            params.time_limit.FromMilliseconds(int(1000 * max(deadline - elapsed_clock_s(), MIN_SEARCH_S)))
        if solution is None:
            solution = self.routing.SolveWithParameters(params)
        if solution is None:
            # a start heuristic can fail on pins and breaks; leaving everything out always works, then improve
            params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.ALL_UNPERFORMED
            params.time_limit.FromMilliseconds(int(1000 * max(deadline - elapsed_clock_s(), MIN_SEARCH_S)))
            solution = self.routing.SolveWithParameters(params)
        return None if solution is None else self._extract(solution)

    def _extract(self, solution: pywrapcp.Assignment) -> tuple[list[Route], list[Visit], int]:
        """Copy the assignment out of OR-Tools: each route's order, and between which stops each break falls."""
        problem, routing, manager = self.problem, self.routing, self.manager
        routes, served = [], set()
        for v, tech in enumerate(problem.technicians):
            positions, starts = [], []
            index = solution.Value(routing.NextVar(routing.Start(v)))
            while not routing.IsEnd(index):
                positions.append(manager.IndexToNode(index) - self.first_visit_node)
                starts.append(solution.Value(self.time.CumulVar(index)))
                index = solution.Value(routing.NextVar(index))
            gaps = []
            if positions:
                for brk in self.breaks.get(v, []):
                    start = solution.StartValue(brk)
                    gaps.append(sum(1 for s in starts if s < start))  # breaks before the k-th stop
            served.update(positions)
            routes.append(timed_route(problem, tech, [self.visits[p] for p in positions], gaps))
        dropped = [visit for position, visit in enumerate(self.visits) if position not in served]
        return routes, dropped, solution.ObjectiveValue()


def _search_parameters(config: SearchConfig, time_limit_s: float) -> RoutingSearchParameters:
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = getattr(routing_enums_pb2.FirstSolutionStrategy, config.first_solution)
    params.local_search_metaheuristic = getattr(routing_enums_pb2.LocalSearchMetaheuristic, config.metaheuristic)
    params.guided_local_search_lambda_coefficient = config.gls_lambda
    params.use_iterated_local_search = config.iterated_local_search
    params.time_limit.FromMilliseconds(int(1000 * time_limit_s))
    params.lns_time_limit.FromMilliseconds(int(1000 * RESTORE_LIMIT_S))
    return params
