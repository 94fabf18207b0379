"""Benchmark of the dashboard: the whole page's data for a period, on a generated history.

    python -m reporting.bench --database-url postgresql+psycopg://postgres@127.0.0.1:5432/reporting_bench \
        --tickets 100000 --days 365 --period-days 90 --repeat 5

The database is created (PostgreSQL) and filled with `reporting.history` on first use, then reused;
--reset builds it again. Prints the generation time, then each run's time and the median. Goal: under 1 s.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import datetime, timedelta

from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from common.db import db
from common.i18n import local_zone
from common.models import Role, User
from dispatch.models import Ticket

GOAL_S = 1.0


def _ensure_postgres_database(url: str, *, reset: bool) -> None:
    import psycopg

    parsed = make_url(url)
    if not parsed.get_backend_name().startswith("postgresql"):
        return
    admin = parsed.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (parsed.database,)).fetchone()
        if exists and reset:
            connection.execute(f'DROP DATABASE "{parsed.database}" WITH (FORCE)')
            exists = None
        if not exists:
            connection.execute(f'CREATE DATABASE "{parsed.database}"')


def _manager() -> User:
    manager = db.session.scalar(select(User).where(User.role == Role.MANAGER).limit(1))
    if manager is None:
        manager = User(username="bench-manager", display_name="Bench manager", password_hash="!", role=Role.MANAGER)
        db.session.add(manager)
        db.session.commit()
    return manager


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m reporting.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/reporting_bench")
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=365, help="days of history the tickets spread over")
    parser.add_argument("--period-days", type=int, default=90, help="length of the dashboard period measured")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--reset", action="store_true", help="drop and generate the history again")
    args = parser.parse_args(argv)

    from app import create_app
    from reporting.history import generate_history
    from reporting.service import summarise_kpis

    _ensure_postgres_database(args.database_url, reset=args.reset)
    app = create_app({"SQLALCHEMY_DATABASE_URI": args.database_url})
    with app.app_context(), app.test_request_context():
        db.create_all()
        have = db.session.scalar(select(func.count()).select_from(Ticket))
        if have == 0:
            started = time.perf_counter()
            summary = generate_history(tickets=args.tickets, days=args.days)
            print(
                f"generated {summary.tickets} tickets, {summary.visits} visits, {summary.follow_ups} follow-ups "
                f"in {time.perf_counter() - started:.1f} s"
            )
            if db.engine.dialect.name == "postgresql":
                db.session.execute(text("ANALYZE"))
                db.session.commit()
        else:
            print(f"reusing {have} tickets in {make_url(args.database_url).render_as_string()} (--reset to rebuild)")
        manager = _manager()
        last = datetime.now(local_zone()).date()
        first = last - timedelta(days=args.period_days - 1)
        timings = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            dashboard = summarise_kpis(first, last=last, by=manager, with_choices=True)
            timings.append(time.perf_counter() - started)
            db.session.rollback()
        median = statistics.median(timings)
        print(
            f"dashboard {first}..{last} ({args.period_days} days, {db.engine.dialect.name}): "
            f"first-time fix {dashboard.first_time_fix.tickets} tickets, {dashboard.arrivals.arrivals} arrivals, "
            f"{dashboard.satisfaction.calls} calls"
        )
        print("runs: " + ", ".join(f"{t:.3f}" for t in timings) + " s")
        print(f"median {median:.3f} s (goal < {GOAL_S:.1f} s): {'OK' if median < GOAL_S else 'TOO SLOW'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
