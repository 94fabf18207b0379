"""Technician utilisation: time on site against shift time, and travel per visit (on the way -> arrived)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select

from common.db import db
from reporting import rules
from reporting.models import KpiVisit
from reporting.service.scope import KpiScope, filter_summary
from technicians.models import Technician


@dataclass(frozen=True)
class UtilisationRow:
    technician_id: int
    name: str
    region: str
    visits: int
    on_site_h: float
    shift_h: float
    utilisation_pct: float | None
    travel_visits: int
    travel_min_per_visit: float | None


def measure_utilisation(scope: KpiScope) -> list[UtilisationRow]:
    """Per technician: hours between arrival and finish of the visits started in the period, against the
    hours of their shifts on working days of the period; travel from the "on the way" event to arrival."""
    # The travel of each visit is kept in the summary (reporting.summary.visit_rows).
    on_site_s = KpiVisit.finished_s - KpiVisit.started_s
    query = filter_summary(
        select(
            KpiVisit.technician_id,
            func.count(),
            func.sum(on_site_s),
            func.count(KpiVisit.travel_s),
            func.sum(KpiVisit.travel_s),
        ).where(
            KpiVisit.technician_id.is_not(None),
            scope.in_period_s(KpiVisit.started_s),
            KpiVisit.finished_s.is_not(None),
        ),
        KpiVisit,
        scope,
    )
    found = {row[0]: row[1:] for row in db.session.execute(query.group_by(KpiVisit.technician_id))}

    crew_query = select(Technician).where(or_(Technician.active.is_(True), Technician.id.in_(list(found))))
    if scope.region is not None:
        crew_query = crew_query.where(Technician.region == scope.region)
    if scope.technician_id is not None:
        crew_query = crew_query.where(Technician.id == scope.technician_id)
    rows = []
    for technician in db.session.scalars(crew_query.order_by(Technician.name, Technician.id)):
        visits, on_site_total_s, travel_visits, travel_total_s = found.get(technician.id, (0, 0, 0, 0))
        on_site_total_s = float(on_site_total_s or 0)
        shift = rules.Shift(
            start=technician.shift_start,
            end=technician.shift_end,
            break_min=technician.break_duration_min,
            has_break=technician.break_start is not None,
            working_days=tuple(technician.working_days or ()),
        )
        shift_s = rules.shift_seconds(shift, first=scope.first, last=scope.last)
        rows.append(
            UtilisationRow(
                technician_id=technician.id,
                name=technician.name,
                region=technician.region,
                visits=visits,
                on_site_h=round(on_site_total_s / 3600, 1),
                shift_h=round(shift_s / 3600, 1),
                utilisation_pct=rules.rate(round(on_site_total_s), shift_s),
                travel_visits=travel_visits,
                travel_min_per_visit=rules.mean(float(travel_total_s or 0) / 60, travel_visits),
            )
        )
    return rows
