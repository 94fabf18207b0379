"""Seed a Shanghai demo: users of every role, 25 technicians, a parts catalogue and ~150 open tickets.

Tickets go through the same `register_ticket` use case CS uses, so warranty, quota, due time and skills
follow the real rules. Random choices come from a seeded generator: the same day gives the same demo.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from flask_migrate import downgrade, upgrade
from sqlalchemy import select

from common.auth import hash_password
from common.db import db
from common.i18n import local_zone
from common.models import Role, User
from demo.catalogue import (
    CAUSE_BY_TYPE,
    DAY_WINDOWS,
    EVENING,
    EVENING_REQUESTS,
    GIVEN_NAMES,
    LATE_REQUESTS,
    MORNING_REPORTS,
    PARTS,
    PROBLEMS,
    PRODUCTS,
    SHIFTS,
    SKILL_NAMES,
    SKILL_SETS,
    SURNAMES,
    TYPE_WEIGHTS,
)
from demo.remedies import add_remedy_examples
from demo.shanghai import DEMO_DISTRICT_WEIGHTS, DISTRICTS, District
from dispatch.enums import Platform, TicketStatus, TicketType, VisitStatus
from dispatch.models import Skill, Ticket, Visit
from dispatch.rules import DEFAULT_SKILLS
from dispatch.schemas import TicketCreateSchema
from dispatch.service.follow_ups import queue_follow_up
from dispatch.service.tickets import register_ticket
from dispatch.service.visits import place_visit, return_for_rebooking
from scheduling.service import publish_plan, start_day_plan
from technicians.enums import ServiceResult
from technicians.models import Part, ServiceReport, Technician

DEMO_PASSWORD = "demo-pass"
REGION = "shanghai"


@dataclass(frozen=True)
class SeedSummary:
    users: int
    technicians: int
    tickets: int
    planned_days: list[str]


def demo_exists() -> bool:
    """True when the database already holds users (the demo or real data)."""
    return db.session.scalar(select(User.id).limit(1)) is not None


def seed_demo(*, today: date | None = None, tickets: int = 150, plan_days: int = 1) -> SeedSummary:
    """Fill an empty database with the Shanghai demo and plan its first `plan_days` days."""
    rng = random.Random(20261123)
    today = today or datetime.now(local_zone()).date()
    password_hash = hash_password(DEMO_PASSWORD)
    staff = _add_staff(password_hash)
    _add_skills()
    technicians = _add_technicians(rng, password_hash)
    _add_parts()
    db.session.commit()
    cs_users = [staff["cs"], staff["cs2"]]
    schema = TicketCreateSchema()
    # The requests came in early in the morning (before any of today's availability is over, whenever the
    # demo is seeded), the late ones just after the morning plan.
    early = datetime.combine(today, time(7, 0), local_zone()).astimezone(UTC)
    after_plan = datetime.combine(today, time(8, 30), local_zone()).astimezone(UTC)
    for n in range(tickets):
        # Through the API's own schema, so the demo is valid input by the same rules.
        register_ticket(schema.load(_ticket_request(rng, n, today)), by=cs_users[n % len(cs_users)], now=early)
    # Two customers who can only be home in the evening, after every shift: the plan says why it leaves
    # them out. Then requests that came in after the morning plan: the dispatcher places them by hand.
    for n in range(tickets, tickets + EVENING_REQUESTS):
        register_ticket(schema.load(_ticket_request(rng, n, today, only=EVENING)), by=cs_users[0], now=early)
    planned = _plan_first_days(today, plan_days, by=staff["dispatcher"])
    for n in range(tickets + EVENING_REQUESTS, tickets + EVENING_REQUESTS + LATE_REQUESTS):
        register_ticket(
            schema.load(_ticket_request(rng, n, today, only=(time(13, 0), time(17, 0)))),
            by=cs_users[1],
            now=after_plan,
        )
    _add_morning_so_far(today, technicians[0], owner=staff["cs"], by=staff["dispatcher"])
    db.session.commit()
    add_remedy_examples(today, cs=staff["cs"])
    return SeedSummary(
        users=len(staff) + len(technicians),
        technicians=len(technicians),
        tickets=tickets + EVENING_REQUESTS + LATE_REQUESTS,
        planned_days=planned,
    )


def _add_staff(password_hash: str) -> dict[str, User]:
    people = {
        "admin": ("系统管理员", Role.ADMIN),
        "manager": ("李经理", Role.MANAGER),
        "dispatcher": ("周调度", Role.DISPATCHER),
        "cs": ("陈客服", Role.CS),
        "cs2": ("吴客服", Role.CS),
    }
    users = {}
    for username, (name, role) in people.items():
        users[username] = User(username=username, display_name=name, password_hash=password_hash, role=role)
        db.session.add(users[username])
    db.session.flush()
    return users


def _add_skills() -> None:
    codes = sorted({code for skills in DEFAULT_SKILLS.values() for code in skills})
    for code in codes:
        db.session.add(Skill(code=code, name=SKILL_NAMES[code]))
    db.session.flush()


def _add_technicians(rng: random.Random, password_hash: str) -> list[Technician]:
    skills = {skill.code: skill for skill in db.session.scalars(select(Skill))}
    weighted = [d for d in DISTRICTS for _ in range(DEMO_DISTRICT_WEIGHTS[d.name])]
    technicians = []
    for n in range(1, 26):
        name = SURNAMES[n % len(SURNAMES)] + GIVEN_NAMES[n % len(GIVEN_NAMES)]
        user = User(
            username=f"tech{n:02d}",
            display_name=name,
            password_hash=password_hash,
            role=Role.TECHNICIAN,
        )
        home = weighted[rng.randrange(len(weighted))]
        lat, lon = _near(rng, home, spread_km=2.5)
        shift_start, shift_end = SHIFTS[n % len(SHIFTS)]
        # Most crews work Monday to Saturday; every fourth covers Tuesday to Sunday. tech01, the one
        # the README points newcomers to, works every day so the demo always has a route to show.
        days = [1, 2, 3, 4, 5, 6, 7] if n == 1 else [2, 3, 4, 5, 6, 7] if n % 4 == 0 else [1, 2, 3, 4, 5, 6]
        # A few crews only serve the districts around home; the rest go anywhere in the city.
        districts = _neighbour_districts(home) if n % 6 == 0 else []
        technician = Technician(
            user=user,
            name=name,
            phone=f"139{rng.randrange(10**8):08d}",
            region=REGION,
            home_address=f"上海市{home.name}{rng.choice(home.streets)}{rng.randrange(1, 999)}号",
            home_lat=lat,
            home_lon=lon,
            shift_start=shift_start,
            shift_end=shift_end,
            break_start=time(11, 30),
            break_end=time(13, 30),
            break_duration_min=45,
            working_days=days,
            service_districts=districts,
            max_visits_per_day=rng.choice((6, 7, 8, 9, 10)),
        )
        technician.skills = [skills[code] for code in SKILL_SETS[n % len(SKILL_SETS)]]
        db.session.add(technician)
        technicians.append(technician)
    db.session.flush()
    return technicians


def _neighbour_districts(home: District) -> list[str]:
    by_distance = sorted(DISTRICTS, key=lambda d: (d.lat - home.lat) ** 2 + (d.lon - home.lon) ** 2)
    return [d.name for d in by_distance[:4]]


def _add_parts() -> None:
    for sku, name, price in PARTS:
        db.session.add(Part(sku=sku, name=name, price_yuan=Decimal(price)))


def _near(rng: random.Random, district: District, *, spread_km: float) -> tuple[float, float]:
    # ~111 km per degree of latitude; a degree of longitude is ~95 km at Shanghai's latitude.
    return (
        round(district.lat + rng.gauss(0, spread_km) / 111.0, 6),
        round(district.lon + rng.gauss(0, spread_km) / 95.0, 6),
    )


def _ticket_request(rng: random.Random, n: int, today: date, only: tuple[time, time] | None = None) -> dict:
    weighted = [d for d in DISTRICTS for _ in range(DEMO_DISTRICT_WEIGHTS[d.name])]
    district = weighted[rng.randrange(len(weighted))]
    ticket_type = rng.choices(list(TYPE_WEIGHTS), weights=list(TYPE_WEIGHTS.values()))[0]
    category = rng.choices(list(PRODUCTS), weights=(60, 15, 25))[0]
    brand, sku, price = rng.choice(PRODUCTS[category])
    lat, lon = _near(rng, district, spread_km=3.0)
    purchased = today - timedelta(
        days=rng.randrange(
            2 if ticket_type is TicketType.INSTALLATION else 5, 9 if ticket_type is TicketType.INSTALLATION else 900
        )
    )
    name = SURNAMES[rng.randrange(len(SURNAMES))] + rng.choice(GIVEN_NAMES)
    request = {
        "order": {
            "platform": rng.choice(list(Platform)).value,
            "order_no": f"D{today:%Y%m%d}{n:05d}",
            "order_value": price,
            "purchase_date": purchased.isoformat(),
        },
        "customer": {
            "name": name,
            "phone": f"13{rng.randrange(10**9):09d}",
            "address": f"上海市{district.name}{rng.choice(district.streets)}{rng.randrange(1, 1500)}弄"
            f"{rng.randrange(1, 40)}号{rng.randrange(101, 2802)}室",
            "lat": lat,
            "lon": lon,
        },
        "product": {"category": category.value, "brand": brand, "sku": sku, "serial_no": f"SN{today:%y%m%d}{n:06d}"},
        "type": ticket_type.value,
        "description": rng.choice(PROBLEMS[ticket_type]),
        "availability": _availability(rng, today, n)
        if only is None
        else [
            {
                "start": datetime.combine(today, only[0], local_zone()).isoformat(),
                "end": datetime.combine(today, only[1], local_zone()).isoformat(),
            }
        ],
        "priority": rng.choices((2, 3, 4, 5), weights=(20, 55, 18, 7))[0],
        "cause": CAUSE_BY_TYPE.get(ticket_type),
        "district": district.name,
        "region": REGION,
    }
    return {key: value for key, value in request.items() if value is not None}


def _availability(rng: random.Random, today: date, n: int) -> list[dict]:
    # About half the tickets can be served today (a few stops per technician), the rest over four days.
    day = today + timedelta(days=0 if n % 2 == 0 else rng.randrange(1, 5))
    windows = [rng.choice(DAY_WINDOWS)]
    if rng.random() < 0.25:
        windows.append(rng.choice(DAY_WINDOWS))
    zone = local_zone()
    merged = sorted(set(windows))
    return [
        {"start": datetime.combine(day, start, zone).isoformat(), "end": datetime.combine(day, end, zone).isoformat()}
        for start, end in merged
    ]


def _plan_first_days(today: date, days: int, *, by: User) -> list[str]:
    """Plan and publish the first days so technicians open the demo with a route."""
    planned = []
    for offset in range(days):
        day = today + timedelta(days=offset)
        plan = start_day_plan(day, REGION, time_limit_s=5, by=by)
        if plan.status.value == "draft" and not plan.violations:
            publish_plan(plan.id, by=by)
            planned.append(day.isoformat())
    return planned


# What tech01 already did this morning, so every CS page has something to show: two visits done and
# reported (their follow-up calls wait), one the customer missed (the ticket needs rebooking), and a
# ticket past its due time.


def _add_morning_so_far(today: date, tech01: Technician, *, owner: User, by: User) -> None:
    zone = local_zone()
    candidates = (
        select(Visit)
        .join(Visit.ticket)
        .where(
            Visit.status.in_((VisitStatus.UNSCHEDULED, VisitStatus.SCHEDULED)),
            Ticket.status.in_((TicketStatus.OPEN, TicketStatus.SCHEDULED)),
        )
        .order_by(Visit.planned_start.is_(None), Visit.planned_start, Visit.id)
    )
    # The follow-ups and the rebooking go to `cs`, the user the README suggests; any ticket may run late.
    waiting = list(db.session.scalars(candidates.where(Ticket.owner_id == owner.id).limit(3)))
    waiting += list(
        db.session.scalars(
            candidates.where(Visit.id.not_in([v.id for v in waiting]), Visit.status == VisitStatus.UNSCHEDULED).limit(1)
        )
    )
    if len(waiting) < 4:
        return
    parts = {part.sku: part for part in db.session.scalars(select(Part))}
    for hour, visit in zip((8, 9, 10), waiting[:3]):
        # This morning, on tech01's route (a visit the plan gave to someone else moves to tech01).
        start = datetime.combine(today, time(hour, 0), tzinfo=zone)
        visit.promised_start, visit.promised_end = start, start + timedelta(hours=2)
        place_visit(visit, technician=tech01, start=start + timedelta(minutes=20), by=by, source="demo")
        visit.started_at = start + timedelta(minutes=15)
        visit.finished_at = visit.started_at + timedelta(seconds=visit.duration_s)
        visit.ticket.status = TicketStatus.IN_SERVICE
    for visit, (work, sku) in zip(waiting[:2], MORNING_REPORTS):
        part = parts.get(sku)
        visit.status = VisitStatus.COMPLETED
        db.session.add(
            ServiceReport(
                visit_id=visit.id,
                technician_id=tech01.id,
                work_done=work,
                result=ServiceResult.RESOLVED,
                parts=[{"sku": part.sku, "name": part.name, "qty": 1, "price_yuan": str(part.price_yuan)}]
                if part
                else [],
                fees_yuan=Decimal("80.00"),
                customer_confirmed=False,
            )
        )
        queue_follow_up(visit.ticket, visit=visit, by=None)
    missed = waiting[2]
    missed.status, missed.failure_reason, missed.failure_note = (
        VisitStatus.FAILED,
        "customer_absent",
        "敲门无人，电话未接",
    )
    return_for_rebooking(missed, reason="customer_absent", note=missed.failure_note, by=None)
    late = waiting[3].ticket
    late.created_at = late.created_at - timedelta(days=6)
    late.due_at = late.created_at + timedelta(days=5)


def reset_database() -> None:
    """Take the schema down to nothing and up again through the migrations (demo use only)."""
    downgrade(revision="base")
    upgrade()
