"""Planning a technician's day for the page and browser tests: visits at a local time of a given day."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from common.db import db
from common.i18n import local_zone
from tests import factories


def plan_visit(
    technician,
    *,
    day: date,
    at: time,
    lat: float | None = 31.2397,
    lon: float | None = 121.4998,
    duration_h: int = 1,
    **overrides,
):
    """A ticket with one visit planned on `technician` at local `at` on `day`; the customer at (lat, lon)."""
    start = datetime.combine(day, at, local_zone())
    ticket, visit = factories.make_ticket_with_visit(
        technician=technician,
        planned_start=start,
        planned_end=start + timedelta(hours=duration_h),
        duration_s=duration_h * 3600,
        **overrides,
    )
    ticket.customer.lat, ticket.customer.lon = lat, lon
    db.session.commit()
    return visit
