"""The dashboard's numbers as tables (shown under each chart and downloaded as CSV) and as chart data."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from common.labels import label
from reporting import rules
from reporting.service import Dashboard

BAND_LABELS = {
    "on_time": _l("In the window"),
    "early": _l("Early"),
    "late_0_15": _l("Late up to 15 min"),
    "late_15_30": _l("Late 15-30 min"),
    "late_30_60": _l("Late 30-60 min"),
    "late_60_120": _l("Late 1-2 h"),
    "late_over_120": _l("Late over 2 h"),
}


@dataclass(frozen=True)
class Table:
    key: str
    title: Any
    columns: list[Any]
    rows: list[list[Any]]


def dashboard_tables(dashboard: Dashboard) -> dict[str, Table]:
    """Every table of the page, by key (the key names its CSV download)."""
    d = dashboard
    tables = [
        Table(
            "trend",
            _l("Trend"),
            [
                _l("Day or week from"),
                _l("Registered"),
                _l("Closed"),
                _l("Handling time (h)"),
                _l("First-time fix (%)"),
                _l("On time (%)"),
                _l("Satisfaction (1-5)"),
            ],
            [
                [
                    p.bucket.isoformat(),
                    p.registered,
                    p.closed,
                    p.handling_h,
                    p.first_time_fix_pct,
                    p.on_time_pct,
                    p.satisfaction,
                ]
                for p in d.trend
            ],
        ),
        Table(
            "arrivals",
            _l("Arrival against the promised window"),
            [_l("Arrival"), _l("Visits"), _l("Share (%)")],
            [[BAND_LABELS[code], n, rules.rate(n, d.arrivals.arrivals)] for code, n in d.arrivals.bands.items()],
        ),
        Table(
            "satisfaction",
            _l("Satisfaction scores"),
            [_l("Score"), _l("Calls"), _l("Share (%)")],
            [[score, n, rules.rate(n, d.satisfaction.scored)] for score, n in d.satisfaction.scores.items()],
        ),
        Table(
            "handling",
            _l("Handling time by ticket type"),
            [_l("Ticket type"), _l("Time limit (days)"), _l("Closed"), _l("Average (h)"), _l("Closed late")],
            [[label(r.type), r.limit_days, r.closed, r.average_h, r.closed_late] for r in d.handling],
        ),
        Table(
            "time_limits",
            _l("Tickets past their time limit"),
            [
                _l("Ticket type"),
                _l("Time limit (days)"),
                _l("Registered"),
                _l("Closed late"),
                _l("Open and overdue"),
                _l("Past the limit (%)"),
            ],
            [
                [label(r.type), r.limit_days, r.registered, r.closed_late, r.open_overdue, r.overdue_pct]
                for r in d.time_limits
            ],
        ),
        Table(
            "complaints",
            _l("Complaint causes and who pays"),
            [_l("Cause"), _l("Who pays"), _l("Tickets"), _l("Compensations given"), _l("Compensation (yuan)")],
            [
                [label(r.cause), label(r.responsibility), r.tickets, r.compensations, r.compensation_yuan]
                for r in d.complaints
            ],
        ),
        Table(
            "repeats",
            _l("Repeat visits by product (within 30 days)"),
            [_l("Brand"), _l("Model"), _l("Units serviced"), _l("Serviced again"), _l("Repeat rate (%)")],
            [[r.brand, r.model, r.units, r.repeated, r.repeat_pct] for r in d.repeats],
        ),
        Table(
            "utilisation",
            _l("Technician utilisation"),
            [
                _l("Technician"),
                _l("Region"),
                _l("Visits"),
                _l("On site (h)"),
                _l("Shift (h)"),
                _l("Utilisation (%)"),
                _l("Visits with travel"),
                _l("Travel per visit (min)"),
            ],
            [
                [
                    r.name,
                    label(r.region),
                    r.visits,
                    r.on_site_h,
                    r.shift_h,
                    r.utilisation_pct,
                    r.travel_visits,
                    r.travel_min_per_visit,
                ]
                for r in d.utilisation
            ],
        ),
    ]
    return {table.key: table for table in tables}


def table_csv(table: Table) -> str:
    """One table as CSV with its translated header; empty cells where a figure has nothing to measure."""
    out = io.StringIO()
    # The byte-order mark lets spreadsheet programs read the Chinese headers as UTF-8.
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([str(c) for c in table.columns])
    for row in table.rows:
        writer.writerow(["" if v is None else str(v) for v in row])
    return out.getvalue()


def chart_data(dashboard: Dashboard) -> dict[str, dict]:
    """What the page's charts draw, taken from the same tables so chart and table always agree."""
    tables = dashboard_tables(dashboard)

    def column(key: str, index: int) -> list:
        return [row[index] for row in tables[key].rows]

    def words(values: list) -> list[str]:
        return [str(v) for v in values]

    trend = tables["trend"]
    # Month and day are enough under a chart of at most a year; the table keeps the full date.
    days = [day[5:] for day in column("trend", 0)]
    repeats = tables["repeats"].rows[:10]
    return {
        "trend": {
            "type": "line",
            "labels": days,
            "percent_axis": True,
            "datasets": [
                {"label": str(trend.columns[4]), "data": column("trend", 4)},
                {"label": str(trend.columns[5]), "data": column("trend", 5)},
                {"label": str(trend.columns[6]), "data": column("trend", 6), "axis": "score"},
            ],
        },
        "volume": {
            "type": "bar",
            "labels": days,
            "integer": True,
            "datasets": [
                {"label": str(trend.columns[1]), "data": column("trend", 1)},
                {"label": str(trend.columns[2]), "data": column("trend", 2)},
            ],
        },
        "arrivals": {
            "type": "bar",
            "integer": True,
            "labels": words(column("arrivals", 0)),
            "datasets": [{"label": str(tables["arrivals"].columns[1]), "data": column("arrivals", 1)}],
        },
        "satisfaction": {
            "type": "bar",
            "integer": True,
            "labels": words(column("satisfaction", 0)),
            "datasets": [{"label": str(tables["satisfaction"].columns[1]), "data": column("satisfaction", 1)}],
        },
        "handling": {
            "type": "bar",
            "labels": words(column("handling", 0)),
            "datasets": [{"label": str(tables["handling"].columns[3]), "data": column("handling", 3)}],
        },
        "time_limits": {
            "type": "bar",
            "integer": True,
            "stacked": True,
            "labels": words(column("time_limits", 0)),
            "datasets": [
                {"label": str(tables["time_limits"].columns[3]), "data": column("time_limits", 3)},
                {"label": str(tables["time_limits"].columns[4]), "data": column("time_limits", 4)},
            ],
        },
        "complaints": {
            "type": "bar",
            "horizontal": True,
            "integer": True,
            "labels": [f"{row[0]} · {row[1]}" for row in tables["complaints"].rows],
            "datasets": [
                {"label": str(tables["complaints"].columns[2]), "data": column("complaints", 2)},
                {"label": str(tables["complaints"].columns[3]), "data": column("complaints", 3)},
            ],
        },
        "repeats": {
            "type": "bar",
            "horizontal": True,
            "integer": True,
            "labels": [f"{row[0]} {row[1]}" for row in repeats],
            "datasets": [{"label": str(tables["repeats"].columns[3]), "data": [row[3] for row in repeats]}],
        },
        "utilisation": {
            "type": "bar",
            "horizontal": True,
            "labels": column("utilisation", 0),
            "datasets": [{"label": str(tables["utilisation"].columns[5]), "data": column("utilisation", 5)}],
        },
    }
