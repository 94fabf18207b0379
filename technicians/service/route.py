"""A technician's day as the phone shows it: visits in planned order with an ETA, and the job page's visit.

Read-only: nothing here flushes or commits.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import quote

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from common.db import db, utcnow
from common.errors import NotFound
from common.i18n import local_day_bounds, local_zone
from common.models import User
from dispatch.enums import VisitStatus
from dispatch.models import Ticket, Visit
from dispatch.service.visits import phone_for_technician
from scheduling.core.problem import DEFAULT_DETOUR_FACTOR, DEFAULT_SPEED_KMH, Location
from scheduling.core.travel import build_matrix
from technicians.models import Technician, TechnicianDay
from technicians.rules import RouteLeg, arrival_estimates

V = VisitStatus
# Visits that belong on a technician's route; unscheduled and cancelled ones do not.
ON_ROUTE = frozenset({V.SCHEDULED, V.ACCEPTED, V.EN_ROUTE, V.ARRIVED, V.COMPLETED, V.FAILED})
# An ETA this far past the planned start is flagged late, so the technician can warn the customer.
LATE_AFTER = timedelta(minutes=15)


@dataclass(frozen=True)
class RouteStop:
    """One visit of the day as the technician sees it."""

    visit: Visit
    position: int  # 1-based place in the day's order
    eta: datetime | None  # expected arrival (UTC); None once the technician has arrived or finished
    late: bool  # the ETA is past the planned start by more than LATE_AFTER
    customer_phone: str | None  # only for the technician's own visits of today
    geo_uri: str  # opens the phone's map app at the customer's address

    @property
    def customer(self):
        return self.visit.ticket.customer


@dataclass(frozen=True)
class RouteChange:
    """The last rebalance that changed the route: when, and how many visits it added, took off or re-timed."""

    at: datetime
    added: int
    removed: int
    retimed: int


@dataclass(frozen=True)
class Route:
    """A technician's visits of one local day, in planned order."""

    technician: Technician
    day: date
    stops: list[RouteStop]
    change: RouteChange | None = None

    @property
    def version(self) -> str:
        """Changes when the order, a planned time or the last rebalance's note changes (not with a status):
        a route page that syncs and finds another version loads the new route."""
        parts = [
            f"{s.visit.id}@{s.visit.planned_start.isoformat() if s.visit.planned_start else ''}" for s in self.stops
        ]
        parts.append(self.change.at.isoformat() if self.change else "")
        return hashlib.sha1("|".join(parts).encode()).hexdigest()[:16]


def local_today(now: datetime | None = None) -> date:
    """Today's date in the region's time zone."""
    return (now or utcnow()).astimezone(local_zone()).date()


def get_route(*, by: User, day: date | None = None, now: datetime | None = None) -> Route:
    """The visits `by` (a technician) has on local `day` (today by default), in planned order, each with an ETA."""
    now = now or utcnow()
    technician = _technician_of(by)
    day = day or local_today(now)
    return Route(
        technician=technician,
        day=day,
        stops=_stops(technician, day=day, now=now),
        change=_route_change(technician, day),
    )


def _route_change(technician: Technician, day: date) -> RouteChange | None:
    row = db.session.scalar(
        select(TechnicianDay).where(TechnicianDay.technician_id == technician.id, TechnicianDay.day == day)
    )
    if row is None or not row.route_change or row.route_changed_at is None:
        return None
    change = row.route_change
    return RouteChange(
        at=row.route_changed_at,
        added=change.get("added", 0),
        removed=change.get("removed", 0),
        retimed=change.get("retimed", 0),
    )


def get_job(visit_id: int, *, by: User, now: datetime | None = None) -> RouteStop:
    """One of `by`'s own visits with its ETA; anyone else's visit is NotFound, as if it did not exist."""
    now = now or utcnow()
    technician = _technician_of(by)
    visit = db.session.get(Visit, visit_id)
    if visit is None or visit.technician_id != technician.id or visit.planned_start is None:
        # A visit moved to a colleague disappears from this technician's list; don't confirm it exists.
        raise NotFound("visit_moved_off_your_list", params={"visit_id": visit_id})
    day = visit.planned_start.astimezone(local_zone()).date()
    for stop in _stops(technician, day=day, now=now):
        if stop.visit.id == visit_id:
            return stop
    # Cancelled but still assigned: show it, without an ETA or the customer's phone.
    return RouteStop(
        visit=visit, position=0, eta=None, late=False, customer_phone=None, geo_uri=geo_uri(visit.ticket.customer)
    )


def geo_uri(customer) -> str:
    """A geo: URI (RFC 5870) that opens the phone's map app at the customer, with the address as label."""
    label = quote(customer.address, safe="")
    if customer.lat is None or customer.lon is None:
        return f"geo:0,0?q={label}"
    return f"geo:{customer.lat:.6f},{customer.lon:.6f}?q={customer.lat:.6f},{customer.lon:.6f}({label})"


def _technician_of(user: User) -> Technician:
    if user.technician is None:
        raise NotFound("login_without_technician")
    return user.technician


def _stops(technician: Technician, *, day: date, now: datetime) -> list[RouteStop]:
    start, end = local_day_bounds(day)
    visits = list(
        db.session.scalars(
            select(Visit)
            .options(joinedload(Visit.ticket).joinedload(Ticket.customer))
            .where(
                Visit.technician_id == technician.id,
                Visit.status.in_(ON_ROUTE),
                Visit.planned_start >= start,
                Visit.planned_start < end,
            )
            .order_by(Visit.planned_start, Visit.id)
        )
    )
    return _with_etas(technician, visits, now=now)


def _with_etas(technician: Technician, visits: list[Visit], *, now: datetime) -> list[RouteStop]:
    """Walk the day in order: finished stops move the technician, open stops get an arrival estimate.

    Travel uses the planner's own estimate (great circle x detour factor at urban speed) and the walk the
    planner's timing rule (`technicians.rules.arrival_estimates`), so the ETA agrees with the plan when the
    technician is on time. Times go to the rule as whole seconds from `now`.
    """
    travel_s = _travel_matrix(technician, visits)
    origin = now.replace(microsecond=0)

    def seconds(at: datetime | None) -> int | None:
        return None if at is None else math.floor((at - origin).total_seconds())

    legs = []
    here = 0  # index into the matrix: 0 is the technician's home, i + 1 is visits[i]
    for i, visit in enumerate(visits):
        placed = visit.ticket.customer.lat is not None and visit.ticket.customer.lon is not None
        legs.append(
            RouteLeg(
                status=visit.status,
                travel_s=travel_s[here][i + 1] if placed else 0,
                planned_start=math.floor((visit.planned_start - origin).total_seconds()),
                duration_s=visit.duration_s,
                started=seconds(visit.started_at),
                finished=seconds(visit.finished_at),
            )
        )
        if placed:
            here = i + 1
    today = local_today(now)
    stops: list[RouteStop] = []
    for i, (visit, eta_s) in enumerate(zip(visits, arrival_estimates(0, legs))):
        eta = None if eta_s is None else origin + timedelta(seconds=eta_s)
        late = eta is not None and eta > visit.planned_start + LATE_AFTER
        stops.append(
            RouteStop(
                visit=visit,
                position=i + 1,
                eta=eta,
                late=late,
                customer_phone=phone_for_technician(visit, technician_id=technician.id, today=today),
                geo_uri=geo_uri(visit.ticket.customer),
            )
        )
    return stops


def _travel_matrix(technician: Technician, visits: list[Visit]) -> tuple[tuple[int, ...], ...]:
    """Travel seconds between home (index 0) and each visit (index i + 1); 0 where coordinates are unknown."""
    locations = [Location("home", technician.home_lat, technician.home_lon)]
    for visit in visits:
        customer = visit.ticket.customer
        # Without coordinates a stop cannot be placed: it stands in at home and the walk counts no travel to it.
        placed = customer.lat is not None and customer.lon is not None
        locations.append(
            Location(
                f"v{visit.id}",
                customer.lat if placed else technician.home_lat,
                customer.lon if placed else technician.home_lon,
            )
        )
    matrix = build_matrix(locations, speed_kmh=DEFAULT_SPEED_KMH, detour_factor=DEFAULT_DETOUR_FACTOR)
    return matrix.durations_s
