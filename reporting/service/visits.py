"""Measures of visits: first-time fix rate and on-time arrival with the lateness of the rest."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, select

from common.db import db
from reporting import rules
from reporting.models import KpiVisit
from reporting.service.scope import KpiScope, filter_summary


@dataclass(frozen=True)
class FirstTimeFix:
    """Tickets whose first visit took place in the period, and how many of them that visit resolved."""

    tickets: int
    fixed: int
    rate_pct: float | None
    by_bucket: dict[date, tuple[int, int]]  # bucket -> (tickets, fixed)


@dataclass(frozen=True)
class Arrivals:
    """Arrivals in the period against a promised window, counted by band (on_time, early, late_...)."""

    arrivals: int
    on_time: int
    rate_pct: float | None
    bands: dict[str, int]
    by_bucket: dict[date, tuple[int, int]]  # bucket -> (arrivals, on time)


def measure_first_time_fix(scope: KpiScope) -> FirstTimeFix:
    """A ticket is fixed the first time when its first visit was completed with a resolved report and no other
    visit followed (a reopened ticket gets one); counted on the day that first visit ended. Which visit was
    first and whether it fixed the ticket are kept in the summary (reporting.summary.visit_rows)."""
    day = scope.local_day_s(KpiVisit.finished_s).label("day")
    fixed = case((KpiVisit.fixed.is_(True), 1), else_=0)
    query = (
        filter_summary(select(day, func.count(), func.sum(fixed)), KpiVisit, scope)
        .where(KpiVisit.first_performed.is_(True), scope.in_period_s(KpiVisit.finished_s))
        .group_by(day)
    )
    by_bucket: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    for day_number, count, fixed_count in db.session.execute(query):
        cell = by_bucket[scope.bucket_of(day_number)]
        cell[0] += count
        cell[1] += int(fixed_count or 0)
    tickets = sum(c[0] for c in by_bucket.values())
    fixed_total = sum(c[1] for c in by_bucket.values())
    return FirstTimeFix(
        tickets=tickets,
        fixed=fixed_total,
        rate_pct=rules.rate(fixed_total, tickets),
        by_bucket={k: (v[0], v[1]) for k, v in by_bucket.items()},
    )


def measure_arrivals(scope: KpiScope) -> Arrivals:
    """Arrivals inside the promised window, and the rest by how early or late they were (by arrival day)."""
    minutes_late = (KpiVisit.started_s - KpiVisit.promised_end_s) / 60.0
    late_cases = [(minutes_late <= bound, code) for code, bound in rules.LATE_BANDS if bound is not None]
    band = case(
        (KpiVisit.started_s < KpiVisit.promised_start_s, "early"),
        (KpiVisit.started_s <= KpiVisit.promised_end_s, "on_time"),
        *late_cases,
        else_=rules.LATE_BANDS[-1][0],
    ).label("band")
    day = scope.local_day_s(KpiVisit.started_s).label("day")
    query = (
        filter_summary(select(day, band, func.count()), KpiVisit, scope)
        .where(
            KpiVisit.promised_start_s.is_not(None),
            KpiVisit.promised_end_s.is_not(None),
            scope.in_period_s(KpiVisit.started_s),
        )
        .group_by(day, band)
    )
    bands: Counter[str] = Counter(dict.fromkeys(rules.ARRIVAL_BANDS, 0))
    by_bucket: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    for day_number, band_code, count in db.session.execute(query):
        bands[band_code] += count
        cell = by_bucket[scope.bucket_of(day_number)]
        cell[0] += count
        cell[1] += count if band_code == "on_time" else 0
    arrivals = sum(bands.values())
    return Arrivals(
        arrivals=arrivals,
        on_time=bands["on_time"],
        rate_pct=rules.rate(bands["on_time"], arrivals),
        bands={code: bands[code] for code in rules.ARRIVAL_BANDS},
        by_bucket={k: (v[0], v[1]) for k, v in by_bucket.items()},
    )
