"""Rows of a generated history, written with bulk inserts: the one way histories are written.

The generator (reporting/history.py) and the tests' hand-made week both add what happened, thing by thing,
to a `HistoryRows` and write it at once; ids are chosen here so that one executemany per table and chunk
inserts them, and the dashboard's summary rows are built from them afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, insert, select, text

from common.db import db
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
from dispatch.models import CallAttempt, Customer, FollowUp, Order, Product, Ticket, TimelineEvent, Visit
from dispatch.rules import DEFAULT_DUE_DAYS, responsibility_for
from reporting.summary import rebuild_summary
from technicians.enums import ServiceResult
from technicians.models import ServiceReport

MAX_CALLS = 3  # follow-up attempts before a customer counts as unreachable
EN_ROUTE = "visit_en_route"
_MODELS = (Customer, Order, Product, Ticket, Visit, ServiceReport, FollowUp, CallAttempt, TimelineEvent)


@dataclass(frozen=True)
class Unit:
    """A unit sold: its order, product and customer rows."""

    order_id: int
    product_id: int
    customer_id: int
    category: ProductCategory


@dataclass
class HistoryRows:
    """Rows of a history waiting for their bulk insert, by model, with the next id of each table.

    The one way histories are written, by the generator (`reporting.history`) and by the tests' hand-made week: each method
    adds the rows of one thing that happened (a unit sold, a ticket, a visit with its report, a follow-up
    with its calls) and returns its id; `write()` inserts them and builds their summary rows.
    """

    next_id: dict[type, int] = field(default_factory=dict)
    rows: dict[type, list[dict]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for model in _MODELS:
            if model not in self.next_id:
                self.next_id[model] = (db.session.scalar(select(func.max(model.id))) or 0) + 1

    def add(self, model: type, **values) -> int:
        new_id = self.next_id[model]
        self.next_id[model] += 1
        self.rows.setdefault(model, []).append({"id": new_id, **values})
        return new_id

    def last(self, model: type) -> dict:
        """The row added last to `model`, to change as its life goes on."""
        return self.rows[model][-1]

    def unit(
        self,
        *,
        serial_no: str,
        category: ProductCategory,
        brand: str,
        sku: str,
        created: datetime,
        region: str = "shanghai",
        price: Decimal = Decimal("5000"),
        platform: Platform = Platform.TMALL,
        name: str | None = None,
        phone: str | None = None,
        district=None,
    ) -> Unit:
        n = self.next_id[Customer]
        customer_id = self.add(
            Customer,
            name=name or f"客户{n}",
            phone=phone or f"139{n:08d}",
            address=f"上海市{district.name}{n}号" if district else f"上海市{n}号",
            lat=district.lat if district else None,
            lon=district.lon if district else None,
            district=district.code if district else None,
            region=region,
            created_at=created,
        )
        order_id = self.add(
            Order,
            platform=platform,
            order_no=f"H{self.next_id[Order]:010d}",
            order_value_yuan=price,
            purchase_date=(created - timedelta(days=10)).date(),
            customer_id=customer_id,
            created_at=created,
        )
        product_id = self.add(Product, order_id=order_id, category=category, brand=brand, sku=sku, serial_no=serial_no)
        return Unit(order_id=order_id, product_id=product_id, customer_id=customer_id, category=category)

    def ticket(
        self,
        unit: Unit,
        *,
        type: TicketType,
        created: datetime,
        owner_id: int,
        cause: Cause | None = None,
        status: TicketStatus = TicketStatus.OPEN,
        closed: datetime | None = None,
        close_reason: CloseReason | None = None,
    ) -> int:
        """A ticket for the unit, due by its type's time limit (who pays follows from the cause)."""
        return self.add(
            Ticket,
            order_id=unit.order_id,
            product_id=unit.product_id,
            customer_id=unit.customer_id,
            type=type,
            description="generated history",
            priority=3,
            owner_id=owner_id,
            cause=cause,
            responsibility=responsibility_for(cause),
            warranty=WarrantyStatus.IN_WARRANTY,
            warranty_until=(created + timedelta(days=700)).date(),
            visit_quota=2,
            photos=[],
            due_at=created + timedelta(days=DEFAULT_DUE_DAYS[type.value]),
            created_at=created,
            updated_at=closed or created,
            status=status,
            close_reason=close_reason,
            closed_at=closed,
        )

    def visit(
        self,
        ticket_id: int,
        *,
        created: datetime,
        sequence: int = 1,
        technician_id: int | None = None,
        window: tuple[datetime, datetime] | None = None,
        skills: list[str] | None = None,
        status: VisitStatus = VisitStatus.SCHEDULED,
    ) -> int:
        """A visit of the ticket, booked in the promised window (planned at its start)."""
        return self.add(
            Visit,
            ticket_id=ticket_id,
            sequence_no=sequence,
            required_skills=skills or [],
            duration_s=3600,
            promised_start=window[0] if window else None,
            promised_end=window[1] if window else None,
            technician_id=technician_id,
            planned_start=window[0] if window else None,
            planned_end=window[0] + timedelta(hours=1) if window else None,
            counts_against_quota=True,
            status=status,
            started_at=None,
            finished_at=None,
            failure_reason=None,
            created_at=created,
            updated_at=created,
        )

    def on_the_way(self, ticket_id: int, visit_id: int, at: datetime) -> int:
        return self.add(
            TimelineEvent, ticket_id=ticket_id, visit_id=visit_id, actor_id=None, action=EN_ROUTE, detail={}, at=at
        )

    def report(self, visit_id: int, *, technician_id: int, result: ServiceResult, submitted: datetime) -> int:
        return self.add(
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
            submitted_at=submitted,
        )

    def follow_up(
        self,
        ticket_id: int,
        visit_id: int,
        *,
        owner_id: int,
        created: datetime,
        calls: list[tuple[datetime, int | None, bool]],
    ) -> int:
        """A follow-up of the visit with its call attempts as (when, satisfaction, reached): done at the first
        call that reached the customer, unreachable after MAX_CALLS missed, pending before that."""
        reached = next((c for c in calls if c[2]), None)
        if reached:
            status, closed = FollowUpStatus.DONE, reached[0]
        elif len(calls) >= MAX_CALLS:
            status, closed = FollowUpStatus.UNREACHABLE, calls[-1][0]
        else:
            status, closed = FollowUpStatus.PENDING, None
        follow_up_id = self.add(
            FollowUp,
            ticket_id=ticket_id,
            visit_id=visit_id,
            owner_id=owner_id,
            status=status,
            satisfaction=reached[1] if reached else None,
            resolved=True if reached else None,
            created_at=created,
            closed_at=closed,
        )
        for at, score, got_through in calls:
            self.add(
                CallAttempt,
                follow_up_id=follow_up_id,
                at=at,
                by_id=owner_id,
                outcome=CallOutcome.REACHED if got_through else CallOutcome.NO_ANSWER,
                satisfaction=score,
                resolved=True if got_through else None,
                note=None,
            )
        return follow_up_id

    def flush(self) -> None:
        # Parents first, so foreign keys hold at every statement.
        for model in _MODELS:
            batch = self.rows.pop(model, [])
            if batch:
                db.session.execute(insert(model), batch)

    def write(self) -> None:
        """Insert every row, move the id sequences past them and build the dashboard's summary rows."""
        self.flush()
        _move_id_sequences_past_generated_rows()
        # The bulk inserts bypass the ORM's flush, and with it the summary's upkeep.
        rebuild_summary(db.session.connection())


def _move_id_sequences_past_generated_rows() -> None:
    """PostgreSQL hands out ids from sequences that explicit ids did not move; set them past the new rows."""
    if db.engine.dialect.name != "postgresql":
        return
    for model in _MODELS:
        table = model.__tablename__
        db.session.execute(
            text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM {table}))")
        )
