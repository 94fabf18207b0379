"""The day a rebalance starts from, in the core's terms: the dispatcher's event, and the plan as the visits stand."""

from __future__ import annotations

from datetime import date, time

from sqlalchemy import select

from common.db import db
from common.errors import RuleViolation
from dispatch.models import Visit
from dispatch.service.visits import BUSY_STATUSES
from scheduling.day.clock import to_day_seconds, wall_clock_seconds
from scheduling.day.problem import join_day
from scheduling.day.visits import DAY_STATE_CODES, VISIT_IN_PROGRESS
from technicians.models import Technician


def core_event(event: dict, day: date, problem: dict) -> dict:
    """The API's event (ids, local HH:MM) as the core's (problem ids, seconds); a spare technician joins the day."""
    kind = event["kind"]
    if kind == "technician_out":
        return {"kind": kind, "technician": f"t{event['technician_id']}", "from_s": event_seconds(event["from_"], day)}
    if kind == "technician_added":
        tech_id = f"t{event['technician_id']}"
        shift = [event_seconds(s, day) for s in event["shift"]]
        if not any(t["id"] == tech_id for t in problem["technicians"]):
            technician = db.session.get(Technician, event["technician_id"])
            if technician is None or not technician.active:
                raise RuleViolation(
                    "no_active_technician",
                    field="event.technician_id",
                    params={"technician_id": event["technician_id"]},
                )
            join_day(problem, technician, day, shift=shift)
        return {"kind": kind, "technician": tech_id, "shift": shift}
    core = {"kind": kind, "visit": f"v{event['visit_id']}"}
    if kind == "overrun":
        core["minutes"] = event["minutes"]
    if kind == "cancel":
        core["reason"] = event.get("reason")
    return core


def event_seconds(clock: str, day: date) -> int:
    """An event's local "HH:MM" as plan seconds of `day`."""
    hours, minutes = clock.split(":")
    return wall_clock_seconds(time(int(hours), int(minutes)), day)


def current_plan(day: date, problem: dict) -> tuple[dict, list[str]]:
    """The day as the visits stand (plan.json from their planned times), and the visits under way."""
    ids = [int(v["id"][1:]) for v in problem["visits"]]
    visits = list(db.session.scalars(select(Visit).where(Visit.id.in_(ids)).order_by(Visit.planned_start)))
    on_shift = {t["id"] for t in problem["technicians"]}
    routes: dict[str, list[dict]] = {t["id"]: [] for t in problem["technicians"]}
    under_way = []
    for visit in visits:
        tech = f"t{visit.technician_id}"
        if visit.status not in BUSY_STATUSES or visit.planned_start is None or tech not in on_shift:
            continue
        start = round(to_day_seconds(visit.planned_start, day))
        end = round(to_day_seconds(visit.planned_end, day)) if visit.planned_end else start + visit.duration_s
        routes[tech].append({"visit": f"v{visit.id}", "arrival": start, "start": start, "end": end})
        if visit.status in VISIT_IN_PROGRESS:
            under_way.append(f"v{visit.id}")
    planned = {s["visit"] for stops in routes.values() for s in stops}
    plan = {
        "routes": [{"technician": t, "stops": stops, "break": None, "breaks": []} for t, stops in routes.items()],
        "unassigned": [
            {
                "visit": v["id"],
                "reason": "not planned yet",
                "reason_code": DAY_STATE_CODES[0],
                "reason_params": {},
            }
            for v in problem["visits"]
            if v["id"] not in planned
        ],
    }
    return plan, under_way
