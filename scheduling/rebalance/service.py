"""Rebalance use cases: preview an event's change set, apply exactly that change set, read it back."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from common.db import db, utcnow
from common.errors import Conflict, DomainError, NotFound, RuleViolation
from common.i18n import local_zone, to_local
from common.models import User
from common.transaction import begin_write, transactional
from dispatch.enums import TicketStatus, VisitStatus
from dispatch.models import Visit
from dispatch.rules import check_visit_transition
from dispatch.service.follow_ups import queue_rebook
from dispatch.service.tickets import set_ticket_status
from dispatch.service.timeline import record_event
from dispatch.service.visits import BUSY_STATUSES, place_visit
from scheduling import store
from scheduling.core.rebalance import rebalance
from scheduling.core.rebalance_events import EventError
from scheduling.day.clock import from_day_seconds, to_day_seconds, to_local_time
from scheduling.day.problem import load_day
from scheduling.enums import RebalanceStatus
from scheduling.jobs import choose_engine
from scheduling.models import Rebalance
from scheduling.offers import service as offers
from scheduling.rebalance.day_state import core_event, current_plan, event_seconds
from scheduling.rebalance.schemas import EventSchema
from technicians.models import Technician
from technicians.service.days import lock_technician_day

LOAD_TIME_LIMIT_S = 10
# A rebook task carries this many of the cheapest slots free when the rebalance was applied.
REBOOK_OFFERED_SLOTS = 3
# The API's names for the core event's fields, so a 422 names what the dispatcher sent.
API_FIELD = {
    "technician": "technician_id",
    "visit": "visit_id",
    "from_s": "from",
    "minutes": "minutes",
    "shift": "shift",
    "kind": "kind",
}


def preview_rebalance(day: date, region: str, *, event: dict, by: User, now: datetime | None = None) -> Rebalance:
    """Compute the change set of `event` on the region's day as it stands now, and store it unapplied."""
    now = now or utcnow()
    load = load_day(day, region, time_limit_s=LOAD_TIME_LIMIT_S)
    problem = load.problem
    in_core_terms = core_event(event, day, problem)
    plan, under_way = current_plan(day, problem)
    try:
        result = rebalance(
            problem,
            plan,
            now_s=max(0, round(to_day_seconds(now, day))),
            event=in_core_terms,
            under_way=under_way,
            engine=choose_engine(),
        )
    except EventError as error:
        raise RuleViolation(
            f"rebalance_{error.code}",
            field=f"event.{API_FIELD.get(error.field, error.field)}",
            params=_api_ids(error.params),
        ) from error
    row = Rebalance(
        date=day,
        region=region,
        status=RebalanceStatus.PREVIEW,
        event=EventSchema().dump(event),
        now=now,
        problem=result.problem,
        result=result.as_dict(),
        visit_snapshot=load.snapshot,
        created_by_id=by.id,
    )
    db.session.add(row)
    db.session.commit()
    return row


def get_rebalance(rebalance_id: int) -> Rebalance:
    """One stored rebalance, previewed or applied."""
    row = db.session.get(Rebalance, rebalance_id)
    if row is None:
        raise NotFound("rebalance_not_found_preview", params={"rebalance_id": rebalance_id})
    return row


@transactional
def apply_rebalance(rebalance_id: int, *, by: User, now: datetime | None = None) -> Rebalance:
    """Write the previewed change set in one transaction, under the technician-day locks bookings take.

    Refused (409) when it was applied already or any visit of the day changed since the preview."""
    begin_write()
    row = db.session.scalar(select(Rebalance).where(Rebalance.id == rebalance_id).with_for_update())
    if row is None:
        raise NotFound("rebalance_not_found", params={"rebalance_id": rebalance_id})
    if row.status is not RebalanceStatus.PREVIEW:
        raise Conflict("rebalance_applied_already", current=row.status.value, params={"rebalance_id": row.id})
    result = row.result
    touched = {_int(m["to"]["technician"]) for m in result["moved"]} | {
        _int(m["from"]["technician"]) for m in result["moved"] + result["unassigned"] if m.get("from")
    }
    touched |= {_int(u["was"]["technician"]) for u in result["unassigned"] if u.get("was")}
    if row.event["kind"] in ("technician_added", "technician_out"):
        touched.add(row.event["technician_id"])  # their day keeps the spare shift, even with nothing moved to it
    days = [lock_technician_day(t, row.date) for t in sorted(touched)]
    changed = store.visits_changed_since_load(
        row.visit_snapshot,
        day=row.date,
        technician_ids=sorted(int(t["id"][1:]) for t in row.problem["technicians"]),
    )
    if changed:
        raise Conflict(
            "rebalance_day_changed", changed=changed, params={"rebalance_id": row.id, "details": "; ".join(changed[:5])}
        )
    why = f"rebalance {row.id}: {row.event['kind']}"
    technicians = {t.id: t for t in db.session.scalars(select(Technician).where(Technician.id.in_(touched)))}
    for item in result["moved"]:
        visit = db.session.get(Visit, _int(item["visit"]))
        to = item["to"]
        place_visit(
            visit,
            technician=technicians[_int(to["technician"])],
            start=from_day_seconds(to["start"], row.date),
            end=from_day_seconds(to["end"], row.date),
            by=by,
            source=why,
        )
    broken = {b["visit"] for b in result["broken_promises"]}
    sent_back = []
    for item in result["unassigned"]:
        if item.get("was"):
            visit = db.session.get(Visit, _int(item["visit"]))
            _send_back(
                visit,
                broken=item["visit"] in broken,
                reason=item["reason"],
                reason_code=item.get("reason_code"),
                by=by,
                why=why,
            )
            sent_back.append((visit, item))
    for vid in result.get("cancelled", []):
        visit = db.session.get(Visit, _int(vid))
        check_visit_transition(visit.status, VisitStatus.CANCELLED)
        visit.status = VisitStatus.CANCELLED
        record_event(visit.ticket, "visit_cancelled", by=by, visit=visit, reason=row.event.get("reason") or why)
    if row.event["kind"] == "overrun":
        visit = db.session.get(Visit, row.event["visit_id"])
        if visit.planned_start is not None:
            visit.planned_end = visit.planned_start + timedelta(seconds=visit.duration_s + 60 * row.event["minutes"])
            record_event(visit.ticket, "visit_overrun", by=by, visit=visit, minutes=row.event["minutes"])
    if row.event["kind"] == "technician_added":
        spare = next(d for d in days if d.technician_id == row.event["technician_id"])
        spare.shift_override = [event_seconds(clock, row.date) for clock in row.event["shift"]]
    if row.event["kind"] == "technician_out":
        # the day stays cut at "out from": an Optimize later, or the board, does not hand them work again
        out = next(d for d in days if d.technician_id == row.event["technician_id"])
        usual = next(t for t in row.problem["technicians"] if t["id"] == f"t{out.technician_id}")["shift"]
        out.shift_override = [usual[0], max(usual[0], event_seconds(row.event["from"], row.date))]
    now = now or utcnow()
    db.session.flush()  # the slots offered below see the day as this change set leaves it
    for visit, item in sent_back:
        _queue_rebook(visit, item, broken=item["visit"] in broken, day=row.date, by=by, why=why, now=now)
    changes = _route_changes(result)
    for technician_day in days:
        technician_day.version += 1
        change = changes.get(technician_day.technician_id)
        if change:
            # what the technician's phone shows the next time it loads the route, online again or not
            technician_day.route_change = {"rebalance_id": row.id, **change}
            technician_day.route_changed_at = now
    row.status, row.applied_at, row.applied_by_id = RebalanceStatus.APPLIED, now, by.id
    return row


def _route_changes(result: dict) -> dict[int, dict[str, int]]:
    """Per technician: how many visits the change set adds to, takes off, and re-times on their route."""
    changes: dict[int, dict[str, int]] = {}

    def count(tech: str, what: str) -> None:
        counts = changes.setdefault(_int(tech), {"added": 0, "removed": 0, "retimed": 0})
        counts[what] += 1

    for item in result["moved"]:
        before, after = item["from"], item["to"]
        if before is not None and before["technician"] == after["technician"]:
            count(after["technician"], "retimed")
            continue
        count(after["technician"], "added")
        if before is not None:
            count(before["technician"], "removed")
    for item in result["unassigned"]:
        if item.get("was"):
            count(item["was"]["technician"], "removed")
    return changes


def _send_back(visit: Visit, *, broken: bool, reason: str, reason_code: str | None, by: User, why: str) -> None:
    """A visit the rebalance could not keep today goes back to its ticket's CS owner to rebook (flushes only)."""
    previous = {"technician_id": visit.technician_id, "start": visit.planned_start}
    slot = {"slot_start": visit.promised_start, "slot_end": visit.promised_end}
    visit.status = VisitStatus.UNSCHEDULED
    visit.technician_id = visit.technician = None
    visit.planned_start = visit.planned_end = None
    if broken:
        visit.promised_start = visit.promised_end = None
    ticket = visit.ticket
    if ticket.status is TicketStatus.SCHEDULED and not any(
        v.status in BUSY_STATUSES for v in ticket.visits if v.id != visit.id
    ):
        set_ticket_status(ticket, TicketStatus.OPEN, by=by, reason=why)
    record_event(ticket, "visit_unscheduled", by=by, visit=visit, source=why, **previous)
    record_event(
        ticket,
        "rebooking_needed",
        by=by,
        visit=visit,
        reason=reason,
        reason_code=reason_code,
        promise_broken=broken,
        owner=ticket.owner.username,
        source=why,
        **(slot if broken else {}),
    )


def _queue_rebook(visit: Visit, item: dict, *, broken: bool, day: date, by: User, why: str, now: datetime) -> None:
    """A rebook call in the CS owner's queue: why the visit left its day, and the cheapest slots free now."""
    try:
        # Not on the rebalanced day itself: the slot search does not know who is out or overrunning there.
        # Every free slot, not only those in the availability given for the broken booking: the call asks anew,
        # and each offer says whether it is inside that availability.
        found = [
            o
            for o in offers.offer_slots(visit.id, now=now, show_all=True).offers
            if to_local(o.slot_start).date() != day
        ][:REBOOK_OFFERED_SLOTS]
    except DomainError:
        found = []  # no slot can be offered (no coordinates, beyond quota): CS sees the reason on the intake page
    slots = [
        {
            "slot_start": o.slot_start.isoformat(),
            "slot_end": o.slot_end.isoformat(),
            "technician_id": o.technician_id,
            "technician_name": o.technician_name,
        }
        for o in found
    ]
    reason = {
        "why": "promise_broken" if broken else "not_today",
        "reason": item["reason"],
        "reason_code": item.get("reason_code"),
        "reason_params": item.get("reason_params") or {},
        "date": day.isoformat(),
    }
    queue_rebook(visit.ticket, visit=visit, reason=reason, offered_slots=slots, by=by, source=why)


def _api_ids(params: dict) -> dict:
    """An EventError's parameters with the core's problem ids ("v12", "t3") as the API's ids (12, 3)."""
    words = dict(params)
    for key, prefix in (("visit", "v"), ("technician", "t")):
        value = words.get(key)
        if isinstance(value, str) and value.startswith(prefix) and value[1:].isdigit():
            words[key] = value[1:]
    return words


def _int(prefixed: str) -> int:
    return int(prefixed[1:])


def rebalance_view(row: Rebalance) -> dict:
    """The stored rebalance with database ids, names and local times, as the board shows it."""
    result, day = row.result, row.date
    visit_ids = (
        {_int(m["visit"]) for m in result["moved"]}
        | {_int(u["visit"]) for u in result["unassigned"]}
        | {_int(c["visit"]) for c in result["calls"]}
    )
    visits = (
        {
            v.id: v
            for v in db.session.scalars(
                select(Visit).where(Visit.id.in_(visit_ids)).options(selectinload(Visit.ticket))
            )
        }
        if visit_ids
        else {}
    )
    tech_ids = {_int(p["technician"]) for m in result["moved"] for p in (m["from"], m["to"]) if p}
    names = (
        {t.id: t.name for t in db.session.scalars(select(Technician).where(Technician.id.in_(tech_ids)))}
        if tech_ids
        else {}
    )

    def place(p: dict | None) -> dict | None:
        if p is None:
            return None
        tech = _int(p["technician"])
        return {
            "technician_id": tech,
            "technician_name": names.get(tech, ""),
            "start": to_local_time(p["start"], day),
            "end": to_local_time(p["end"], day),
        }

    def who(vid: str) -> dict:
        visit = visits[_int(vid)]
        return {"visit_id": visit.id, "ticket_id": visit.ticket_id, "customer_name": visit.ticket.customer.name}

    return {
        "id": row.id,
        "date": day,
        "region": row.region,
        "status": row.status,
        "event": row.event,
        "now": row.now.astimezone(local_zone()),
        "applied_at": row.applied_at,
        "moved": [{**who(m["visit"]), "from": place(m["from"]), "to": place(m["to"])} for m in result["moved"]],
        "broken_promises": [
            {
                **who(b["visit"]),
                "slot_start": to_local_time(b["slot"][0], day),
                "slot_end": to_local_time(b["slot"][1], day),
            }
            for b in result["broken_promises"]
        ],
        "unassigned": [
            {
                **who(u["visit"]),
                "reason_code": u.get("reason_code"),
                "reason_params": u["reason_params"],
                "reason": u["reason"],
                "date": day,
            }
            for u in result["unassigned"]
        ],
        "calls": [{**who(c["visit"]), "why": c["why"]} for c in result["calls"]],
        "kpis": result["kpis"],
    }
