"""Slot offers through the app: `GET /api/v1/visits/<id>/slots` on a real database with a realistic week.

The week is built like `scheduling/bench/slots.py` books it (the same crew and customers): each visit is
booked into a random one of its day's offers by the pure core, so every route is feasible and packed the
way bookings pack it. The rows then go into a fresh database through the app's own models (migrations
applied), the visits promised and placed on their technicians. Then a CS agent asks the API for the
offers of visits still to be booked, `--requests` times, through the app (the test client: no network),
and the bench prints the median and p95 of the answer time.

`--compare` times the same requests with the previous loader first ("before": ORM objects, each ticket's
visits loaded one at a time) and then the row loader ("after"), in one run on the same database.
`--profile` prints where the time of the last measured pass goes (cProfile, the top functions by own time).
`--offers-out FILE` writes the offers of every visit asked about, with each loader, as JSON: the same seed on
the same day builds the same week, so two versions of the code can be checked to offer exactly the same slots.
"""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import random
import statistics
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal

from common.scratch_database import create_scratch_database
from scheduling.bench.field import LAT_RANGE, LON_RANGE, SKILLS
from scheduling.bench.slots import DURATIONS_MIN, GRID, Week, new_request

PASSWORD = "bench-pass"
REGION = "shanghai"


def book_week(technicians: int, visits: int, days: int, seed: int) -> tuple[list[dict], list[dict], dict]:
    """The crew, their homes and the booked visits: each one booked into a random offer of a random day."""
    rng = random.Random(seed)
    week = Week(technicians, days, rng)
    for n in range(1, visits + 1):
        new = new_request(rng, n)
        day = rng.randrange(days)
        offers = week.offers(day, new)
        if not offers:
            continue
        offer = rng.choice(offers)
        week.book(day, new, offer)
        for stop in offer.route.stops:
            week.booked[stop.visit]["planned"] = stop.start  # a booking may move others later inside their slot
    return week.crew, week.homes, week.booked


def _seconds_clock(seconds: int) -> clock:
    return clock(seconds // 3600, seconds % 3600 // 60)


def load_week(crew: list[dict], homes: list[dict], booked: dict, *, first_day: date, targets: int, seed: int):
    """The week as rows, through the app's models; returns the ids of `targets` visits still to be booked."""
    from common.auth import hash_password
    from common.db import db
    from common.i18n import local_zone
    from common.models import Role, User
    from dispatch.enums import Platform, ProductCategory, TicketStatus, TicketType, VisitStatus, WarrantyStatus
    from dispatch.models import AvailabilityWindow, Customer, Order, Product, Skill, Ticket, Visit
    from scheduling.day.clock import from_day_seconds, local_midnight
    from technicians.models import Technician

    rng = random.Random(seed + 1)
    cs = User(username="cs", display_name="CS", password_hash=hash_password(PASSWORD), role=Role.CS)
    db.session.add(cs)
    skills = {code: Skill(code=code, name=code) for code in SKILLS}
    db.session.add_all(skills.values())
    home_of = {h["id"]: h for h in homes}
    technicians = {}
    for entry in crew:
        home = home_of[entry["start"]]
        off = {(first_day + timedelta(days=d)).isoweekday() for d in entry["days_off"]}
        technician = Technician(
            name=f"Technician {entry['id']}",
            phone="13900000000",
            region=REGION,
            home_lat=home["lat"],
            home_lon=home["lon"],
            shift_start=_seconds_clock(entry["shift"][0]),
            shift_end=_seconds_clock(entry["shift"][1]),
            break_start=_seconds_clock(entry["breaks"][0]["window"][0]),
            break_end=_seconds_clock(entry["breaks"][0]["window"][1]),
            break_duration_min=entry["breaks"][0]["duration_s"] // 60,
            working_days=[d for d in range(1, 8) if d not in off],
            service_districts=[],
            max_visits_per_day=entry["max_visits"],
        )
        technician.skills = [skills[code] for code in entry["skills"]]
        technicians[entry["id"]] = technician
    db.session.add_all(technicians.values())
    db.session.flush()

    def ticket_with_visit(n: int, place: dict, skill: str, duration_s: int) -> tuple[Ticket, Visit]:
        customer = Customer(
            name=f"Customer {n}",
            phone=f"138{n:08d}",
            address=f"{n} Nanjing Road",
            lat=place["lat"],
            lon=place["lon"],
            district="huangpu",
            region=REGION,
        )
        order = Order(
            platform=Platform.TMALL,
            order_no=f"BENCH{n:08d}",
            order_value_yuan=Decimal("4599.00"),
            purchase_date=first_day - timedelta(days=20),
            customer=customer,
        )
        product = Product(
            order=order, category=ProductCategory.LARGE_APPLIANCE, brand="Haier", sku="KFR", serial_no=f"B{n:010d}"
        )
        ticket = Ticket(
            order=order,
            product=product,
            customer=customer,
            type=TicketType.INSTALLATION,
            status=TicketStatus.OPEN,
            description="Install.",
            priority=3,
            owner_id=cs.id,
            warranty=WarrantyStatus.IN_WARRANTY,
            warranty_until=first_day + timedelta(days=1000),
            visit_quota=1,
            due_at=local_midnight(first_day + timedelta(days=5)),
        )
        visit = Visit(
            ticket=ticket,
            sequence_no=1,
            status=VisitStatus.UNSCHEDULED,
            required_skills=[skill],
            duration_s=duration_s,
            counts_against_quota=True,
        )
        db.session.add_all([customer, order, product, ticket, visit])
        return ticket, visit

    for n, entry in enumerate(booked.values(), start=1):
        day = first_day + timedelta(days=entry["day"])
        ticket, visit = ticket_with_visit(n, entry["place"], entry["skills"][0], entry["duration_s"])
        a, b = entry["windows"][0]
        ticket.status = TicketStatus.SCHEDULED
        ticket.availability = [
            AvailabilityWindow(start=from_day_seconds(GRID[0], day), end=from_day_seconds(GRID[1], day))
        ]
        visit.status = VisitStatus.SCHEDULED
        visit.technician_id = technicians[entry["technician"]].id
        visit.promised_start, visit.promised_end = from_day_seconds(a, day), from_day_seconds(b, day)
        visit.planned_start = from_day_seconds(entry["planned"], day)
        visit.planned_end = visit.planned_start + timedelta(seconds=entry["duration_s"])
    target_ids = []
    for k in range(targets):
        n = len(booked) + k + 1
        place = {"lat": round(rng.uniform(*LAT_RANGE), 6), "lon": round(rng.uniform(*LON_RANGE), 6)}
        ticket, visit = ticket_with_visit(n, place, rng.choice(SKILLS), 60 * rng.choices(DURATIONS_MIN)[0])
        # at home every day of the week, 08:00-20:00: every free slot is offered
        ticket.availability = [
            AvailabilityWindow(
                start=datetime.combine(first_day + timedelta(days=d), clock(8), tzinfo=local_zone()),
                end=datetime.combine(first_day + timedelta(days=d), clock(20), tzinfo=local_zone()),
            )
            for d in range(7)
        ]
        db.session.flush()
        target_ids.append(visit.id)
    db.session.commit()
    return target_ids


def _write_offers(client, headers: dict, target_ids: list[int], days: int, path: str, *, echo=print) -> None:
    """Each asked visit's offers by each loader, keyed by the visit's place in the week (ids differ per database)."""
    import json

    answers: dict[str, dict] = {}
    for loader in ("orm", "rows"):
        client.application.config["SLOT_OFFER_LOADER"] = loader
        for n, visit_id in enumerate(target_ids):
            answer = client.get(f"/api/v1/visits/{visit_id}/slots?days={days}", headers=headers).json
            for offer in answer.get("offers", []):
                offer.pop("technician_id", None)  # named by "Technician t3" already, and ids are per database
            answer.pop("visit_id", None)
            answers[f"{loader} {n}"] = answer
    with open(path, "w") as out:
        json.dump(answers, out, indent=1, sort_keys=True, default=str)
    same = all(answers[f"orm {n}"] == answers[f"rows {n}"] for n in range(len(target_ids)))
    echo(f"offers of {len(target_ids)} visits written to {path}; both loaders offer the same: {same}")


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(share * len(ordered)) - 1)]


def run(
    technicians: int,
    visits: int,
    days: int,
    seed: int,
    *,
    backend: str,
    requests: int,
    targets: int = 20,
    compare: bool = False,
    profile: bool = False,
    offers_out: str | None = None,
    pg_admin_url: str = "postgresql://postgres@127.0.0.1:5432/postgres",
    echo=print,
) -> dict:
    """Build the week in a fresh database, then time `requests` offer requests; print and return the figures."""
    import tempfile
    from pathlib import Path

    from flask_migrate import upgrade

    from app import create_app
    from common.db import db
    from common.i18n import local_zone

    started = time.perf_counter()
    crew, homes, booked = book_week(technicians, visits, days, seed)
    echo(
        f"slot offers through the app ({backend}): {technicians} technicians, {len(booked)} of {visits} visits "
        f"booked over {days} days by the core ({time.perf_counter() - started:.1f} s), seed {seed}"
    )
    drop = None
    folder = tempfile.TemporaryDirectory(prefix="slots-bench-")
    if backend == "postgresql":
        url, drop = create_scratch_database(pg_admin_url, prefix="dispatch_slots_bench")
    else:
        url = "sqlite:///" + str(Path(folder.name) / "bench.db")
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "slots-bench",
            "JOBS_EAGER": True,
            "RATELIMIT_STORAGE_URI": "memory://",
            "UPLOAD_DIR": str(Path(folder.name) / "uploads"),
        }
    )
    try:
        with app.app_context():
            started = time.perf_counter()
            upgrade(directory=str(Path(__file__).resolve().parents[2] / "migrations"))
            first_day = datetime.now(UTC).astimezone(local_zone()).date() + timedelta(days=1)
            target_ids = load_week(crew, homes, booked, first_day=first_day, targets=targets, seed=seed)
            echo(f"database loaded through the app's models in {time.perf_counter() - started:.1f} s")
            db.session.remove()
        client = app.test_client()
        token = client.post("/api/v1/auth/token", json={"username": "cs", "password": PASSWORD}).json["token"]
        headers = {"Authorization": f"Bearer {token}"}

        def measure(rows: bool, *, profiled: bool, count: int = requests) -> list[float]:
            app.config["SLOT_OFFER_LOADER"] = "rows" if rows else "orm"
            timings, profiler = [], cProfile.Profile() if profiled else None
            for i in range(count):
                visit_id = target_ids[i % len(target_ids)]
                began = time.perf_counter()
                if profiler:
                    profiler.enable()
                answer = client.get(f"/api/v1/visits/{visit_id}/slots?days={days}", headers=headers)
                if profiler:
                    profiler.disable()
                timings.append((time.perf_counter() - began) * 1000)
                if answer.status_code != 200:
                    raise RuntimeError(f"offers for visit {visit_id} answered {answer.status_code}: {answer.json}")
            if profiler:
                out = io.StringIO()
                pstats.Stats(profiler, stream=out).sort_stats(
                    os.environ.get("BENCH_PROFILE_SORT", "tottime")
                ).print_stats(25)
                echo(out.getvalue())
            return timings

        if offers_out:
            _write_offers(client, headers, target_ids, days, offers_out, echo=echo)
        results = {}
        passes = [("before (ORM loader)", False), ("after (row loader)", True)] if compare else [("", True)]
        for name, rows in passes:
            measure(rows, profiled=False, count=2)  # warm: the first answers load the app's lazy parts
            timings = measure(rows, profiled=profile and rows == passes[-1][1])
            median, p95 = statistics.median(timings), _percentile(timings, 0.95)
            results[name or "offers"] = {"median_ms": median, "p95_ms": p95}
            echo(
                f"GET offers ({days} days){' ' + name if name else ''}: {requests} requests over {len(target_ids)} "
                f"visits: median {median:.1f} ms, p95 {p95:.1f} ms, max {max(timings):.1f} ms"
            )
        return results
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        if drop is not None:
            drop()
        folder.cleanup()
