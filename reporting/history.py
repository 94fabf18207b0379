"""A generated history of closed and open tickets with visits, reports and follow-up calls, for benchmarks.

Rows go in with bulk inserts (one executemany per table and chunk), with ids chosen here, so 100,000
tickets take seconds rather than the minutes the ORM would need one by one. A seeded generator makes the
same history every time. The lives of tickets follow the business rules: due times by type, who pays by
cause, a failed visit or an unresolved report brings a second visit, up to three follow-up calls.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import func, insert, select, text

from common.db import db
from common.i18n import local_zone
from common.models import Role, User
from demo.seed import PRODUCTS, SHIFTS
from demo.shanghai import DISTRICTS
from dispatch.enums import (
    CallOutcome,
    Cause,
    CloseReason,
    FollowUpStatus,
    Platform,
    ProductCategory,
    TicketStatus,
    TicketType,
    VisitStatus,
    WarrantyStatus,
)
from dispatch.models import (
    CallAttempt,
    Customer,
    FollowUp,
    Order,
    Product,
    Ticket,
    TimelineEvent,
    Visit,
)
from dispatch.rules import DEFAULT_DUE_DAYS, TICKET_OPEN, default_skills, responsibility_for
from technicians.enums import ServiceResult
from technicians.models import ServiceReport, Technician

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


@dataclass
class _Rows:
    """Rows waiting for their bulk insert, by model, with the next id of each table."""

    next_id: dict[type, int]
    rows: dict[type, list[dict]] = field(default_factory=dict)

    def add(self, model: type, **values) -> int:
        new_id = self.next_id[model]
        self.next_id[model] += 1
        self.rows.setdefault(model, []).append({"id": new_id, **values})
        return new_id

    def flush(self) -> None:
        # Parents first, so foreign keys hold at every statement.
        for model in (Customer, Order, Product, Ticket, Visit, ServiceReport, FollowUp, CallAttempt, TimelineEvent):
            batch = self.rows.pop(model, [])
            if batch:
                db.session.execute(insert(model), batch)


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
    rows = _Rows(
        next_id={
            m: (db.session.scalar(select(func.max(m.id))) or 0) + 1
            for m in (Customer, Order, Product, Ticket, Visit, ServiceReport, FollowUp, CallAttempt, TimelineEvent)
        }
    )
    products_seen: list[tuple[int, int, int, ProductCategory]] = []  # (order, product, customer, category)
    counts = {"visits": 0, "follow_ups": 0}
    open_units: set[tuple[int, int, TicketType]] = set()
    for n in range(tickets):
        # Customers call in between 09:00 and 21:00 local time.
        created = start + timedelta(days=rng.randrange(days), hours=rng.uniform(9, 21))
        if created >= now:
            created = now - timedelta(minutes=rng.randint(1, 600))
        repeat = rng.choice(products_seen[-2_000:]) if products_seen and rng.random() < REPEAT_SHARE else None
        if repeat is not None and (repeat[0], repeat[1], TicketType.REPAIR) not in open_units:
            order_id, product_id, customer_id, category = repeat
            ticket_type = TicketType.REPAIR
        else:
            order_id, product_id, customer_id, category = _new_unit(rows, rng, n, created, region)
            products_seen.append((order_id, product_id, customer_id, category))
            ticket_type = rng.choices(list(TYPE_WEIGHTS), weights=list(TYPE_WEIGHTS.values()))[0]
        _ticket_life(
            rows,
            rng,
            counts,
            ticket_type=ticket_type,
            category=category,
            created=created,
            now=now,
            order_id=order_id,
            product_id=product_id,
            customer_id=customer_id,
            owner_id=rng.choice(owners),
            technician_id=rng.choice(crew),
            zone=zone,
        )
        if rows.rows[Ticket][-1]["status"] in TICKET_OPEN:
            # One open ticket per unit and type, as the database enforces.
            open_units.add((order_id, product_id, ticket_type))
        if (n + 1) % CHUNK == 0:
            rows.flush()
    rows.flush()
    _move_id_sequences_past_generated_rows()
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


def _new_unit(
    rows: _Rows, rng: random.Random, n: int, created: datetime, region: str
) -> tuple[int, int, int, ProductCategory]:
    district = rng.choice(DISTRICTS)
    customer_id = rows.add(
        Customer,
        name=f"客户{n}",
        phone=f"139{n:08d}",
        address=f"上海市{district.name}{n}号",
        lat=district.lat,
        lon=district.lon,
        district=district.code,
        region=region,
        created_at=created,
    )
    category = rng.choice(list(ProductCategory))
    brand, sku, price = rng.choice(PRODUCTS[category])
    order_id = rows.add(
        Order,
        platform=rng.choice(list(Platform)),
        order_no=f"H{rows.next_id[Order]:010d}",
        order_value_yuan=Decimal(price),
        purchase_date=(created - timedelta(days=rng.randint(1, 20))).date(),
        customer_id=customer_id,
        created_at=created,
    )
    product_id = rows.add(
        Product, order_id=order_id, category=category, brand=brand, sku=sku, serial_no=f"HS{rows.next_id[Product]:010d}"
    )
    return order_id, product_id, customer_id, category


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
    rows: _Rows,
    rng: random.Random,
    counts: dict,
    *,
    ticket_type: TicketType,
    category: ProductCategory,
    created: datetime,
    now: datetime,
    order_id: int,
    product_id: int,
    customer_id: int,
    owner_id: int,
    technician_id: int,
    zone,
) -> None:
    cause = rng.choice(CAUSES[ticket_type]) if ticket_type in CAUSES else None
    ticket = {
        "order_id": order_id,
        "product_id": product_id,
        "customer_id": customer_id,
        "type": ticket_type,
        "description": "generated history",
        "priority": 3,
        "owner_id": owner_id,
        "cause": cause,
        "responsibility": responsibility_for(cause),
        "warranty": WarrantyStatus.IN_WARRANTY,
        "warranty_until": (created + timedelta(days=700)).date(),
        "visit_quota": 2,
        "photos": [],
        "due_at": created + timedelta(days=DEFAULT_DUE_DAYS[ticket_type.value]),
        "created_at": created,
        "updated_at": created,
        "status": TicketStatus.OPEN,
        "close_reason": None,
        "closed_at": None,
    }
    ticket_id = rows.add(Ticket, **ticket)
    record = rows.rows[Ticket][-1]
    if rng.random() < 0.02:
        record.update(
            status=TicketStatus.CANCELLED,
            close_reason=CloseReason.CANCELLED,
            closed_at=created + timedelta(hours=rng.randint(1, 30)),
        )
        return
    skills = default_skills(ticket_type, category)
    after, sequence = created, 1
    while True:
        promised = _slot(rng, after, zone)
        visit = {
            "ticket_id": ticket_id,
            "sequence_no": sequence,
            "required_skills": skills,
            "duration_s": 3600,
            "promised_start": promised[0],
            "promised_end": promised[1],
            "technician_id": technician_id,
            "planned_start": promised[0],
            "planned_end": promised[0] + timedelta(hours=1),
            "counts_against_quota": True,
            "status": VisitStatus.SCHEDULED,
            "started_at": None,
            "finished_at": None,
            "failure_reason": None,
            "created_at": after,
            "updated_at": after,
        }
        visit_id = rows.add(Visit, **visit)
        counts["visits"] += 1
        record.update(status=TicketStatus.SCHEDULED)
        arrived = _arrival(rng, promised)
        travel = timedelta(minutes=rng.randint(8, 55))
        if arrived - travel > now:
            return
        rows.add(
            TimelineEvent,
            ticket_id=ticket_id,
            visit_id=visit_id,
            actor_id=None,
            action="visit_en_route",
            detail={},
            at=arrived - travel,
        )
        if arrived > now:
            rows.rows[Visit][-1].update(status=VisitStatus.EN_ROUTE)
            record.update(status=TicketStatus.IN_SERVICE)
            return
        finished = arrived + timedelta(minutes=rng.randint(25, 130))
        failed = rng.random() < 0.06
        rows.rows[Visit][-1].update(started_at=arrived, status=VisitStatus.ARRIVED)
        record.update(status=TicketStatus.IN_SERVICE)
        if finished > now:
            return
        if failed:
            rows.rows[Visit][-1].update(status=VisitStatus.FAILED, finished_at=finished, failure_reason="cannot_fix")
            after, sequence = finished, sequence + 1
            continue
        result = rng.choices(list(ServiceResult), weights=(88, 8, 4))[0] if sequence == 1 else ServiceResult.RESOLVED
        rows.rows[Visit][-1].update(status=VisitStatus.COMPLETED, finished_at=finished)
        rows.add(
            ServiceReport,
            visit_id=visit_id,
            technician_id=technician_id,
            work_done="generated",
            result=result,
            parts=[],
            fees_yuan=Decimal("0"),
            photos=[],
            signature=None,
            customer_confirmed=True,
            submitted_at=finished,
        )
        if result is not ServiceResult.RESOLVED:
            after, sequence = finished, sequence + 1
            continue
        break
    _follow_up(
        rows,
        rng,
        counts,
        record,
        ticket_id=ticket_id,
        visit_id=visit_id,
        owner_id=owner_id,
        finished=finished,
        now=now,
        zone=zone,
    )


def _follow_up(
    rows: _Rows,
    rng: random.Random,
    counts: dict,
    record: dict,
    *,
    ticket_id: int,
    visit_id: int,
    owner_id: int,
    finished: datetime,
    now: datetime,
    zone,
) -> None:
    record.update(status=TicketStatus.AWAITING_FOLLOW_UP)
    follow_up_id = rows.add(
        FollowUp,
        ticket_id=ticket_id,
        visit_id=visit_id,
        owner_id=owner_id,
        status=FollowUpStatus.PENDING,
        satisfaction=None,
        resolved=None,
        created_at=finished,
        closed_at=None,
    )
    counts["follow_ups"] += 1
    follow_up = rows.rows[FollowUp][-1]
    call_day = finished.astimezone(zone).date() + timedelta(days=1)
    for attempt in range(3):
        # Calls only between 10:00 and 18:00 local, hours apart.
        at = datetime.combine(call_day, time(10 + 3 * attempt, rng.randint(0, 59)), tzinfo=zone)
        if at > now:
            return
        reached = rng.random() < 0.75
        score = rng.choices((1, 2, 3, 4, 5), weights=(3, 4, 10, 33, 50))[0] if reached else None
        rows.add(
            CallAttempt,
            follow_up_id=follow_up_id,
            at=at,
            by_id=owner_id,
            outcome=CallOutcome.REACHED if reached else CallOutcome.NO_ANSWER,
            satisfaction=score,
            resolved=True if reached else None,
            note=None,
        )
        if reached:
            follow_up.update(status=FollowUpStatus.DONE, satisfaction=score, resolved=True, closed_at=at)
            record.update(status=TicketStatus.CLOSED, close_reason=CloseReason.RESOLVED, closed_at=at, updated_at=at)
            return
    follow_up.update(status=FollowUpStatus.UNREACHABLE, closed_at=at)
    record.update(status=TicketStatus.CLOSED, close_reason=CloseReason.UNREACHABLE, closed_at=at, updated_at=at)


def _move_id_sequences_past_generated_rows() -> None:
    """PostgreSQL hands out ids from sequences that explicit ids did not move; set them past the new rows."""
    if db.engine.dialect.name != "postgresql":
        return
    for model in (Customer, Order, Product, Ticket, Visit, ServiceReport, FollowUp, CallAttempt, TimelineEvent):
        table = model.__tablename__
        db.session.execute(
            text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM {table}))")
        )
