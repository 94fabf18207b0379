"""Benchmark of the dashboard: the whole page's data for a period, on a generated history.

    python -m reporting.bench --database-url postgresql+psycopg://postgres@127.0.0.1:5432/reporting_bench \
        --tickets 100000 --days 365 --period-days 90 --repeat 5 [--filters]

The database is created (PostgreSQL) and filled with `reporting.history` on first use, then reused;
--reset builds it again. Prints the generation time, then each figure's query time (median of the runs),
each run's time of the whole page (`summarise_kpis` with the filters' choices) and its median. Goal: under
1 s. --filters times the whole page again narrowed to one region, technician, category and brand.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from common.db import db, utcnow
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


def _figures(manager: User, limit_days: dict[str, int]) -> dict[str, Callable]:
    """Each figure of the page by name: a call taking the scope."""
    from reporting.service import dashboard, follow_ups, technicians, tickets, visits

    return {
        "first_time_fix": visits.measure_first_time_fix,
        "arrivals": visits.measure_arrivals,
        "satisfaction": follow_ups.measure_satisfaction,
        "handling_and_flow": lambda scope: tickets.measure_handling(scope, limit_days=limit_days),
        "time_limits": lambda scope: tickets.measure_time_limits(scope, limit_days=limit_days),
        "complaints": tickets.measure_complaints,
        "repeats": tickets.measure_repeats,
        "utilisation": technicians.measure_utilisation,
        "filter_choices": lambda scope: dashboard.list_filter_choices(),
    }


def _start_run() -> None:
    db.session.rollback()
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL jit = off"))  # as summarise_kpis does


def _time_figures(manager: User, first, last, repeat: int) -> dict[str, float]:
    from flask import current_app

    from dispatch.rules import DEFAULT_DUE_DAYS
    from reporting.service.scope import make_scope

    limit_days = {**DEFAULT_DUE_DAYS, **(current_app.config.get("DUE_DAYS") or {})}
    scope = make_scope(first=first, last=last, zone=local_zone(), now=utcnow())
    timings: dict[str, list[float]] = {}
    for _ in range(repeat):
        for name, figure in _figures(manager, limit_days).items():
            _start_run()
            started = time.perf_counter()
            figure(scope)
            timings.setdefault(name, []).append(time.perf_counter() - started)
    db.session.rollback()
    return {name: statistics.median(values) for name, values in timings.items()}


def _time_page(manager: User, first, last, repeat: int, **filters) -> tuple[list[float], object]:
    from reporting.service import summarise_kpis

    timings, dashboard = [], None
    for _ in range(repeat):
        db.session.rollback()
        started = time.perf_counter()
        dashboard = summarise_kpis(first, last=last, with_choices=True, **filters)
        timings.append(time.perf_counter() - started)
    db.session.rollback()
    return timings, dashboard


def _sample_filters() -> dict[str, dict]:
    """One value of each filter, the most common one in the history."""
    from dispatch.models import Customer, Product, Visit

    def most_common(column, *joins):
        query = select(column).select_from(Ticket)
        for join in joins:
            query = query.join(*join)
        return db.session.scalar(query.group_by(column).order_by(func.count().desc(), column).limit(1))

    region = most_common(Customer.region, (Customer, Customer.id == Ticket.customer_id))
    category = most_common(Product.category, (Product, Product.id == Ticket.product_id))
    brand = most_common(Product.brand, (Product, Product.id == Ticket.product_id))
    technician = db.session.scalar(
        select(Visit.technician_id)
        .where(Visit.technician_id.is_not(None))
        .group_by(Visit.technician_id)
        .order_by(func.count().desc(), Visit.technician_id)
        .limit(1)
    )
    return {
        f"region={region}": {"region": region},
        f"technician={technician}": {"technician_id": technician},
        f"category={category.value}": {"category": category},
        f"brand={brand}": {"brand": brand},
    }


def _fill_summary(tickets: int) -> None:
    """A history generated before the summary tables existed gets its summary rows (as after an upgrade)."""
    from reporting.models import KpiTicket
    from reporting.summary import rebuild_summary

    if not tickets or db.session.scalar(select(func.count()).select_from(KpiTicket)) == tickets:
        return
    started = time.perf_counter()
    counts = rebuild_summary(db.session.connection())
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("ANALYZE"))
    db.session.commit()
    print(f"built the summary ({counts}) in {time.perf_counter() - started:.1f} s", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m reporting.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/reporting_bench")
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=365, help="days of history the tickets spread over")
    parser.add_argument("--period-days", type=int, default=90, help="length of the dashboard period measured")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--filters", action="store_true", help="also time the page with each filter chosen")
    parser.add_argument("--reset", action="store_true", help="drop and generate the history again")
    args = parser.parse_args(argv)

    from app import create_app
    from reporting.history import generate_history

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
                f"in {time.perf_counter() - started:.1f} s",
                flush=True,
            )
            if db.engine.dialect.name == "postgresql":
                db.session.execute(text("ANALYZE"))
                db.session.commit()
        else:
            print(f"reusing {have} tickets in {make_url(args.database_url).render_as_string()} (--reset to rebuild)")
        _fill_summary(have)
        manager = _manager()
        last = datetime.now(local_zone()).date()
        first = last - timedelta(days=args.period_days - 1)
        for name, seconds in _time_figures(manager, first, last, args.repeat).items():
            print(f"  {name:<18} {seconds * 1000:8.1f} ms", flush=True)
        timings, dashboard = _time_page(manager, first, last, args.repeat)
        median = statistics.median(timings)
        print(
            f"dashboard {first}..{last} ({args.period_days} days, {db.engine.dialect.name}): "
            f"first-time fix {dashboard.first_time_fix.tickets} tickets, {dashboard.arrivals.arrivals} arrivals, "
            f"{dashboard.satisfaction.calls} calls"
        )
        print("runs: " + ", ".join(f"{t:.3f}" for t in timings) + " s")
        print(f"median {median:.3f} s (goal < {GOAL_S:.1f} s): {'OK' if median < GOAL_S else 'TOO SLOW'}", flush=True)
        if args.filters:
            for label, filters in _sample_filters().items():
                runs, _ = _time_page(manager, first, last, args.repeat, **filters)
                print(f"  filtered {label:<28} median {statistics.median(runs):.3f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
