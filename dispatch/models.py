"""CS-side records: customers, orders, products, tickets, visits, follow-ups and the timeline."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from common.db import Model, UTCDateTime, utcnow
from common.models import User, str_enum
from dispatch.enums import (
    CallOutcome,
    Cause,
    CloseReason,
    FollowUpStatus,
    MessageKind,
    MessageStatus,
    Platform,
    ProductCategory,
    Responsibility,
    TicketStatus,
    TicketType,
    VisitStatus,
    WarrantyStatus,
)
from dispatch.rules import TICKET_OPEN

# The statuses of dispatch.rules.TICKET_OPEN as SQL, for the partial unique index (and its migration).
OPEN_TICKET_CONDITION = "status IN (" + ", ".join(f"'{s.value}'" for s in sorted(TICKET_OPEN)) + ")"


class Customer(Model):
    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str] = mapped_column(String(32), index=True)
    address: Mapped[str] = mapped_column(String(300))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    # How lat/lon were found (dispatch/enums.py LocationPrecision); NULL for rows from before the app located addresses.
    location_precision: Mapped[str | None] = mapped_column(String(16))
    district: Mapped[str | None] = mapped_column(String(64), index=True)
    # The city or area one dispatcher plans at a time, e.g. "shanghai".
    region: Mapped[str] = mapped_column(String(64), default="default", server_default="default", index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Order(Model):
    __tablename__ = "orders"
    __table_args__ = (
        UniqueConstraint("platform", "order_no"),
        CheckConstraint("order_value_yuan >= 0", name="order_value_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[Platform] = mapped_column(str_enum(Platform, "platform"))
    order_no: Mapped[str] = mapped_column(String(64))
    order_value_yuan: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    purchase_date: Mapped[date] = mapped_column(Date)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    customer: Mapped[Customer] = relationship()
    products: Mapped[list[Product]] = relationship(back_populates="order")


class Product(Model):
    """One unit on an order, identified by its serial number."""

    __tablename__ = "products"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    category: Mapped[ProductCategory] = mapped_column(str_enum(ProductCategory, "product_category"))
    brand: Mapped[str] = mapped_column(String(64))
    sku: Mapped[str] = mapped_column(String(64))
    serial_no: Mapped[str] = mapped_column(String(64), index=True)

    order: Mapped[Order] = relationship(back_populates="products")


class Ticket(Model):
    """One on-site service request (售后服务单), owned by one CS agent for its whole life."""

    __tablename__ = "tickets"
    __table_args__ = (
        CheckConstraint("priority BETWEEN 1 AND 5", name="priority_range"),
        Index("ix_tickets_open_duplicate_key", "order_id", "product_id", "type", "status"),
        # One open ticket per unit and type: a double-click at intake must not open a second one.
        Index(
            "uq_tickets_open_per_unit_and_type",
            "order_id",
            "product_id",
            "type",
            unique=True,
            postgresql_where=text(OPEN_TICKET_CONDITION),
            sqlite_where=text(OPEN_TICKET_CONDITION),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    type: Mapped[TicketType] = mapped_column(str_enum(TicketType, "ticket_type"))
    status: Mapped[TicketStatus] = mapped_column(
        str_enum(TicketStatus, "ticket_status"), default=TicketStatus.OPEN, index=True
    )
    description: Mapped[str] = mapped_column(Text)
    priority: Mapped[int] = mapped_column(Integer, default=3)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    responsibility: Mapped[Responsibility] = mapped_column(
        str_enum(Responsibility, "responsibility"), default=Responsibility.UNDETERMINED
    )
    cause: Mapped[Cause | None] = mapped_column(str_enum(Cause, "cause"))
    warranty: Mapped[WarrantyStatus] = mapped_column(str_enum(WarrantyStatus, "warranty_status"))
    warranty_until: Mapped[date] = mapped_column(Date)
    visit_quota: Mapped[int] = mapped_column(Integer)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Photos CS took from the customer (stored file names under UPLOAD_DIR/tickets).
    photos: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    close_reason: Mapped[CloseReason | None] = mapped_column(str_enum(CloseReason, "close_reason"))
    close_note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    order: Mapped[Order] = relationship()
    product: Mapped[Product] = relationship()
    customer: Mapped[Customer] = relationship()
    owner: Mapped[User] = relationship()
    availability: Mapped[list[AvailabilityWindow]] = relationship(
        back_populates="ticket", cascade="all, delete-orphan", order_by="AvailabilityWindow.start"
    )
    visits: Mapped[list[Visit]] = relationship(back_populates="ticket", order_by="Visit.sequence_no")
    timeline: Mapped[list[TimelineEvent]] = relationship(back_populates="ticket", order_by="TimelineEvent.id")
    follow_ups: Mapped[list[FollowUp]] = relationship(back_populates="ticket", order_by="FollowUp.id")


class AvailabilityWindow(Model):
    """When the customer said they are at home."""

    __tablename__ = "availability_windows"
    __table_args__ = (CheckConstraint("end_at > start_at", name="window_ends_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    start: Mapped[datetime] = mapped_column("start_at", UTCDateTime())
    end: Mapped[datetime] = mapped_column("end_at", UTCDateTime())

    ticket: Mapped[Ticket] = relationship(back_populates="availability")


class Visit(Model):
    """One trip of a technician to the customer for a ticket."""

    __tablename__ = "visits"
    __table_args__ = (
        UniqueConstraint("ticket_id", "sequence_no"),
        CheckConstraint("duration_s > 0", name="duration_positive"),
        Index("ix_visits_technician_planned_start", "technician_id", "planned_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    sequence_no: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[VisitStatus] = mapped_column(
        str_enum(VisitStatus, "visit_status"), default=VisitStatus.UNSCHEDULED, index=True
    )
    required_skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    duration_s: Mapped[int] = mapped_column(Integer)
    promised_start: Mapped[datetime | None] = mapped_column(UTCDateTime())
    promised_end: Mapped[datetime | None] = mapped_column(UTCDateTime())
    technician_id: Mapped[int | None] = mapped_column(ForeignKey("technicians.id"), index=True)
    planned_start: Mapped[datetime | None] = mapped_column(UTCDateTime())
    planned_end: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Re-visits beyond the order-value quota need a manager's approval.
    counts_against_quota: Mapped[bool] = mapped_column(default=True)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    failure_reason: Mapped[str | None] = mapped_column(String(64))
    failure_note: Mapped[str | None] = mapped_column(Text)
    checkin_lat: Mapped[float | None] = mapped_column(Float)
    checkin_lon: Mapped[float | None] = mapped_column(Float)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    ticket: Mapped[Ticket] = relationship(back_populates="visits")
    technician: Mapped[Technician | None] = relationship()  # noqa: F821
    # What the technician filed on site; named by string so dispatch does not import the technicians package.
    report: Mapped[ServiceReport | None] = relationship(uselist=False, viewonly=True)  # noqa: F821


class FollowUp(Model):
    """A follow-up call (回访) waiting in the ticket owner's queue after a visit."""

    __tablename__ = "follow_ups"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visits.id"))
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[FollowUpStatus] = mapped_column(
        str_enum(FollowUpStatus, "follow_up_status"), default=FollowUpStatus.PENDING, index=True
    )
    satisfaction: Mapped[int | None] = mapped_column(Integer)
    resolved: Mapped[bool | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # a FollowUpKind value; a rebook task also says why and which slots were free when it was queued
    kind: Mapped[str] = mapped_column(String(16), default="follow_up", server_default="follow_up")
    # {why: promise_broken | not_today, reason, reason_code, reason_params, date}: the rebalance's words and code
    reason: Mapped[dict | None] = mapped_column(JSON)
    offered_slots: Mapped[list | None] = mapped_column(JSON)  # [{slot_start, slot_end, technician_name}] (ISO)

    ticket: Mapped[Ticket] = relationship(back_populates="follow_ups")
    visit: Mapped[Visit | None] = relationship()
    owner: Mapped[User] = relationship()
    attempts: Mapped[list[CallAttempt]] = relationship(back_populates="follow_up", order_by="CallAttempt.id")


class CallAttempt(Model):
    __tablename__ = "call_attempts"
    __table_args__ = (
        CheckConstraint("satisfaction IS NULL OR satisfaction BETWEEN 1 AND 5", name="satisfaction_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    follow_up_id: Mapped[int] = mapped_column(ForeignKey("follow_ups.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    outcome: Mapped[CallOutcome] = mapped_column(str_enum(CallOutcome, "call_outcome"))
    satisfaction: Mapped[int | None] = mapped_column(Integer)
    resolved: Mapped[bool | None] = mapped_column()
    note: Mapped[str | None] = mapped_column(Text)

    follow_up: Mapped[FollowUp] = relationship(back_populates="attempts")
    by: Mapped[User] = relationship()


class TimelineEvent(Model):
    """The audit trail of a ticket: every change, who made it and when."""

    __tablename__ = "timeline_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visits.id"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(64))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    ticket: Mapped[Ticket] = relationship(back_populates="timeline")
    actor: Mapped[User | None] = relationship()


class CustomerMessage(Model):
    """A text to the customer (slot confirmed, technician on the way), kept in an outbox until a sender delivers it."""

    __tablename__ = "customer_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visits.id"))
    kind: Mapped[MessageKind] = mapped_column(str_enum(MessageKind, "message_kind"))
    channel: Mapped[str] = mapped_column(String(16), default="sms")
    to_phone: Mapped[str] = mapped_column(String(32))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[MessageStatus] = mapped_column(
        str_enum(MessageStatus, "message_status"), default=MessageStatus.PENDING, index=True
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)

    ticket: Mapped[Ticket] = relationship()
    visit: Mapped[Visit | None] = relationship()


class Skill(Model):
    """A kind of work the company does (e.g. "ac_install"): visits require skills, technicians hold them."""

    __tablename__ = "skills"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(120))
