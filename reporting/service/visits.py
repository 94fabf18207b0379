"""Measures of visits: first-time fix rate and on-time arrival with the lateness of the rest."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import aliased

from common.db import db
from dispatch.enums import VisitStatus
from dispatch.models import Ticket, Visit
from reporting import rules
from reporting.service.scope import KpiScope, filter_tickets
from reporting.service.timing import epoch_s
from technicians.enums import ServiceResult
from technicians.models import ServiceReport

PERFORMED = (VisitStatus.COMPLETED, VisitStatus.FAILED)


@dataclass(frozen=True)
class FirstTimeFix:
    """Tickets whose first visit took place in the period, and how many of them that visit resolved."""

    tickets: int
    fixed: int
    rate_pct: float | None
    by_bucket: dict[date, tuple[int, int]]  # bucket -> (tickets, fixed)


@dataclass(frozen=True)
class Arrivals:
    """Arrivals in the period against a promised window, counted by band (on_time, early, late_...)."""

    arrivals: int
    on_time: int
    rate_pct: float | None
    bands: dict[str, int]
    by_bucket: dict[date, tuple[int, int]]  # bucket -> (arrivals, on time)


def _visits_in_scope(query, scope: KpiScope):
    if scope.filters_tickets:
        query = filter_tickets(query.join(Ticket, Ticket.id == Visit.ticket_id), scope)
    if scope.technician_id is not None:
        query = query.where(Visit.technician_id == scope.technician_id)
    return query


def measure_first_time_fix(scope: KpiScope) -> FirstTimeFix:
    """A ticket is fixed the first time when its first visit was completed with a resolved report and no other
    visit followed (a reopened ticket gets one); counted on the day that first visit ended."""
    other = aliased(Visit)
    earlier_performed = exists().where(
        other.ticket_id == Visit.ticket_id, other.sequence_no < Visit.sequence_no, other.status.in_(PERFORMED)
    )
    later = aliased(Visit)
    followed = exists().where(
        later.ticket_id == Visit.ticket_id, later.sequence_no > Visit.sequence_no, later.status != VisitStatus.CANCELLED
    )
    # The report is joined (one per visit) rather than looked up: only the period's reports are read.
    resolved = ServiceReport.result == ServiceResult.RESOLVED
    fixed = case((and_(Visit.status == VisitStatus.COMPLETED, resolved, ~followed), 1), else_=0)
    day = scope.local_day(Visit.finished_at).label("day")
    # Most tickets have one visit: "sequence 1" settles it without looking for an earlier one.
    first = or_(Visit.sequence_no == 1, ~earlier_performed)
    query = (
        _visits_in_scope(select(day, func.count(), func.sum(fixed)), scope)
        .outerjoin(ServiceReport, ServiceReport.visit_id == Visit.id)
        .where(Visit.status.in_(PERFORMED), scope.in_period(Visit.finished_at), first)
        .group_by(day)
    )
    by_bucket: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    for day_number, count, fixed_count in db.session.execute(query):
        cell = by_bucket[scope.bucket_of(day_number)]
        cell[0] += count
        cell[1] += int(fixed_count or 0)
    tickets = sum(c[0] for c in by_bucket.values())
    fixed_total = sum(c[1] for c in by_bucket.values())
    return FirstTimeFix(
        tickets=tickets,
        fixed=fixed_total,
        rate_pct=rules.rate(fixed_total, tickets),
        by_bucket={k: (v[0], v[1]) for k, v in by_bucket.items()},
    )


def measure_arrivals(scope: KpiScope) -> Arrivals:
    """Arrivals inside the promised window, and the rest by how early or late they were (by arrival day)."""
    minutes_late = (epoch_s(Visit.started_at) - epoch_s(Visit.promised_end)) / 60.0
    late_cases = [(minutes_late <= bound, code) for code, bound in rules.LATE_BANDS if bound is not None]
    band = case(
        (Visit.started_at < Visit.promised_start, "early"),
        (Visit.started_at <= Visit.promised_end, "on_time"),
        *late_cases,
        else_=rules.LATE_BANDS[-1][0],
    ).label("band")
    day = scope.local_day(Visit.started_at).label("day")
    query = (
        _visits_in_scope(select(day, band, func.count()), scope)
        .where(
            Visit.started_at.is_not(None),
            Visit.promised_start.is_not(None),
            Visit.promised_end.is_not(None),
            scope.in_period(Visit.started_at),
        )
        .group_by(day, band)
    )
    bands: Counter[str] = Counter(dict.fromkeys(rules.ARRIVAL_BANDS, 0))
    by_bucket: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    for day_number, band_code, count in db.session.execute(query):
        bands[band_code] += count
        cell = by_bucket[scope.bucket_of(day_number)]
        cell[0] += count
        cell[1] += count if band_code == "on_time" else 0
    arrivals = sum(bands.values())
    return Arrivals(
        arrivals=arrivals,
        on_time=bands["on_time"],
        rate_pct=rules.rate(bands["on_time"], arrivals),
        bands={code: bands[code] for code in rules.ARRIVAL_BANDS},
        by_bucket={k: (v[0], v[1]) for k, v in by_bucket.items()},
    )
