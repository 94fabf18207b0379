"""Measures of tickets: handling time, time limits, complaint causes and who pays, repeat visits by product."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import and_, case, exists, func, select

from common.db import db
from dispatch.enums import Cause, Responsibility, TicketStatus, TicketType, VisitStatus
from dispatch.remedies.enums import RemedyStep
from dispatch.remedies.models import Remedy
from dispatch.remedies.rules import IN_EFFECT
from dispatch.rules import TICKET_OPEN
from reporting import rules
from reporting.models import KpiTicket, KpiVisit
from reporting.service.scope import KpiScope, filter_summary


@dataclass(frozen=True)
class HandlingRow:
    """Tickets of one type closed in the period: how long they took and how many closed past their limit."""

    type: TicketType
    limit_days: int
    closed: int
    average_h: float | None
    closed_late: int


@dataclass(frozen=True)
class TimeLimitRow:
    """Tickets of one type registered in the period, and how many went past their time limit."""

    type: TicketType
    limit_days: int
    registered: int
    closed_late: int
    open_overdue: int
    overdue_pct: float | None


@dataclass(frozen=True)
class ComplaintRow:
    cause: Cause
    responsibility: Responsibility
    tickets: int
    # Compensation given in the period on the ladder to tickets of this cause, registered whenever: accepted by
    # the customer (approved by a manager above CS's limit); declined, pending and refused ones are not given.
    compensations: int = 0
    compensation_yuan: Decimal = Decimal("0.00")


@dataclass(frozen=True)
class RepeatRow:
    """Units of one brand and model with a ticket closed in the period, and those serviced again soon after."""

    brand: str
    model: str
    units: int
    repeated: int
    repeat_pct: float | None


@dataclass(frozen=True)
class TicketFlow:
    """Tickets registered and closed per trend bucket, with the hours the closed ones took."""

    registered: dict[date, int]
    closed: dict[date, tuple[int, float]]  # bucket -> (closed, sum of handling hours)


def _tickets_in_scope(query, scope: KpiScope):
    """Narrow to the filters; a technician is chosen by a visit of theirs (not cancelled) on the ticket."""
    query = filter_summary(query, KpiTicket, scope, technician=False)
    if scope.technician_id is not None:
        query = query.where(
            exists().where(
                KpiVisit.ticket_id == KpiTicket.ticket_id,
                KpiVisit.technician_id == scope.technician_id,
                KpiVisit.status != VisitStatus.CANCELLED,
            )
        )
    return query


def _handling_h():
    return (KpiTicket.closed_s - KpiTicket.created_s) / 3600.0


def measure_handling(scope: KpiScope, *, limit_days: dict[str, int]) -> tuple[list[HandlingRow], TicketFlow]:
    """Registration to closure of the tickets closed in the period, by type, and the flow of tickets per bucket."""
    day = scope.local_day_s(KpiTicket.closed_s).label("day")
    late = case((KpiTicket.closed_s > KpiTicket.due_s, 1), else_=0)
    closed_query = _tickets_in_scope(
        select(KpiTicket.type, day, func.count(), func.sum(_handling_h()), func.sum(late)).where(
            KpiTicket.status == TicketStatus.CLOSED, scope.in_period_s(KpiTicket.closed_s)
        ),
        scope,
    ).group_by(KpiTicket.type, day)
    by_type: dict[TicketType, list[float]] = defaultdict(lambda: [0, 0.0, 0])
    closed: dict[date, list[float]] = defaultdict(lambda: [0, 0.0])
    for ticket_type, day_number, count, hours, late_count in db.session.execute(closed_query):
        cell = by_type[ticket_type]
        cell[0] += count
        cell[1] += float(hours or 0)
        cell[2] += int(late_count or 0)
        bucket = closed[scope.bucket_of(day_number)]
        bucket[0] += count
        bucket[1] += float(hours or 0)
    rows = [
        HandlingRow(
            type=t,
            limit_days=limit_days[t.value],
            closed=int(by_type[t][0]),
            average_h=rules.mean(by_type[t][1], int(by_type[t][0])),
            closed_late=int(by_type[t][2]),
        )
        for t in TicketType
    ]

    registered_day = scope.local_day_s(KpiTicket.created_s).label("day")
    registered_query = _tickets_in_scope(
        select(registered_day, func.count()).where(scope.in_period_s(KpiTicket.created_s)), scope
    ).group_by(registered_day)
    registered: dict[date, int] = defaultdict(int)
    for day_number, count in db.session.execute(registered_query):
        registered[scope.bucket_of(day_number)] += count
    return rows, TicketFlow(registered=dict(registered), closed={k: (int(v[0]), v[1]) for k, v in closed.items()})


def measure_time_limits(scope: KpiScope, *, limit_days: dict[str, int]) -> list[TimeLimitRow]:
    """Of the tickets registered in the period (not cancelled), those closed after their due time and those
    still open past it now (the 3-day return and 5-day quality rules, as stored in each ticket's due time)."""
    closed_late = case(
        (and_(KpiTicket.status == TicketStatus.CLOSED, KpiTicket.closed_s > KpiTicket.due_s), 1), else_=0
    )
    open_overdue = case((and_(KpiTicket.status.in_(TICKET_OPEN), KpiTicket.due_s < scope.now_s), 1), else_=0)
    query = _tickets_in_scope(
        select(KpiTicket.type, func.count(), func.sum(closed_late), func.sum(open_overdue)).where(
            scope.in_period_s(KpiTicket.created_s), KpiTicket.status != TicketStatus.CANCELLED
        ),
        scope,
    ).group_by(KpiTicket.type)
    found = {t: (n, int(late or 0), int(still or 0)) for t, n, late, still in db.session.execute(query)}
    rows = []
    for ticket_type in TicketType:
        registered, late, still = found.get(ticket_type, (0, 0, 0))
        rows.append(
            TimeLimitRow(
                type=ticket_type,
                limit_days=limit_days[ticket_type.value],
                registered=registered,
                closed_late=late,
                open_overdue=still,
                overdue_pct=rules.rate(late + still, registered),
            )
        )
    return rows


def measure_complaints(scope: KpiScope) -> list[ComplaintRow]:
    """Tickets registered in the period with a recorded cause, by cause and by who pays for it, with the
    compensation given in the period on the ladder (count and yuan), whenever its ticket was registered.

    A compensation counts on the day it was given: the day the customer accepted it, or, above CS's limit,
    the day a manager approved it; the money goes out then, not when the ticket came in."""
    registered = _tickets_in_scope(
        select(KpiTicket.cause, KpiTicket.responsibility, func.count()).where(
            scope.in_period_s(KpiTicket.created_s), KpiTicket.cause.is_not(None)
        ),
        scope,
    ).group_by(KpiTicket.cause, KpiTicket.responsibility)
    given_at = func.coalesce(Remedy.decided_at, Remedy.offered_at)
    given = _tickets_in_scope(
        select(KpiTicket.cause, KpiTicket.responsibility, func.count(), func.coalesce(func.sum(Remedy.amount_yuan), 0))
        .join(Remedy, Remedy.ticket_id == KpiTicket.ticket_id)
        .where(
            Remedy.step == RemedyStep.COMPENSATION,
            Remedy.status.in_(IN_EFFECT),
            given_at >= scope.start,
            given_at < scope.end,
            KpiTicket.cause.is_not(None),
        ),
        scope,
    ).group_by(KpiTicket.cause, KpiTicket.responsibility)
    tickets = {(cause, responsibility): count for cause, responsibility, count in db.session.execute(registered)}
    money = {
        (cause, responsibility): (int(count), Decimal(str(yuan)).quantize(Decimal("0.01")))
        for cause, responsibility, count, yuan in db.session.execute(given)
    }
    rows = [
        ComplaintRow(
            cause=cause,
            responsibility=responsibility,
            tickets=tickets.get((cause, responsibility), 0),
            compensations=money.get((cause, responsibility), (0, Decimal("0.00")))[0],
            compensation_yuan=money.get((cause, responsibility), (0, Decimal("0.00")))[1],
        )
        for cause, responsibility in tickets.keys() | money.keys()
    ]
    return sorted(rows, key=lambda r: (-r.tickets, r.cause.value, r.responsibility.value))


def measure_repeats(scope: KpiScope) -> list[RepeatRow]:
    """Units (by serial number) with a ticket closed in the period, and those with another ticket registered
    within REPEAT_WINDOW_DAYS after that closure, by brand and model (the product's SKU)."""
    # Whether the unit came back is kept in the summary (reporting.summary.ticket_rows).
    repeated_serial = case((KpiTicket.came_back.is_(True), KpiTicket.serial_no), else_=None)
    query = _tickets_in_scope(
        select(
            KpiTicket.brand,
            KpiTicket.sku,
            func.count(KpiTicket.serial_no.distinct()),
            func.count(repeated_serial.distinct()),
        ).where(KpiTicket.status == TicketStatus.CLOSED, scope.in_period_s(KpiTicket.closed_s)),
        scope,
    ).group_by(KpiTicket.brand, KpiTicket.sku)
    rows = [
        RepeatRow(brand=brand, model=sku, units=units, repeated=repeated, repeat_pct=rules.rate(repeated, units))
        for brand, sku, units, repeated in db.session.execute(query)
    ]
    return sorted(rows, key=lambda r: (-r.repeated, -r.units, r.brand, r.model))
