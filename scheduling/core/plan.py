"""The plan a solve returns: routes per technician, unassigned visits with reasons, and totals."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # reasons.py reads routes, so plan.py only names its type
    from scheduling.core.reasons import Reason


@dataclass(frozen=True)
class Stop:
    visit: str
    arrival: int  # when the technician reaches the place
    start: int  # service start: max(arrival, start of the window it falls in)
    end: int  # start + duration_s


@dataclass(frozen=True)
class BreakTime:
    start: int
    end: int


@dataclass(frozen=True)
class Route:
    technician: str
    stops: tuple[Stop, ...] = ()
    breaks: tuple[BreakTime, ...] = ()
    travel_s: int = 0
    distance_m: int = 0

    @property
    def first_break(self) -> BreakTime | None:
        """The lunch break (the first break), shown on its own in plan.json."""
        return self.breaks[0] if self.breaks else None


@dataclass(frozen=True)
class Unassigned:
    visit: str
    reason: Reason


@dataclass(frozen=True)
class Kpis:
    served: int
    unassigned: int
    travel_s: int
    distance_m: int
    solve_s: float
    engine: str = ""  # the engine that searched: "ruin_and_recreate" or "ortools"


@dataclass(frozen=True)
class Plan:
    routes: tuple[Route, ...]
    unassigned: tuple[Unassigned, ...]
    kpis: Kpis
    # The solver's objective (travel cost plus drop penalties), to compare plans of one problem.
    cost: int = field(default=0, compare=False)


def make_plan(
    routes: list[Route], unassigned: list[Unassigned], *, solve_s: float, cost: int = 0, engine: str = ""
) -> Plan:
    """Assemble a Plan and add up its totals."""
    kpis = Kpis(
        served=sum(len(r.stops) for r in routes),
        unassigned=len(unassigned),
        travel_s=sum(r.travel_s for r in routes),
        distance_m=sum(r.distance_m for r in routes),
        solve_s=round(solve_s, 3),
        engine=engine,
    )
    return Plan(tuple(routes), tuple(unassigned), kpis, cost)


def plan_to_dict(plan: Plan) -> dict:
    """plan.json as a dict."""
    return {
        "routes": [
            {
                "technician": route.technician,
                "stops": [
                    {"visit": s.visit, "arrival": s.arrival, "start": s.start, "end": s.end} for s in route.stops
                ],
                "break": _break_dict(route.first_break),
                "breaks": [_break_dict(b) for b in route.breaks],
                "travel_s": route.travel_s,
                "distance_m": route.distance_m,
            }
            for route in plan.routes
        ],
        "unassigned": [_unassigned_dict(u) for u in plan.unassigned],
        "kpis": {
            "served": plan.kpis.served,
            "unassigned": plan.kpis.unassigned,
            "travel_s": plan.kpis.travel_s,
            "distance_m": plan.kpis.distance_m,
            "solve_s": plan.kpis.solve_s,
            "engine": plan.kpis.engine,
        },
    }


def _unassigned_dict(item: Unassigned) -> dict:
    """The English sentence for people reading plan.json, the code and parameters for the app to word it."""
    return {
        "visit": item.visit,
        "reason": item.reason.text,
        "reason_code": item.reason.code,
        "reason_params": item.reason.params_json(),
    }


def _break_dict(brk: BreakTime | None) -> dict | None:
    return None if brk is None else {"start": brk.start, "end": brk.end}
