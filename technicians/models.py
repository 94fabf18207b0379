"""Technicians, their skills and working hours, the parts catalogue and service reports."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    Date,
    Float,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from common.db import Model, UTCDateTime, db, utcnow
from common.models import User, str_enum
from dispatch.models import Skill
from technicians.enums import ServiceResult

technician_skills = Table(
    "technician_skills",
    db.metadata,
    Column("technician_id", ForeignKey("technicians.id", ondelete="CASCADE"), primary_key=True),
    Column("skill_id", ForeignKey("skills.id", ondelete="CASCADE"), primary_key=True),
)


class Technician(Model):
    """A crew member; shift and break times are local wall-clock times of the region."""

    __tablename__ = "technicians"
    __table_args__ = (
        CheckConstraint("shift_end > shift_start", name="shift_ends_after_start"),
        CheckConstraint("max_visits_per_day > 0", name="max_visits_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str] = mapped_column(String(32))
    region: Mapped[str] = mapped_column(String(64), default="default", server_default="default", index=True)
    home_address: Mapped[str | None] = mapped_column(String(300))
    home_lat: Mapped[float] = mapped_column(Float)
    home_lon: Mapped[float] = mapped_column(Float)
    shift_start: Mapped[time] = mapped_column(Time)
    shift_end: Mapped[time] = mapped_column(Time)
    # Lunch: a break of `break_duration_min` taken somewhere inside [break_start, break_end].
    break_start: Mapped[time | None] = mapped_column(Time)
    break_end: Mapped[time | None] = mapped_column(Time)
    break_duration_min: Mapped[int] = mapped_column(Integer, default=45, server_default="45")
    working_days: Mapped[list[int]] = mapped_column(JSON, default=lambda: [1, 2, 3, 4, 5, 6])  # ISO weekdays
    service_districts: Mapped[list[str]] = mapped_column(JSON, default=list)  # empty: the whole region
    max_visits_per_day: Mapped[int] = mapped_column(Integer, default=8)
    active: Mapped[bool] = mapped_column(default=True, server_default="1")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    user: Mapped[User | None] = relationship(back_populates="technician")
    skills: Mapped[list[Skill]] = relationship(secondary=technician_skills, order_by=Skill.code)

    @property
    def skill_codes(self) -> list[str]:
        return [skill.code for skill in self.skills]


class Part(Model):
    """A spare part technicians can record on a service report."""

    __tablename__ = "parts"

    id: Mapped[int] = mapped_column(primary_key=True)
    sku: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    price_yuan: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    active: Mapped[bool] = mapped_column(default=True, server_default="1")


class ServiceReport(Model):
    """What the technician filled in on site: work done, parts, fees, photos, signature."""

    __tablename__ = "service_reports"
    __table_args__ = (CheckConstraint("fees_yuan >= 0", name="fees_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id"), unique=True)
    technician_id: Mapped[int] = mapped_column(ForeignKey("technicians.id"), index=True)
    work_done: Mapped[str] = mapped_column(Text)
    result: Mapped[ServiceResult] = mapped_column(str_enum(ServiceResult, "service_result"))
    parts: Mapped[list[dict]] = mapped_column(JSON, default=list)  # [{"sku", "name", "qty", "price_yuan"}]
    fees_yuan: Mapped[Decimal] = mapped_column(Numeric(10, 2), default=Decimal("0"))
    photos: Mapped[list[str]] = mapped_column(JSON, default=list)  # stored file names under UPLOAD_DIR
    signature: Mapped[str | None] = mapped_column(String(255))  # stored file name of the drawn signature
    customer_confirmed: Mapped[bool] = mapped_column(default=False)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    technician: Mapped[Technician] = relationship()


class TechnicianDay(Model):
    """One technician's working day, as a row to lock: slot bookings for that day queue up behind it."""

    __tablename__ = "technician_days"
    __table_args__ = (UniqueConstraint("technician_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    technician_id: Mapped[int] = mapped_column(ForeignKey("technicians.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)  # local date
    # Bumped by every booking on this day, so a change of the day's route is visible.
    version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The last rebalance that changed this route, shown on the phone until the day ends:
    # {"rebalance_id", "added", "removed", "retimed"} (visit counts).
    route_change: Mapped[dict | None] = mapped_column(JSON)
    route_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The shift a rebalance left for this day ([start_s, end_s] from local midnight): a spare shift added
    # (worked even on a day off) or the usual one cut at "out from"; the day's loaders use it instead.
    shift_override: Mapped[list | None] = mapped_column(JSON)
