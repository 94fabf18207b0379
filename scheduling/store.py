"""Plans between the database and the app: keep a solved plan, check the day before writing it, write it back,
and show it in local time.

The day problem a plan is solved from is built in `scheduling/day/`.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from common.db import db
from common.models import User
from dispatch.enums import VisitStatus
from dispatch.models import Visit
from dispatch.service.visits import BUSY_STATUSES as VISIT_HOLDING_TIME
from dispatch.service.visits import place_visit
from scheduling.day.clock import day_bounds, from_day_seconds, to_local_time
from scheduling.day.visits import VISIT_IN_PROGRESS, visit_state
from scheduling.models import Plan
from technicians.models import Technician

# --- storing and applying plans --------------------------------------------------------------------


def store_plan(plan: Plan, result: dict, *, violations: list[str]) -> None:
    """Keep the solver's plan.json, its KPIs and the checker's findings on `plan` (flushes only)."""
    plan.result = result
    kpis = result.get("kpis")
    if kpis is not None:
        # The visits the loader left out never reached the solver, but the day leaves them unassigned all the same.
        kpis = {**kpis, "unassigned": kpis.get("unassigned", 0) + len(plan.left_out or [])}
    plan.kpis = kpis
    plan.violations = list(violations)
    db.session.flush()


def _int_id(prefixed: str) -> int:
    return int(prefixed[1:])


def visits_changed_since_load(snapshot: dict[str, dict], *, day: date, technician_ids: list[int]) -> list[str]:
    """One line per visit of a loaded day (`snapshot`, as load_day took it) whose status, technician or planned
    start changed since, and per visit placed on one of `technician_ids`' day since then.

    The one check before writing what was computed from a load: publishing a plan, applying a rebalance."""
    changes = []
    ids = [_int_id(v) for v in snapshot]
    current = (
        {
            v.id: v
            for v in db.session.scalars(
                select(Visit).where(Visit.id.in_(ids)).execution_options(populate_existing=True)
            )
        }
        if ids
        else {}
    )
    for vid, before in sorted(snapshot.items(), key=lambda item: _int_id(item[0])):
        visit = current.get(_int_id(vid))
        if visit is None:
            changes.append(f"visit {vid[1:]} no longer exists")
            continue
        if VisitStatus(before["status"]) in VISIT_IN_PROGRESS:
            # Started visits are pinned and never moved by publishing; their progress is expected.
            continue
        now = visit_state(visit)
        if now["status"] != before["status"]:
            changes.append(f"visit {visit.id} is now {now['status']} (was {before['status']} when planned)")
        elif now != before:
            changes.append(
                f"visit {visit.id} was moved since the plan was made (technician "
                f"{before['technician_id']} -> {now['technician_id']}, start "
                f"{before['planned_start']} -> {now['planned_start']})"
            )
    for visit in _visits_added_to_day(day, technician_ids, known=set(current)):
        changes.append(
            f"visit {visit.id} was placed on technician {visit.technician_id}'s day since the plan was "
            f"made ({visit.status.value}, start {visit.planned_start.isoformat()})"
        )
    return changes


def plan_visit_ids(plan: Plan) -> list[int]:
    """The visits the plan was made for (its snapshot), in id order."""
    return sorted(_int_id(v) for v in plan.visit_snapshot)


def plan_technician_ids(plan: Plan) -> list[int]:
    """The technicians whose day the plan lays out, in id order (the order their day locks are taken in)."""
    return sorted(_int_id(t["id"]) for t in plan.problem.get("technicians", []))


def _visits_added_to_day(day: date, technician_ids: list[int], *, known: set[int]) -> list[Visit]:
    """Visits holding time on the technicians' day which the load never saw (a booking, a manual move)."""
    if not technician_ids:
        return []
    start, end = day_bounds(day)
    query = (
        select(Visit)
        .where(
            Visit.technician_id.in_(technician_ids),
            Visit.status.in_(VISIT_HOLDING_TIME),
            Visit.planned_start < end,
            Visit.planned_end > start,
        )
        .order_by(Visit.id)
    )
    return [visit for visit in db.session.scalars(query) if visit.id not in known]


def apply_plan(plan: Plan, *, by: User | None) -> dict:
    """Write the plan's routes to its visits as UTC planned times (flushes only).

    Returns {"placed": [visit ids], "kept_scheduled": [ids the plan left unassigned that stay scheduled]}.
    Visits already under way are left as they are.
    """
    technicians = {
        t.id: t
        for t in db.session.scalars(
            select(Technician).where(Technician.id.in_([_int_id(r["technician"]) for r in plan.result["routes"]]))
        )
    }
    placed = []
    for route in plan.result["routes"]:
        technician = technicians[_int_id(route["technician"])]
        for stop in route["stops"]:
            visit = db.session.get(Visit, _int_id(stop["visit"]))
            if visit.status in VISIT_IN_PROGRESS:
                continue
            place_visit(
                visit,
                technician=technician,
                start=from_day_seconds(stop["start"], plan.date),
                end=from_day_seconds(stop["end"], plan.date),
                by=by,
                source=f"plan {plan.id}",
            )
            placed.append(visit.id)
    kept = []
    for item in plan.result["unassigned"]:
        visit = db.session.get(Visit, _int_id(item["visit"]))
        if visit is not None and visit.status in (VisitStatus.SCHEDULED, VisitStatus.ACCEPTED):
            kept.append(visit.id)
    db.session.flush()
    return {"placed": placed, "kept_scheduled": kept}


# --- showing plans ---------------------------------------------------------------------------------


def local_routes(plan: Plan) -> list[dict]:
    """The plan's routes with integer ids and local, offset-aware times (empty before the solve ends)."""
    if not plan.result:
        return []
    day = plan.date

    def interval(item: dict | None) -> dict | None:
        if not item:
            return None
        return {"start": to_local_time(item["start"], day), "end": to_local_time(item["end"], day)}

    return [
        {
            "technician_id": _int_id(route["technician"]),
            "stops": [
                {
                    "visit_id": _int_id(s["visit"]),
                    "arrival": to_local_time(s["arrival"], day),
                    "start": to_local_time(s["start"], day),
                    "end": to_local_time(s["end"], day),
                }
                for s in route["stops"]
            ],
            "break": interval(route.get("break")),
            "breaks": [interval(b) for b in route.get("breaks", [])],
            "travel_s": route.get("travel_s", 0),
            "distance_m": route.get("distance_m", 0),
        }
        for route in plan.result["routes"]
    ]


def local_unassigned(plan: Plan) -> list[dict]:
    """Visits of the day the plan does not serve, with reasons: the solver's and the loader's.

    `reason` is the stored English sentence; plans stored before reasons had codes have no `reason_code`.
    """
    solver = plan.result["unassigned"] if plan.result else []
    return [_unassigned_item(u, "solver", plan.date) for u in solver] + [
        _unassigned_item(u, "loader", plan.date) for u in plan.left_out or []
    ]


def _unassigned_item(item: dict, stage: str, day: date) -> dict:
    return {
        "visit_id": _int_id(item["visit"]),
        "reason": item["reason"],
        "reason_code": item.get("reason_code"),
        "reason_params": item.get("reason_params"),
        "stage": stage,
        "date": day,
    }
