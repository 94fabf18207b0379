"""Fixtures of the slot tests: a frozen Monday, a CS agent, technicians and visits in Shanghai."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from freezegun import freeze_time
from sqlalchemy import text

from tests import factories

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = date(2026, 11, 23)
TUESDAY = MONDAY + timedelta(days=1)
# Monday 2026-11-23 10:00 in Shanghai: offers start on Tuesday.
NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
PEOPLES_SQUARE = (31.2304, 121.4737)

# The backstop against double booking on PostgreSQL (the initial schema's migration carries the same DDL).
EXCLUSION_DDL = (
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    "ALTER TABLE visits ADD CONSTRAINT ex_visits_technician_no_overlap EXCLUDE USING gist "
    "(technician_id WITH =, tstzrange(planned_start, planned_end) WITH &&) "
    "WHERE (technician_id IS NOT NULL AND planned_start IS NOT NULL AND planned_end IS NOT NULL "
    "AND status IN ('scheduled', 'accepted', 'en_route', 'arrived')) DEFERRABLE INITIALLY DEFERRED",
)


def local(day: date, hh: int, mm: int = 0) -> datetime:
    return datetime.combine(day, time(hh, mm), tzinfo=SHANGHAI)


@pytest.fixture
def clock(app):
    with freeze_time(NOW) as frozen:
        yield frozen


@pytest.fixture
def no_overlap_constraint(app):
    """On PostgreSQL, the exclusion constraint of the migrations, dropped again after the test."""
    from common.db import db

    if app.config["BACKEND"] != "postgresql":
        yield
        return
    for statement in EXCLUSION_DDL:
        db.session.execute(text(statement))
    db.session.commit()
    yield
    db.session.rollback()
    db.session.execute(text("ALTER TABLE visits DROP CONSTRAINT IF EXISTS ex_visits_technician_no_overlap"))
    db.session.commit()


def technician(name: str = "Wang Lei", *, at=PEOPLES_SQUARE, skills=("large_appliance_install",), **overrides):
    """A technician working every day 08:30-18:00, lunch 45 min in 11:30-13:30, living at `at`."""
    return factories.make_technician(name=name, home_lat=at[0], home_lon=at[1], skills=skills, **overrides)


def visit_at(
    lat: float,
    lon: float,
    *,
    skills=("large_appliance_install",),
    duration_min: int = 60,
    district: str | None = "huangpu",
    promised=None,
    technician=None,
    planned_start=None,
    **kw,
):
    """A ticket in Shanghai with one visit at (lat, lon), available all week."""
    from tests.scheduling_app.builders import make_visit

    windows = kw.pop("windows", [(local(TUESDAY, 8), local(TUESDAY + timedelta(days=6), 20))])
    visit = make_visit(
        lat=lat,
        lon=lon,
        skills=skills,
        duration_min=duration_min,
        district=district,
        promised=promised,
        technician=technician,
        planned_start=planned_start,
        windows=windows,
        **kw,
    )
    if technician is not None:
        from common.db import db
        from dispatch.enums import TicketStatus, VisitStatus

        visit.status = VisitStatus.SCHEDULED
        visit.ticket.status = TicketStatus.SCHEDULED
        db.session.commit()
    return visit
