"""Remedies offered on a ticket, return orders with their pickup visit, and the warehouse's receipt checks."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from common.db import Model, UTCDateTime, utcnow
from common.models import User, str_enum
from dispatch.enums import ProductCategory, Responsibility, VisitStatus
from dispatch.models import Ticket, Visit
from dispatch.remedies.enums import RemedyStatus, RemedyStep, ReturnKind, ReturnStatus


class Remedy(Model):
    """One remedy CS offered on the ladder, with the customer's answer and, above CS's limit, a manager's decision."""

    __tablename__ = "remedies"
    __table_args__ = (CheckConstraint("amount_yuan IS NULL OR amount_yuan > 0", name="remedy_amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    step: Mapped[RemedyStep] = mapped_column(str_enum(RemedyStep, "remedy_step"))
    status: Mapped[RemedyStatus] = mapped_column(str_enum(RemedyStatus, "remedy_status"), index=True)
    amount_yuan: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    # Who bears the cost, by the responsibility rule at the time it was offered.
    payer: Mapped[Responsibility] = mapped_column(str_enum(Responsibility, "remedy_payer"))
    note: Mapped[str | None] = mapped_column(Text)
    offered_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    offered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decision_reason: Mapped[str | None] = mapped_column(Text)

    ticket: Mapped[Ticket] = relationship()
    offered_by: Mapped[User] = relationship(foreign_keys=[offered_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    return_order: Mapped[ReturnOrder | None] = relationship(back_populates="remedy", uselist=False)


class ReturnOrder(Model):
    """The unit going back after an accepted exchange or return: its pickup visit and its destination warehouse."""

    __tablename__ = "return_orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    remedy_id: Mapped[int] = mapped_column(ForeignKey("remedies.id"), unique=True)
    kind: Mapped[ReturnKind] = mapped_column(str_enum(ReturnKind, "return_kind"))
    category: Mapped[ProductCategory] = mapped_column(str_enum(ProductCategory, "return_product_category"))
    # A warehouse code from RETURN_WAREHOUSES (e.g. "beijing_factory"), chosen by the product's category.
    warehouse: Mapped[str] = mapped_column(String(64))
    pickup_visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id"), unique=True)
    status: Mapped[ReturnStatus] = mapped_column(
        str_enum(ReturnStatus, "return_status"), default=ReturnStatus.AWAITING_PICKUP
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    ticket: Mapped[Ticket] = relationship()
    remedy: Mapped[Remedy] = relationship(back_populates="return_order")
    pickup_visit: Mapped[Visit] = relationship()
    receipt: Mapped[ReceiptCheck | None] = relationship(back_populates="return_order", uselist=False)

    @property
    def picked_up(self) -> bool:
        """The unit left the customer: the pickup visit, or a later visit of the ticket (a failed pickup is
        rebooked as a new visit), is completed."""
        first = self.pickup_visit.sequence_no
        return any(v.status is VisitStatus.COMPLETED and v.sequence_no >= first for v in self.ticket.visits)


class ReceiptCheck(Model):
    """What the warehouse found when the unit arrived: packaging, appearance, quantity; pass -> stock, fail -> repair."""

    __tablename__ = "receipt_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    # One check per return order: a second one is a conflict, not a correction.
    return_order_id: Mapped[int] = mapped_column(ForeignKey("return_orders.id"), unique=True)
    packaging_ok: Mapped[bool] = mapped_column()
    appearance_ok: Mapped[bool] = mapped_column()
    quantity_ok: Mapped[bool] = mapped_column()
    outcome: Mapped[ReturnStatus] = mapped_column(str_enum(ReturnStatus, "receipt_outcome"))
    note: Mapped[str | None] = mapped_column(Text)
    checked_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    return_order: Mapped[ReturnOrder] = relationship(back_populates="receipt")
    checked_by: Mapped[User] = relationship()
