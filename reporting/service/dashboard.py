"""The dashboard's use cases: every measure for one period and filter, and the choices the filters offer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app
from sqlalchemy import func, select, text

from common.db import db, utcnow
from common.i18n import local_zone
from dispatch.enums import ProductCategory
from dispatch.models import Customer, Product
from dispatch.rules import DEFAULT_DUE_DAYS
from reporting import rules
from reporting.service.follow_ups import Satisfaction, measure_satisfaction
from reporting.service.scope import KpiScope, make_scope
from reporting.service.technicians import UtilisationRow, measure_utilisation
from reporting.service.tickets import (
    ComplaintRow,
    HandlingRow,
    RepeatRow,
    TimeLimitRow,
    measure_complaints,
    measure_handling,
    measure_repeats,
    measure_time_limits,
)
from reporting.service.visits import (
    Arrivals,
    FirstTimeFix,
    measure_arrivals,
    measure_first_time_fix,
)
from technicians.models import Technician


@dataclass(frozen=True)
class FilterChoices:
    """What the page's filters offer."""

    regions: list[str]
    technicians: list[tuple[int, str]]
    categories: list[ProductCategory]
    brands: list[str]


@dataclass(frozen=True)
class TrendPoint:
    """One day or week of the period: volumes and the headline rates."""

    bucket: date
    registered: int
    closed: int
    handling_h: float | None
    first_time_fix_pct: float | None
    on_time_pct: float | None
    satisfaction: float | None


@dataclass(frozen=True)
class Dashboard:
    scope: KpiScope
    first_time_fix: FirstTimeFix
    arrivals: Arrivals
    satisfaction: Satisfaction
    handling: list[HandlingRow]
    time_limits: list[TimeLimitRow]
    complaints: list[ComplaintRow]
    repeats: list[RepeatRow]
    utilisation: list[UtilisationRow]
    trend: list[TrendPoint]
    choices: FilterChoices | None = None


def summarise_kpis(
    first: date,
    *,
    last: date,
    bucket: str | None = None,
    region: str | None = None,
    technician_id: int | None = None,
    category: ProductCategory | None = None,
    brand: str | None = None,
    now: datetime | None = None,
    with_choices: bool = False,
) -> Dashboard:
    """Every measure of the dashboard for the local days [first, last] and the filters given (and, for the
    page, the choices its filters offer)."""
    rules.check_period(first, last)
    scope = make_scope(
        first=first,
        last=last,
        zone=local_zone(),
        now=now or utcnow(),
        bucket=bucket,
        region=region,
        technician_id=technician_id,
        category=category,
        brand=brand,
    )
    if db.engine.dialect.name == "postgresql":
        # PostgreSQL's JIT compiles each of these mid-sized aggregates for longer than it then runs.
        db.session.execute(text("SET LOCAL jit = off"))
    limit_days = {**DEFAULT_DUE_DAYS, **(current_app.config.get("DUE_DAYS") or {})}
    first_time_fix = measure_first_time_fix(scope)
    arrivals = measure_arrivals(scope)
    satisfaction = measure_satisfaction(scope)
    handling, flow = measure_handling(scope, limit_days=limit_days)
    trend = []
    for day in scope.buckets:
        fixed = first_time_fix.by_bucket.get(day, (0, 0))
        on_time = arrivals.by_bucket.get(day, (0, 0))
        scored = satisfaction.by_bucket.get(day, (0, 0))
        closed = flow.closed.get(day, (0, 0.0))
        trend.append(
            TrendPoint(
                bucket=day,
                registered=flow.registered.get(day, 0),
                closed=closed[0],
                handling_h=rules.mean(closed[1], closed[0]),
                first_time_fix_pct=rules.rate(fixed[1], fixed[0]),
                on_time_pct=rules.rate(on_time[1], on_time[0]),
                satisfaction=rules.mean(scored[1], scored[0], digits=2),
            )
        )
    return Dashboard(
        scope=scope,
        first_time_fix=first_time_fix,
        arrivals=arrivals,
        satisfaction=satisfaction,
        handling=handling,
        time_limits=measure_time_limits(scope, limit_days=limit_days),
        complaints=measure_complaints(scope),
        repeats=measure_repeats(scope),
        utilisation=measure_utilisation(scope),
        trend=trend,
        choices=list_filter_choices() if with_choices else None,
    )


def _distinct_values(column) -> list:
    """The distinct values of an indexed column in order, one index probe per value (a "loose index scan"):
    a recursive query asks for the next value after the last one found, rather than reading every row."""
    first = select(func.min(column).label("value")).cte("found", recursive=True)
    following = select(select(func.min(column)).where(column > first.c.value).scalar_subquery()).where(
        first.c.value.is_not(None)
    )
    found = first.union_all(following)
    return list(db.session.scalars(select(found.c.value).where(found.c.value.is_not(None))))


def list_filter_choices() -> FilterChoices:
    """The regions, technicians, categories and brands a manager can narrow the dashboard to."""
    regions = sorted(
        set(_distinct_values(Customer.region)) | set(db.session.scalars(select(Technician.region).distinct()))
    )
    technicians = [
        (t.id, t.name)
        for t in db.session.execute(select(Technician.id, Technician.name).order_by(Technician.name, Technician.id))
    ]
    brands = _distinct_values(Product.brand)
    return FilterChoices(regions=regions, technicians=technicians, categories=list(ProductCategory), brands=brands)
