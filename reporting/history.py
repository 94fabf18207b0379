"""A generated history of closed and open tickets with visits, reports and follow-up calls, for benchmarks.

Rows go in with bulk inserts (one executemany per table and chunk, `reporting.history_rows`), so 100,000
tickets take seconds rather than the minutes the ORM would need one by one. A seeded generator makes the
same history every time. The lives of tickets follow the business rules: due times by type, who pays by
cause, a failed visit or an unresolved report brings a second visit, up to three follow-up calls.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from common.db import db
from common.i18n import local_zone
from common.models import Role, User
from demo.catalogue import PRODUCTS, SHIFTS
from demo.shanghai import DISTRICTS
from dispatch.enums import (
    Cause,
    CloseReason,
    FollowUpStatus,
    Platform,
    ProductCategory,
    TicketStatus,
    TicketType,
    VisitStatus,
)
from dispatch.models import FollowUp, Product, Ticket, Visit
from dispatch.rules import TICKET_OPEN, default_skills
from reporting.history_rows import MAX_CALLS, HistoryRows, Unit
from technicians.enums import ServiceResult
from technicians.models import Technician

CHUNK = 5_000
TYPE_WEIGHTS = {
    TicketType.INSTALLATION: 40,
    TicketType.REPAIR: 30,
    TicketType.INSPECTION: 10,
    TicketType.RETURN_PICKUP: 10,
    TicketType.EXCHANGE: 10,
}
CAUSES = {
    TicketType.REPAIR: (Cause.QUALITY,),
    TicketType.EXCHANGE: (Cause.QUALITY, Cause.WRONG_ITEM, Cause.MISSING_ITEM, Cause.TRANSPORT_DAMAGE),
    TicketType.RETURN_PICKUP: (Cause.CHANGE_OF_MIND, Cause.CHANGE_OF_MIND, Cause.QUALITY, Cause.TRANSPORT_DAMAGE),
}
WINDOW_STARTS_H = (10, 12, 14, 16)  # the promised two-hour slots, local time
REPEAT_SHARE = 0.06  # tickets that bring back a unit serviced before


@dataclass(frozen=True)
class HistorySummary:
    tickets: int
    visits: int
    follow_ups: int
    first: date
    last: date


def generate_history(
    *,
    tickets: int,
    days: int,
    region: str = "shanghai",
    technicians: int = 40,
    seed: int = 1,
    now: datetime | None = None,
) -> HistorySummary:
    """Add `tickets` tickets registered over the `days` local days before `now`, with their lives up to `now`."""
    rng = random.Random(seed)
    zone = local_zone()
    now = now or datetime.now(UTC)
    start = datetime.combine((now.astimezone(zone) - timedelta(days=days)).date(), time(0), tzinfo=zone)
    owners = _make_users(rng, Role.CS, 8)
    crew = _make_technicians(rng, technicians, region)
    rows = HistoryRows()
    units_seen: list[Unit] = []
    counts = {"visits": 0, "follow_ups": 0}
    open_units: set[tuple[int, int, TicketType]] = set()
    for n in range(tickets):
        # Customers call in between 09:00 and 21:00 local time.
        created = start + timedelta(days=rng.randrange(days), hours=rng.uniform(9, 21))
        if created >= now:
            created = now - timedelta(minutes=rng.randint(1, 600))
        repeat = rng.choice(units_seen[-2_000:]) if units_seen and rng.random() < REPEAT_SHARE else None
        if repeat is not None and (repeat.order_id, repeat.product_id, TicketType.REPAIR) not in open_units:
            unit, ticket_type = repeat, TicketType.REPAIR
        else:
            unit = _new_unit(rows, rng, created, region)
            units_seen.append(unit)
            ticket_type = rng.choices(list(TYPE_WEIGHTS), weights=list(TYPE_WEIGHTS.values()))[0]
        _ticket_life(
            rows,
            rng,
            counts,
            unit=unit,
            ticket_type=ticket_type,
            created=created,
            now=now,
            owner_id=rng.choice(owners),
            technician_id=rng.choice(crew),
            zone=zone,
        )
        if rows.last(Ticket)["status"] in TICKET_OPEN:
            # One open ticket per unit and type, as the database enforces.
            open_units.add((unit.order_id, unit.product_id, ticket_type))
        if (n + 1) % CHUNK == 0:
            rows.flush()
    rows.write()
    db.session.commit()
    return HistorySummary(
        tickets=tickets,
        visits=counts["visits"],
        follow_ups=counts["follow_ups"],
        first=start.date(),
        last=now.astimezone(zone).date(),
    )


def _make_users(rng: random.Random, role: Role, count: int) -> list[int]:
    # Generated accounts cannot log in: "!" is never the hash of a password.
    users = [
        User(
            username=f"history-{role.value}-{rng.randrange(10**9):09d}-{i}",
            display_name=f"History {i}",
            password_hash="!",
            role=role,
        )
        for i in range(count)
    ]
    db.session.add_all(users)
    db.session.flush()
    return [u.id for u in users]


def _make_technicians(rng: random.Random, count: int, region: str) -> list[int]:
    crew = []
    for i in range(count):
        shift_start, shift_end = rng.choice(SHIFTS)
        district = rng.choice(DISTRICTS)
        crew.append(
            Technician(
                name=f"技师 {i + 1:03d}",
                phone=f"1370000{i:04d}",
                region=region,
                home_lat=district.lat,
                home_lon=district.lon,
                shift_start=shift_start,
                shift_end=shift_end,
                break_start=time(11, 30),
                break_end=time(13, 30),
                break_duration_min=45,
                working_days=[1, 2, 3, 4, 5, 6],
                service_districts=[],
                max_visits_per_day=8,
            )
        )
    db.session.add_all(crew)
    db.session.flush()
    return [t.id for t in crew]


def _new_unit(rows: HistoryRows, rng: random.Random, created: datetime, region: str) -> Unit:
    district = rng.choice(DISTRICTS)
    category = rng.choice(list(ProductCategory))
    brand, sku, price = rng.choice(PRODUCTS[category])
    platform = rng.choice(list(Platform))
    return rows.unit(
        serial_no=f"HS{rows.next_id[Product]:010d}",
        category=category,
        brand=brand,
        sku=sku,
        created=created,
        region=region,
        price=Decimal(price),
        platform=platform,
        district=district,
    )


def _slot(rng: random.Random, after: datetime, zone) -> tuple[datetime, datetime]:
    day = after.astimezone(zone).date() + timedelta(days=rng.choice((1, 1, 2, 2, 3, 4)))
    begin = datetime.combine(day, time(rng.choice(WINDOW_STARTS_H)), tzinfo=zone)
    return begin, begin + timedelta(hours=2)


def _arrival(rng: random.Random, promised: tuple[datetime, datetime]) -> datetime:
    draw = rng.random()
    if draw < 0.07:
        return promised[0] - timedelta(minutes=rng.randint(5, 40))
    if draw < 0.85:
        return promised[0] + timedelta(minutes=rng.randint(0, 119))
    return promised[1] + timedelta(minutes=min(int(rng.expovariate(1 / 35)) + 1, 300))


def _ticket_life(
    rows: HistoryRows,
    rng: random.Random,
    counts: dict,
    *,
    unit: Unit,
    ticket_type: TicketType,
    created: datetime,
    now: datetime,
    owner_id: int,
    technician_id: int,
    zone,
) -> None:
    cause = rng.choice(CAUSES[ticket_type]) if ticket_type in CAUSES else None
    ticket_id = rows.ticket(unit, type=ticket_type, created=created, owner_id=owner_id, cause=cause)
    record = rows.last(Ticket)
    if rng.random() < 0.02:
        closed = created + timedelta(hours=rng.randint(1, 30))
        record.update(status=TicketStatus.CANCELLED, close_reason=CloseReason.CANCELLED, closed_at=closed)
        return
    skills = default_skills(ticket_type, unit.category)
    after, sequence = created, 1
    while True:
        promised = _slot(rng, after, zone)
        visit_id = rows.visit(
            ticket_id, created=after, sequence=sequence, technician_id=technician_id, window=promised, skills=skills
        )
        counts["visits"] += 1
        visit = rows.last(Visit)
        record.update(status=TicketStatus.SCHEDULED)
        arrived = _arrival(rng, promised)
        travel = timedelta(minutes=rng.randint(8, 55))
        if arrived - travel > now:
            return
        rows.on_the_way(ticket_id, visit_id, arrived - travel)
        if arrived > now:
            visit.update(status=VisitStatus.EN_ROUTE)
            record.update(status=TicketStatus.IN_SERVICE)
            return
        finished = arrived + timedelta(minutes=rng.randint(25, 130))
        failed = rng.random() < 0.06
        visit.update(started_at=arrived, status=VisitStatus.ARRIVED)
        record.update(status=TicketStatus.IN_SERVICE)
        if finished > now:
            return
        if failed:
            visit.update(status=VisitStatus.FAILED, finished_at=finished, failure_reason="cannot_fix")
            after, sequence = finished, sequence + 1
            continue
        result = rng.choices(list(ServiceResult), weights=(88, 8, 4))[0] if sequence == 1 else ServiceResult.RESOLVED
        visit.update(status=VisitStatus.COMPLETED, finished_at=finished)
        rows.report(visit_id, technician_id=technician_id, result=result, submitted=finished)
        if result is not ServiceResult.RESOLVED:
            after, sequence = finished, sequence + 1
            continue
        break
    calls = _calls(rng, finished=finished, now=now, zone=zone)
    rows.follow_up(ticket_id, visit_id, owner_id=owner_id, created=finished, calls=calls)
    counts["follow_ups"] += 1
    follow_up = rows.last(FollowUp)
    if follow_up["status"] is FollowUpStatus.PENDING:
        record.update(status=TicketStatus.AWAITING_FOLLOW_UP)
        return
    reason = CloseReason.RESOLVED if follow_up["status"] is FollowUpStatus.DONE else CloseReason.UNREACHABLE
    closed = follow_up["closed_at"]
    record.update(status=TicketStatus.CLOSED, close_reason=reason, closed_at=closed, updated_at=closed)


def _calls(rng: random.Random, *, finished: datetime, now: datetime, zone) -> list[tuple[datetime, int | None, bool]]:
    """Up to MAX_CALLS attempts from the day after the visit, until one reaches the customer or it is `now`."""
    calls = []
    call_day = finished.astimezone(zone).date() + timedelta(days=1)
    for attempt in range(MAX_CALLS):
        # Calls only between 10:00 and 18:00 local, hours apart.
        at = datetime.combine(call_day, time(10 + 3 * attempt, rng.randint(0, 59)), tzinfo=zone)
        if at > now:
            break
        reached = rng.random() < 0.75
        score = rng.choices((1, 2, 3, 4, 5), weights=(3, 4, 10, 33, 50))[0] if reached else None
        calls.append((at, score, reached))
        if reached:
            break
    return calls
