"""The bench's data set: the Shanghai demo plus a day of short visits for the technicians to report on."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_migrate import upgrade
from sqlalchemy import select

from common.db import db
from common.i18n import local_zone
from common.models import User
from demo.seed import REGION, seed_demo
from demo.shanghai import DISTRICTS
from dispatch.enums import VisitStatus
from dispatch.models import Visit
from dispatch.schemas import TicketCreateSchema
from dispatch.service.tickets import register_ticket
from dispatch.service.visits import place_visit
from technicians.models import Technician

# Today's bench visits are short and back to back so one technician's day holds many of them.
EVENT_VISIT_MIN = 10
FIRST_EVENT_VISIT = time(0, 10)
# Visits on the coming days give the slot offers routes to insert into, as on a real morning.
ROUTE_DAYS = 3
ROUTE_STARTS = (time(9, 30), time(13, 45), time(16, 0))


@dataclass(frozen=True)
class BenchData:
    """Ids the load client needs: who to log in as, which visits to report on, which to offer slots for."""

    technicians: list[str]  # usernames
    event_visits: dict[str, list[int]]  # username -> today's visits, in order
    offer_visits: list[int]  # unscheduled visits
    cs_user: str


def build(*, event_visits: int, today: date | None = None) -> BenchData:
    """Migrate an empty database, seed the demo and add `event_visits` visits for today (all in one app context)."""
    upgrade()
    today = today or datetime.now(local_zone()).date()
    seed_demo(today=today, tickets=150, plan_days=0)
    rng = random.Random(7)
    cs = db.session.scalar(select(User).where(User.username == "cs"))
    technicians = list(db.session.scalars(select(Technician).order_by(Technician.id)))
    for technician in technicians:  # the bench runs whatever the weekday
        technician.working_days = [1, 2, 3, 4, 5, 6, 7]
    db.session.commit()
    offer_visits = list(
        db.session.scalars(select(Visit.id).where(Visit.status == VisitStatus.UNSCHEDULED).order_by(Visit.id))
    )
    schema = TicketCreateSchema()
    zone = local_zone()
    by_username: dict[str, list[int]] = {t.user.username: [] for t in technicians}
    for n in range(event_visits):
        technician = technicians[n % len(technicians)]
        slot = n // len(technicians)
        start = datetime.combine(today, FIRST_EVENT_VISIT, zone) + timedelta(minutes=EVENT_VISIT_MIN * slot)
        visit = _new_visit(schema, rng, n, today, by=cs)
        place_visit(
            visit,
            technician=technician,
            start=start,
            end=start + timedelta(minutes=EVENT_VISIT_MIN),
            by=cs,
            source="bench",
        )
        by_username[technician.user.username].append(visit.id)
        if n % 50 == 49:
            db.session.commit()
    for offset in range(1, ROUTE_DAYS + 1):
        day = today + timedelta(days=offset)
        for k, technician in enumerate(technicians):
            for j, starts in enumerate(ROUTE_STARTS):
                visit = _new_visit(schema, rng, 100_000 + offset * 1000 + k * 10 + j, today, by=cs)
                start = datetime.combine(day, starts, zone)
                place_visit(visit, technician=technician, start=start, by=cs, source="bench")
    db.session.commit()
    return BenchData(
        technicians=list(by_username), event_visits=by_username, offer_visits=offer_visits, cs_user=cs.username
    )


def _new_visit(schema: TicketCreateSchema, rng: random.Random, n: int, today: date, *, by: User) -> Visit:
    district = DISTRICTS[n % len(DISTRICTS)]
    window_start = datetime.combine(today + timedelta(days=1), time(9), local_zone())
    request = schema.load(
        {
            "order": {
                "platform": "own_shop",
                "order_no": f"BENCH{n:07d}",
                "order_value": 4599,
                "purchase_date": (today - timedelta(days=3)).isoformat(),
            },
            "customer": {
                "name": "压测客户",
                "phone": f"13{rng.randrange(10**9):09d}",
                "address": f"上海市{district.name}{district.streets[0]}{n % 900 + 1}号",
                "lat": district.lat + rng.uniform(-0.02, 0.02),
                "lon": district.lon + rng.uniform(-0.02, 0.02),
            },
            "product": {"category": "large_appliance", "brand": "Haier", "sku": "KFR-35GW", "serial_no": f"BSN{n:09d}"},
            "type": "installation",
            "description": "Load bench visit.",
            "availability": [
                {"start": window_start.isoformat(), "end": (window_start + timedelta(hours=9)).isoformat()}
            ],
            "duration_min": EVENT_VISIT_MIN,
            "district": district.name,
            "region": REGION,
        }
    )
    ticket = register_ticket(request, by=by)
    return ticket.visits[0]
