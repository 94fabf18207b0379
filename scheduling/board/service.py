"""The dispatcher's day board: one region's day as technicians, visits, routes and unassigned visits.

Read-only use cases over the scheduling data; the board changes the day through the existing use cases
(manual assignment, plans, rebalance), never by itself.
"""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from common.db import db, utcnow
from common.errors import NotFound
from common.i18n import local_zone
from dispatch.enums import VisitStatus
from dispatch.models import Ticket, Visit
from dispatch.rules import VISIT_STARTED
from scheduling import reason_text, store
from scheduling.core.travel import great_circle_m
from scheduling.day.clock import day_bounds, to_local_time
from scheduling.day.crew import on_shift, region_technicians, shift_overrides, technician_entry
from scheduling.day.problem import load_day, travel_settings
from scheduling.enums import PlanStatus
from scheduling.models import Plan
from technicians.models import Technician

DEFAULT_REGION = "shanghai"
# Visits that show on a technician's row; a cancelled one has left the day.
SHOWN = frozenset(VisitStatus) - {VisitStatus.UNSCHEDULED, VisitStatus.CANCELLED}
NOT_PLANNED_YET = _l("not planned yet: press Optimize, or drag it onto a technician's row")
# A start that differs by less than this is not a move worth showing a dispatcher.
MOVE_TOLERANCE_S = 60


def list_regions() -> list[str]:
    """Regions that have active technicians, the demo's first."""
    regions = set(db.session.scalars(select(Technician.region).where(Technician.active.is_(True)).distinct()))
    return sorted(regions, key=lambda r: (r != DEFAULT_REGION, r)) or [DEFAULT_REGION]


def get_board(day: date, region: str, *, now: datetime | None = None) -> dict:
    """The region's day as the board shows it: rows, blocks with windows, routes, unassigned with reasons."""
    now = now or utcnow()
    load = load_day(day, region, time_limit_s=1)
    entries = {v["id"]: v for v in load.problem["visits"]}
    spares = shift_overrides(day)
    everyone = region_technicians(region)
    technicians = on_shift(everyone, day, spares)
    rows = [_technician_row(t, day, shift_override=spares.get(t.id)) for t in technicians]
    # who could come in for a spare shift: the region's technicians off on this day
    off_today = [{"id": t.id, "name": t.name, "skills": list(t.skill_codes)} for t in everyone if t not in technicians]
    tech_ids = {t.id for t in technicians}
    shown = _visits_on_rows(day, tech_ids)
    ids = {v.id for v in shown} | {int(k[1:]) for k in entries} | {int(i["visit"][1:]) for i in load.left_out}
    visits = {
        v.id: v
        for v in db.session.scalars(
            select(Visit).where(Visit.id.in_(ids)).options(selectinload(Visit.ticket).selectinload(Ticket.customer))
        )
    }
    blocks = [_block(v, day, entries.get(f"v{v.id}")) for v in shown]
    reasons = _latest_reasons(day, region)
    unassigned = []
    for vid, entry in entries.items():
        visit = visits[int(vid[1:])]
        if visit.status is VisitStatus.UNSCHEDULED or visit.technician_id not in tech_ids:
            unassigned.append(_unassigned(visit, day, entry, reasons.get(vid)))
    for item in load.left_out:
        visit = visits[int(item["visit"][1:])]
        unassigned.append(_unassigned(visit, day, None, item))
    published = db.session.scalar(
        select(Plan.id)
        .where(Plan.date == day, Plan.region == region, Plan.status == PlanStatus.PUBLISHED)
        .order_by(Plan.id.desc())
    )
    return {
        "date": day,
        "region": region,
        "now": now.astimezone(local_zone()),
        "published_plan_id": published,
        "technicians": rows,
        "visits": blocks,
        "routes": _routes(rows, blocks),
        "unassigned": unassigned,
        "off_today": off_today,
    }


def compare_plan(plan_id: int) -> dict:
    """What publishing plan `plan_id` would change on its day: visits added, moved, and left out."""
    plan = db.session.get(Plan, plan_id)
    if plan is None:
        raise NotFound("plan_not_found", params={"plan_id": plan_id})
    day = plan.date
    routes = store.local_routes(plan)
    planned = {s["visit_id"]: (r["technician_id"], s) for r in routes for s in r["stops"]}
    left_out = [u["visit_id"] for u in store.local_unassigned(plan)]
    visits = {
        v.id: v
        for v in db.session.scalars(
            select(Visit)
            .where(Visit.id.in_(set(planned) | set(left_out)))
            .options(selectinload(Visit.ticket).selectinload(Ticket.customer), selectinload(Visit.technician))
        )
    }
    names = {
        t.id: t.name
        for t in db.session.scalars(select(Technician).where(Technician.id.in_({tid for tid, _ in planned.values()})))
    }
    added, moved, dropped = [], [], []
    for visit_id, (tech_id, stop) in sorted(planned.items()):
        visit = visits[visit_id]
        if visit.status in VISIT_STARTED:
            continue
        to = {
            "technician_id": tech_id,
            "technician_name": names.get(tech_id),
            "start": stop["start"],
            "end": stop["end"],
        }
        if not _scheduled_on(visit, day):
            added.append({**_who(visit), "to": to})
        elif (
            visit.technician_id != tech_id
            or abs((visit.planned_start - stop["start"]).total_seconds()) >= MOVE_TOLERANCE_S
        ):
            moved.append({**_who(visit), "from": _now_at(visit), "to": to})
    for visit_id in sorted(left_out):
        visit = visits.get(visit_id)
        if visit is not None and _scheduled_on(visit, day) and visit.status not in VISIT_STARTED:
            dropped.append({**_who(visit), "from": _now_at(visit)})
    return {
        "plan_id": plan.id,
        "date": day,
        "region": plan.region,
        "added": added,
        "moved": moved,
        "dropped": dropped,
        "unchanged": len(planned) - len(added) - len(moved),
    }


def _technician_row(tech: Technician, day: date, *, shift_override: list[int] | None = None) -> dict:
    entry = technician_entry(tech, day, shift_override=shift_override)
    local = lambda s: to_local_time(s, day)  # noqa: E731
    return {
        "id": tech.id,
        "name": tech.name,
        "skills": list(tech.skill_codes),
        "service_districts": list(tech.service_districts or []),
        "shift": {"start": local(entry["shift"][0]), "end": local(entry["shift"][1])},
        # The lunch window the break may fall in, and how long it lasts.
        "breaks": [
            {"start": local(b["window"][0]), "end": local(b["window"][1]), "duration_s": b["duration_s"]}
            for b in entry["breaks"]
        ],
        "home": {"lat": tech.home_lat, "lon": tech.home_lon},
    }


def _visits_on_rows(day: date, tech_ids: set[int]) -> list[Visit]:
    start, end = day_bounds(day)
    return list(
        db.session.scalars(
            select(Visit)
            .where(
                Visit.technician_id.in_(tech_ids),
                Visit.status.in_(SHOWN),
                Visit.planned_start >= start,
                Visit.planned_start < end,
            )
            .options(selectinload(Visit.ticket).selectinload(Ticket.customer))
            .order_by(Visit.technician_id, Visit.planned_start)
        )
    )


def _windows(visit: Visit, day: date, entry: dict | None) -> list[dict]:
    if entry is not None and entry["windows"]:
        return [{"start": to_local_time(a, day), "end": to_local_time(b, day)} for a, b in entry["windows"]]
    if visit.promised_start and visit.promised_end:
        return [
            {"start": visit.promised_start.astimezone(local_zone()), "end": visit.promised_end.astimezone(local_zone())}
        ]
    return []


def _who(visit: Visit) -> dict:
    customer = visit.ticket.customer
    return {"visit_id": visit.id, "ticket_id": visit.ticket_id, "customer_name": customer.name}


def _card(visit: Visit, day: date, entry: dict | None) -> dict:
    """What the board shows of any visit, on a technician's row or among the unassigned."""
    customer = visit.ticket.customer
    return {
        **_who(visit),
        "status": visit.status.value,
        "duration_s": visit.duration_s,
        "skills": list(visit.required_skills or []),
        "windows": _windows(visit, day, entry),
        "promised": visit.promised_start is not None,
        "address": customer.address,
        "district": customer.district,
        "lat": customer.lat,
        "lon": customer.lon,
    }


def _block(visit: Visit, day: date, entry: dict | None) -> dict:
    return {
        **_card(visit, day, entry),
        "technician_id": visit.technician_id,
        "start": visit.planned_start.astimezone(local_zone()),
        "end": (visit.planned_end or visit.planned_start).astimezone(local_zone()),
        # A technician on the way or done owns the visit now: the board does not let it be dragged.
        "movable": visit.status not in VISIT_STARTED,
    }


def _unassigned(visit: Visit, day: date, entry: dict | None, reason: dict | None) -> dict:
    worded = reason_text.describe_item(reason, day=day) if reason else str(NOT_PLANNED_YET)
    return {
        **_card(visit, day, entry),
        "reason": worded,
        "reason_code": reason.get("reason_code") if reason else None,
        "reason_params": reason.get("reason_params") if reason else None,
    }


def _latest_reasons(day: date, region: str) -> dict[str, dict]:
    """The newest solved plan's reason for each visit it left out ("v12" -> item)."""
    plan = db.session.scalar(
        select(Plan)
        .where(
            Plan.date == day,
            Plan.region == region,
            Plan.result.is_not(None),
            Plan.status.in_([PlanStatus.PUBLISHED, PlanStatus.DRAFT]),
        )
        .order_by(Plan.id.desc())
        .limit(1)
    )
    if plan is None:
        return {}
    return {item["visit"]: item for item in [*plan.result["unassigned"], *(plan.left_out or [])]}


def _routes(rows: list[dict], blocks: list[dict]) -> list[dict]:
    """Each technician's day as a line home -> visits by start -> home, with the driving time before each visit."""
    travel = travel_settings()  # the day plan's travel model, so the board's driving times agree with it
    speed_m_s = travel["speed_kmh"] / 3.6
    detour = travel["detour_factor"]
    routes = []
    for row in rows:
        stops = [b for b in blocks if b["technician_id"] == row["id"] and b["lat"] is not None]
        points = [
            [row["home"]["lat"], row["home"]["lon"]],
            *[[b["lat"], b["lon"]] for b in stops],
            [row["home"]["lat"], row["home"]["lon"]],
        ]
        lats, lons = zip(*points)
        metres = great_circle_m(lats, lons)
        legs = [round(float(metres[i, i + 1]) * detour / speed_m_s) for i in range(len(points) - 1)]
        for stop, travel_s in zip(stops, legs):
            stop["travel_s"] = travel_s
        routes.append({"technician_id": row["id"], "points": points, "travel_s": sum(legs)})
    return routes


def _scheduled_on(visit: Visit, day: date) -> bool:
    start, end = day_bounds(day)
    return visit.technician_id is not None and visit.planned_start is not None and start <= visit.planned_start < end


def _now_at(visit: Visit) -> dict:
    return {
        "technician_id": visit.technician_id,
        "technician_name": visit.technician.name if visit.technician else None,
        "start": visit.planned_start.astimezone(local_zone()),
        "end": (visit.planned_end or visit.planned_start).astimezone(local_zone()),
    }
