"""Small factories that build valid rows with sensible defaults; pass overrides for what a test cares about."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from common.auth import hash_password
from common.db import db
from common.models import Role, User

_seq = itertools.count(1)
# Hashing is deliberately slow; one hash for every factory user keeps the suite quick.
_PASSWORD_HASH: dict[str, str] = {}


def _password_hash(password: str) -> str:
    if password not in _PASSWORD_HASH:
        _PASSWORD_HASH[password] = hash_password(password)
    return _PASSWORD_HASH[password]


def make_user(role: str | Role = Role.CS, *, password: str = "secret-pass", **overrides) -> User:
    n = next(_seq)
    role = Role(role)
    user = User(
        username=overrides.pop("username", f"{role.value}{n}"),
        display_name=overrides.pop("display_name", f"{role.value.title()} {n}"),
        password_hash=_password_hash(password),
        role=role,
        **overrides,
    )
    db.session.add(user)
    db.session.flush()
    if role is Role.TECHNICIAN and user.technician is None:
        make_technician(user=user)
    db.session.commit()
    return user


def make_skill(code: str = "ac_install", name: str | None = None):
    from sqlalchemy import select

    from dispatch.models import Skill

    skill = db.session.scalar(select(Skill).where(Skill.code == code))
    if skill is None:
        skill = Skill(code=code, name=name or code.replace("_", " "))
        db.session.add(skill)
        db.session.flush()
    return skill


def make_technician(
    *, user: User | None = None, skills: tuple[str, ...] = ("ac_install", "washer_repair"), **overrides
):
    from technicians.models import Technician

    n = next(_seq)
    values = dict(
        name=f"Technician {n}",
        phone=f"1390000{n:04d}",
        region="shanghai",
        home_lat=31.2304,
        home_lon=121.4737,
        shift_start=time(8, 30),
        shift_end=time(18, 0),
        break_start=time(11, 30),
        break_end=time(13, 30),
        break_duration_min=45,
        working_days=[1, 2, 3, 4, 5, 6, 7],
        service_districts=[],
        max_visits_per_day=8,
    )
    values.update(overrides)
    technician = Technician(user=user, **values)
    db.session.add(technician)  # before make_skill's query autoflushes the user it is linked to
    technician.skills = [make_skill(code) for code in skills]
    db.session.commit()
    return technician


def ticket_payload(**overrides) -> dict:
    """A valid POST /api/v1/tickets body; override any top-level key."""
    n = next(_seq)
    start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=1)
    body = {
        "order": {
            "platform": "tmall",
            "order_no": f"TM{n:08d}",
            "order_value": 4599.0,
            "purchase_date": (date.today() - timedelta(days=30)).isoformat(),
        },
        "customer": {
            "name": "王芳",
            "phone": "13812345678",
            "address": "上海市浦东新区世纪大道100号",
            "lat": 31.2397,
            "lon": 121.4998,
        },
        "product": {"category": "large_appliance", "brand": "Haier", "sku": "KFR-35GW", "serial_no": f"SN{n:010d}"},
        "type": "installation",
        "description": "New air conditioner, wall mount in the bedroom.",
        "availability": [{"start": start.isoformat(), "end": (start + timedelta(hours=4)).isoformat()}],
    }
    body.update(overrides)
    return body


def money(value: str | float) -> Decimal:
    return Decimal(str(value))


def make_part(sku: str = "CAP-35UF", *, name: str | None = None, price_yuan: str = "45.00", active: bool = True):
    """A catalogue part technicians can put on a service report."""
    from technicians.models import Part

    part = Part(sku=sku, name=name or f"Part {sku}", price_yuan=Decimal(price_yuan), active=active)
    db.session.add(part)
    db.session.commit()
    return part


def make_ticket_with_visit(
    *,
    technician=None,
    visit_status: str = "scheduled",
    ticket_status: str | None = None,
    owner: User | None = None,
    **visit_overrides,
):
    """A ticket (with customer, order and product) and its first visit, built directly through the models.

    With a `technician` the visit is planned on them for tomorrow 10:00 UTC; the ticket status follows the visit's
    (scheduled, in_service once the technician is on the way) unless `ticket_status` says otherwise.
    """
    from dispatch.enums import ProductCategory, TicketStatus, TicketType, VisitStatus, WarrantyStatus
    from dispatch.models import Customer, Order, Product, Ticket, Visit

    n = next(_seq)
    owner = owner or make_user("cs")
    customer = Customer(
        name=f"Customer {n}",
        phone=f"1381234{n:04d}",
        address="上海市浦东新区世纪大道100号",
        lat=31.2397,
        lon=121.4998,
        district="pudong",
        region="shanghai",
    )
    order = Order(
        platform="tmall",
        order_no=f"TMV{n:08d}",
        order_value_yuan=Decimal("4599.00"),
        purchase_date=date.today() - timedelta(days=30),
        customer=customer,
    )
    product = Product(
        order=order, category=ProductCategory.LARGE_APPLIANCE, brand="Haier", sku="KFR-35GW", serial_no=f"SNV{n:09d}"
    )
    visit_status = VisitStatus(visit_status)
    if ticket_status is None:
        ticket_status = {
            VisitStatus.UNSCHEDULED: TicketStatus.OPEN,
            VisitStatus.EN_ROUTE: TicketStatus.IN_SERVICE,
            VisitStatus.ARRIVED: TicketStatus.IN_SERVICE,
        }.get(visit_status, TicketStatus.SCHEDULED)
    now = datetime.now(UTC)
    ticket = Ticket(
        order=order,
        product=product,
        customer=customer,
        type=TicketType.INSTALLATION,
        status=TicketStatus(ticket_status),
        description="Install the air conditioner.",
        priority=3,
        owner_id=owner.id,
        warranty=WarrantyStatus.IN_WARRANTY,
        warranty_until=date.today() + timedelta(days=700),
        visit_quota=1,
        due_at=now + timedelta(days=5),
    )
    start = now.replace(hour=10, minute=0, second=0, microsecond=0) + timedelta(days=1)
    values = dict(ticket=ticket, sequence_no=1, status=visit_status, required_skills=["ac_install"], duration_s=3600)
    if technician is not None:
        values.update(technician_id=technician.id, planned_start=start, planned_end=start + timedelta(hours=1))
    if visit_status is VisitStatus.ARRIVED:
        values.update(started_at=now - timedelta(minutes=30))
    values.update(visit_overrides)
    visit = Visit(**values)
    db.session.add_all([customer, order, product, ticket, visit])
    db.session.commit()
    return ticket, visit
