"""Rows for planning tests: tickets with one visit each, at a place in Shanghai, on a given day."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select

from common.db import db
from common.models import Role, User
from dispatch.enums import Platform, ProductCategory, TicketType, VisitStatus, WarrantyStatus
from dispatch.models import AvailabilityWindow, Customer, Order, Product, Ticket, Visit
from tests import factories

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 11, 24)  # a Tuesday (ISO weekday 2)
_seq = itertools.count(1)
# Tuesday 11:00 in Shanghai (03:00 UTC), when the technician calls in sick.
ELEVEN_LOCAL = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)
# Ten customers' places in central Shanghai (lat, lon), a few kilometres apart.
CENTRAL_SHANGHAI = [
    (31.2397, 121.4998),
    (31.2243, 121.4690),
    (31.2050, 121.4400),
    (31.2600, 121.5200),
    (31.1950, 121.5100),
    (31.2800, 121.4700),
    (31.2150, 121.4100),
    (31.2450, 121.5400),
    (31.1800, 121.4600),
    (31.2700, 121.4300),
]


def local(day: date, hh: int, mm: int = 0) -> datetime:
    """An aware local (Asia/Shanghai) time on `day`."""
    return datetime.combine(day, time(hh, mm), tzinfo=SHANGHAI)


def cs_owner() -> User:
    user = db.session.query(User).filter_by(role=Role.CS).first()
    return user or factories.make_user("cs")


def make_visit(
    *,
    lat: float | None = 31.23,
    lon: float | None = 121.47,
    district: str | None = "huangpu",
    region: str = "shanghai",
    windows: list[tuple[datetime, datetime]] | None = None,
    promised: tuple[datetime, datetime] | None = None,
    skills: tuple[str, ...] = ("ac_install",),
    duration_min: int = 60,
    priority: int = 3,
    status: VisitStatus = VisitStatus.UNSCHEDULED,
    technician=None,
    planned_start: datetime | None = None,
    due_at: datetime | None = None,
) -> Visit:
    """A ticket with one visit; `windows` are the customer's availability (default 09:00-17:00 on DAY)."""
    n = next(_seq)
    owner = cs_owner()
    customer = Customer(
        name=f"Customer {n}",
        phone=f"1380000{n:04d}",
        address=f"{n} Nanjing Road",
        lat=lat,
        lon=lon,
        district=district,
        region=region,
    )
    order = Order(
        platform=Platform.TMALL,
        order_no=f"PLAN{n:08d}",
        order_value_yuan=Decimal("4599.00"),
        purchase_date=DAY - timedelta(days=20),
        customer=customer,
    )
    product = Product(
        order=order, category=ProductCategory.LARGE_APPLIANCE, brand="Haier", sku="KFR-35GW", serial_no=f"PSN{n:010d}"
    )
    ticket = Ticket(
        order=order,
        product=product,
        customer=customer,
        type=TicketType.INSTALLATION,
        description="Install the air conditioner.",
        priority=priority,
        owner_id=owner.id,
        warranty=WarrantyStatus.IN_WARRANTY,
        warranty_until=DAY + timedelta(days=1000),
        visit_quota=1,
        due_at=due_at or local(DAY + timedelta(days=3), 18),
    )
    for start, end in windows if windows is not None else [(local(DAY, 9), local(DAY, 17))]:
        ticket.availability.append(AvailabilityWindow(start=start, end=end))
    visit = Visit(
        ticket=ticket,
        sequence_no=1,
        status=status,
        required_skills=list(skills),
        duration_s=duration_min * 60,
        promised_start=promised[0] if promised else None,
        promised_end=promised[1] if promised else None,
        technician_id=technician.id if technician else None,
        planned_start=planned_start,
        planned_end=planned_start + timedelta(minutes=duration_min) if planned_start else None,
    )
    db.session.add_all([customer, order, product, ticket, visit])
    db.session.commit()
    return visit


def make_crew(count: int = 3, **overrides) -> list:
    """`count` technicians in Shanghai working every day 08:30-18:00 with lunch 11:30-13:30."""
    homes = [(31.2304, 121.4737), (31.2200, 121.5400), (31.2800, 121.4500), (31.1900, 121.4300)]
    crew = []
    for i in range(count):
        lat, lon = homes[i % len(homes)]
        values = dict(home_lat=lat, home_lon=lon, skills=("ac_install", "washer_repair"))
        values.update(overrides)
        crew.append(factories.make_technician(**values))
    return crew


def busiest_after_eleven() -> tuple[int, list[int]]:
    """The technician with the most visits from 11:00 on (ELEVEN_LOCAL), and those visits."""
    visits = db.session.scalars(select(Visit).where(Visit.planned_start >= ELEVEN_LOCAL)).all()
    by_tech: dict[int, list[int]] = {}
    for visit in visits:
        by_tech.setdefault(visit.technician_id, []).append(visit.id)
    tech = max(by_tech, key=lambda t: len(by_tech[t]))
    return tech, sorted(by_tech[tech])
