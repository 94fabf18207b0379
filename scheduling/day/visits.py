"""A region's visits as the day problem sees them: which belong to a day, their entries, and why some are left out.

- open visits (unscheduled, scheduled, accepted) of tickets whose customer is in the region belong to a day when
  their promised window (hard, and `must_serve`) or, without one, the customer's availability windows fall on it;
  a visit already scheduled for that day with no window that day may go anywhere in the shift. A visit scheduled
  for another day is left to that day's plan.
- visits already started that day (en_route, arrived) are pinned to their technician (see DayProblem for how the
  technician's day then begins there).
- a window is a start-of-service window: the technician starts work inside it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import selectinload

from common.db import db
from common.i18n import local_zone
from dispatch import rules
from dispatch.enums import VisitStatus
from dispatch.models import AvailabilityWindow, Customer, Ticket, Visit
from dispatch.rules import VISIT_OPEN
from dispatch.service.visits import BUSY_STATUSES
from scheduling.day.clock import clip_window, day_bounds

VISIT_IN_PROGRESS = frozenset({VisitStatus.EN_ROUTE, VisitStatus.ARRIVED})
# Why the loader leaves a visit out; scheduling/reason_text.py words each code.
LEFT_OUT_CODES = ("started_off_shift", "no_coordinates", "awaiting_quota_approval")
# Why a visit is on no route in the day as it stands (the plan a rebalance starts from); worded there too.
DAY_STATE_CODES = ("not_planned",)


@dataclass(frozen=True)
class LeftOut:
    """Why the loader could not give a visit to the solver: a code and parameters, and the English sentence."""

    code: str
    params: dict
    text: str

    def __post_init__(self) -> None:
        if self.code not in LEFT_OUT_CODES:
            raise ValueError(f"unknown left-out code {self.code!r}")

    def as_item(self, visit_id: str) -> dict:
        """The plan's `left_out` entry, shaped like an unassigned item of plan.json."""
        return {"visit": visit_id, "reason": self.text, "reason_code": self.code, "reason_params": self.params}


def candidate_visits(day: date, region: str) -> list[Visit]:
    """Visits of the region that may belong to `day`; `visit_entry` decides exactly."""
    start, end = day_bounds(day)
    available_that_day = exists().where(
        AvailabilityWindow.ticket_id == Visit.ticket_id, AvailabilityWindow.start < end, AvailabilityWindow.end > start
    )
    touches_day = or_(
        and_(Visit.promised_start < end, Visit.promised_end > start),
        and_(Visit.promised_start.is_(None), available_that_day),
        and_(Visit.planned_start >= start, Visit.planned_start < end),
    )
    return list(
        db.session.scalars(
            select(Visit)
            .join(Visit.ticket)
            .join(Ticket.customer)
            .where(Customer.region == region, Visit.status.in_(VISIT_OPEN | VISIT_IN_PROGRESS), touches_day)
            .options(
                selectinload(Visit.ticket).selectinload(Ticket.availability),
                selectinload(Visit.ticket).selectinload(Ticket.customer),
                selectinload(Visit.ticket).selectinload(Ticket.visits),
            )
            .order_by(Visit.id)
        )
    )


def visit_entry(visit: Visit | RoutedVisit, day: date, tech_ids: set[int]) -> dict | LeftOut | None:
    """The problem's visit, a reason to leave it out, or None when it is not this day's visit."""
    ticket, customer = visit.ticket, visit.ticket.customer
    day_start, day_end = day_bounds(day)
    planned_on_day = visit.planned_start is not None and day_start <= visit.planned_start < day_end
    pinned = None
    windows: list[list[int]] = []
    promised = visit.promised_start is not None and visit.promised_end is not None
    if visit.status in VISIT_IN_PROGRESS:
        if not planned_on_day:
            return None
        if visit.technician_id not in tech_ids:
            return LeftOut(
                "started_off_shift",
                {
                    "visit_id": visit.id,
                    "status": visit.status.value,
                    "technician_id": visit.technician_id,
                    "date": day.isoformat(),
                },
                f"visit {visit.id} is already {visit.status.value} with technician {visit.technician_id}, "
                f"who is not on shift in this region on {day.isoformat()}",
            )
        # Under way: it stays with the technician who is there or on the way, whatever its window said.
        pinned = {"technician": f"t{visit.technician_id}", "sequence": 1}
    elif promised:
        window = clip_window(visit.promised_start, visit.promised_end, day, bounds=(day_start, day_end))
        if window is None:
            return None
        windows = [window]
    else:
        if visit.planned_start is not None and not planned_on_day:
            return None  # scheduled for another day: that day's plan owns it
        windows = [
            w for w in (clip_window(a.start, a.end, day, bounds=(day_start, day_end)) for a in ticket.availability) if w
        ]
        if not windows and not planned_on_day:
            return None
    if pinned is None and rules.quota_standing(ticket.visits, ticket.visit_quota).needs_approval(visit.id):
        # Beyond the order's quota no plan may take it before a manager approves it (a started visit already went).
        return LeftOut(
            "awaiting_quota_approval",
            {"visit_id": visit.id, "ticket_id": ticket.id, "visit_quota": ticket.visit_quota},
            f"visit {visit.id} is beyond the visit quota of {ticket.visit_quota} of ticket {ticket.id}; "
            "a manager must approve it before it is planned",
        )
    if customer.lat is None or customer.lon is None:
        return LeftOut(
            "no_coordinates",
            {"customer_id": customer.id, "address": customer.address, "visit_id": visit.id},
            f"customer {customer.id} ({customer.address}) has no coordinates; "
            f"enter its latitude and longitude so visit {visit.id} can be planned",
        )
    overdue_s = max(0, math.floor((day_end - ticket.due_at).total_seconds())) if ticket.due_at else 0
    return {
        "id": f"v{visit.id}",
        "location": f"C{customer.id}",
        "duration_s": visit.duration_s,
        "skills": sorted(visit.required_skills or []),
        "windows": windows,
        "priority": ticket.priority,
        "demand": 0,
        "pinned": pinned,
        # A promised slot is kept by every later plan; a started visit is already happening.
        "must_serve": promised or pinned is not None,
        # How late the ticket will be if the visit is not served today (raises the drop cost).
        "overdue_s": overdue_s,
    }


def visit_state(visit: Visit) -> dict:
    """What a plan's snapshot keeps of a visit, to see before writing whether it changed since the load."""
    return {
        "status": visit.status.value,
        "technician_id": visit.technician_id,
        "planned_start": visit.planned_start.isoformat() if visit.planned_start else None,
    }


# --- the routes of the coming days, for slot offers --------------------------------------------------


@dataclass(frozen=True)
class RoutedCustomer:
    id: int
    lat: float | None
    lon: float | None
    district: str | None
    address: str


@dataclass(frozen=True)
class RoutedTicket:
    id: int
    priority: int
    due_at: datetime | None
    visit_quota: int
    customer: RoutedCustomer
    availability: list  # rows with start, end
    visits: list  # rows with id, sequence_no, status, counts_against_quota, approved_by_id (the quota's count)


@dataclass(frozen=True)
class RoutedVisit:
    """A visit on a route, as `visit_entry` reads it."""

    id: int
    status: VisitStatus
    technician_id: int
    planned_start: datetime
    promised_start: datetime | None
    promised_end: datetime | None
    duration_s: int
    required_skills: list[str]
    ticket: RoutedTicket


def routed_visits(technician_ids: list[int], days: list[date], *, as_orm_objects: bool = False) -> dict[date, list]:
    """The visits on the technicians' routes of `days` (planned and not done), by local day.

    Read as plain rows (a few narrow queries, no ORM objects): an offer request reads every route of the
    coming week, and building hundreds of ORM objects with their tickets and customers was most of its time.
    The rows answer the attributes `visit_entry` reads, so routes are encoded exactly as the day plan's
    loader encodes them. `as_orm_objects` reads them the way it was done before, as the reference.
    """
    if not technician_ids or not days:
        return {}
    start, end = day_bounds(min(days))[0], day_bounds(max(days))[1]
    on_routes = (
        Visit.technician_id.in_(technician_ids),
        Visit.status.in_(BUSY_STATUSES),
        Visit.planned_start >= start,
        Visit.planned_start < end,
    )
    visits = _routed_orm_objects(on_routes) if as_orm_objects else _routed_rows(on_routes)
    by_day: dict[date, list] = {}
    zone = local_zone()
    for routed in visits:
        by_day.setdefault(routed.planned_start.astimezone(zone).date(), []).append(routed)
    return by_day


def _routed_orm_objects(on_routes: tuple) -> list[Visit]:
    return list(
        db.session.scalars(
            select(Visit)
            .where(*on_routes)
            .options(
                selectinload(Visit.ticket).selectinload(Ticket.availability),
                selectinload(Visit.ticket).selectinload(Ticket.customer),
            )
        )
    )


def _routed_rows(on_routes: tuple) -> list[RoutedVisit]:
    rows = db.session.execute(
        select(
            Visit.id,
            Visit.ticket_id,
            Visit.status,
            Visit.technician_id,
            Visit.planned_start,
            Visit.promised_start,
            Visit.promised_end,
            Visit.duration_s,
            Visit.required_skills,
            Ticket.priority,
            Ticket.due_at,
            Ticket.visit_quota,
            Customer.id.label("customer_id"),
            Customer.lat,
            Customer.lon,
            Customer.district,
            Customer.address,
        )
        .join(Ticket, Ticket.id == Visit.ticket_id)
        .join(Customer, Customer.id == Ticket.customer_id)
        .where(*on_routes)
    ).all()
    ticket_ids = sorted({row.ticket_id for row in rows})
    quota_visits: dict[int, list] = {}
    availability: dict[int, list] = {}
    for chunk in (ticket_ids[k : k + 500] for k in range(0, len(ticket_ids), 500)):
        for v in db.session.execute(
            select(
                Visit.id,
                Visit.ticket_id,
                Visit.sequence_no,
                Visit.status,
                Visit.counts_against_quota,
                Visit.approved_by_id,
            ).where(Visit.ticket_id.in_(chunk))
        ):
            quota_visits.setdefault(v.ticket_id, []).append(v)
        # availability only matters for a routed visit without a promised slot (placed by a day plan)
        in_chunk = set(chunk)
        unpromised = [r.ticket_id for r in rows if r.promised_start is None and r.ticket_id in in_chunk]
        if unpromised:
            for w in db.session.execute(
                select(AvailabilityWindow.ticket_id, AvailabilityWindow.start, AvailabilityWindow.end).where(
                    AvailabilityWindow.ticket_id.in_(unpromised)
                )
            ):
                availability.setdefault(w.ticket_id, []).append(w)
    return [
        RoutedVisit(
            row.id,
            row.status,
            row.technician_id,
            row.planned_start,
            row.promised_start,
            row.promised_end,
            row.duration_s,
            row.required_skills,
            RoutedTicket(
                row.ticket_id,
                row.priority,
                row.due_at,
                row.visit_quota,
                RoutedCustomer(row.customer_id, row.lat, row.lon, row.district, row.address),
                availability.get(row.ticket_id, []),
                quota_visits.get(row.ticket_id, []),
            ),
        )
        for row in rows
    ]
