"""The dashboard's summary tables, and the indexes it added to other domains' tables.

The summary keeps one row per ticket, per visit and per follow-up call with every input a figure needs
(the product, region and technician the filters choose by, the moments the period picks by, as whole
seconds since 1970 UTC so figures compare, subtract and group integers, and what can only be worked out
across rows: whether a visit was the ticket's first and whether it fixed it, how
long the technician drove to it). Each figure then reads one table, not a join of five. The rows are kept
up to date in the same transaction as the writes that change them (`reporting.summary`); they hold no
foreign keys, so a write never waits on them, and `flask reporting backfill-summary` builds them again.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from common.db import Model
from common.models import str_enum
from dispatch.enums import (
    CallOutcome,
    Cause,
    ProductCategory,
    Responsibility,
    TicketStatus,
    TicketType,
    VisitStatus,
)
from dispatch.models import CallAttempt, Product, Ticket, TimelineEvent, Visit

# The period indexes came with the dashboard's first queries, which read the source rows (migration
# 5d1e0a7c3f42); they are left in place. The filters' brand choices read ix_products_brand.
PERIOD_INDEXES = (
    Index("ix_tickets_created_at", Ticket.created_at),
    Index("ix_tickets_closed_at", Ticket.closed_at),
    Index("ix_visits_started_at", Visit.started_at),
    Index("ix_visits_finished_at", Visit.finished_at),
    Index("ix_call_attempts_at", CallAttempt.at),
    # Travel per visit joins each visit to its "on the way" event.
    Index("ix_timeline_events_visit_id_action", TimelineEvent.visit_id, TimelineEvent.action),
    # The brand filter's choices.
    Index("ix_products_brand", Product.brand),
)


class KpiTicket(Model):
    """One ticket as the dashboard counts it: type, product, region and the moments of its life."""

    __tablename__ = "kpi_tickets"
    __table_args__ = (
        # A new ticket refreshes the earlier ones of its unit (whether the unit came back).
        Index("ix_kpi_tickets_serial_no", "serial_no"),
    )

    ticket_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    type: Mapped[TicketType] = mapped_column(str_enum(TicketType, "ticket_type"))
    status: Mapped[TicketStatus] = mapped_column(str_enum(TicketStatus, "ticket_status"))
    cause: Mapped[Cause | None] = mapped_column(str_enum(Cause, "cause"))
    responsibility: Mapped[Responsibility] = mapped_column(str_enum(Responsibility, "responsibility"))
    region: Mapped[str] = mapped_column(String(64))
    category: Mapped[ProductCategory] = mapped_column(str_enum(ProductCategory, "product_category"))
    brand: Mapped[str] = mapped_column(String(64))
    sku: Mapped[str] = mapped_column(String(64))
    serial_no: Mapped[str] = mapped_column(String(64))
    created_s: Mapped[int] = mapped_column(BigInteger, index=True)
    closed_s: Mapped[int | None] = mapped_column(BigInteger, index=True)
    due_s: Mapped[int] = mapped_column(BigInteger)
    # Closed, and another ticket of the same unit came within REPEAT_WINDOW_DAYS after the closure.
    came_back: Mapped[bool] = mapped_column(Boolean)


class KpiVisit(Model):
    """One visit with its ticket's product and region, and what only its ticket's other visits tell."""

    __tablename__ = "kpi_visits"

    visit_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    ticket_id: Mapped[int] = mapped_column(Integer, index=True)
    technician_id: Mapped[int | None] = mapped_column(Integer, index=True)
    status: Mapped[VisitStatus] = mapped_column(str_enum(VisitStatus, "visit_status"))
    region: Mapped[str] = mapped_column(String(64))
    category: Mapped[ProductCategory] = mapped_column(str_enum(ProductCategory, "product_category"))
    brand: Mapped[str] = mapped_column(String(64))
    promised_start_s: Mapped[int | None] = mapped_column(BigInteger)
    promised_end_s: Mapped[int | None] = mapped_column(BigInteger)
    started_s: Mapped[int | None] = mapped_column(BigInteger, index=True)
    finished_s: Mapped[int | None] = mapped_column(BigInteger, index=True)
    # Performed (completed or failed) with no performed visit before it on the ticket.
    first_performed: Mapped[bool] = mapped_column(Boolean)
    # Completed with a resolved report and no other visit after it (a reopened ticket gets one).
    fixed: Mapped[bool] = mapped_column(Boolean)
    # Seconds from the "on the way" event to arrival; NULL without both.
    travel_s: Mapped[int | None] = mapped_column(BigInteger)


class KpiCall(Model):
    """One follow-up call attempt with its ticket's product and region and the visit's technician."""

    __tablename__ = "kpi_calls"

    call_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    ticket_id: Mapped[int] = mapped_column(Integer, index=True)
    technician_id: Mapped[int | None] = mapped_column(Integer, index=True)
    region: Mapped[str] = mapped_column(String(64))
    category: Mapped[ProductCategory] = mapped_column(str_enum(ProductCategory, "product_category"))
    brand: Mapped[str] = mapped_column(String(64))
    at_s: Mapped[int] = mapped_column(BigInteger, index=True)
    outcome: Mapped[CallOutcome] = mapped_column(str_enum(CallOutcome, "call_outcome"))
    satisfaction: Mapped[int | None] = mapped_column(Integer)


SUMMARY_MODELS = (KpiTicket, KpiVisit, KpiCall)
