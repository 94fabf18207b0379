"""Today's route as the service computes it: planned order, ETA from travel, late flags, phone privacy."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from common.db import db
from common.errors import NotFound
from common.i18n import local_zone
from dispatch.enums import VisitStatus
from technicians.service.route import get_job, get_route
from tests import factories
from tests.technician_pages.day import plan_visit

DAY = date(2026, 11, 23)
# Home at (31.0, 121.0), customers 0.1 degree of latitude north at (31.1, 121.0):
# 0.1 deg x pi/180 x 6371.009 km = 11.11951 km great circle; x 1.3 detour = 14455.4 m;
# at 30 km/h (8.333 m/s) that is 1734.6 s, rounded up to 1735 s = 28 min 55 s of travel.
TRAVEL = timedelta(minutes=28, seconds=55)


def local(hh: int, mm: int = 0, ss: int = 0, day: date = DAY) -> datetime:
    return datetime.combine(day, time(hh, mm, ss), local_zone())


@pytest.fixture
def technician_user(app):
    user = factories.make_user("technician")
    user.technician.home_lat, user.technician.home_lon = 31.0, 121.0
    db.session.commit()
    return user


def two_visits(user):
    first = plan_visit(user.technician, day=DAY, at=time(9), lat=31.1, lon=121.0)
    second = plan_visit(user.technician, day=DAY, at=time(10), lat=31.1, lon=121.0)
    return first, second


def test_route_lists_own_visits_of_the_day_in_planned_order(technician_user):
    afternoon = plan_visit(technician_user.technician, day=DAY, at=time(14))
    morning = plan_visit(technician_user.technician, day=DAY, at=time(9))
    plan_visit(technician_user.technician, day=DAY + timedelta(days=1), at=time(9))
    plan_visit(technician_user.technician, day=DAY, at=time(11), status=VisitStatus.CANCELLED)
    plan_visit(factories.make_user("technician").technician, day=DAY, at=time(10))

    route = get_route(by=technician_user, day=DAY, now=local(7))

    assert [s.visit.id for s in route.stops] == [morning.id, afternoon.id]
    assert [s.position for s in route.stops] == [1, 2]


def test_nobody_is_expected_before_the_planned_start(technician_user):
    first, second = two_visits(technician_user)

    stops = get_route(by=technician_user, day=DAY, now=local(8)).stops

    # Leaving at 08:00 gets there at 08:28:55, but the customer was promised 09:00; 09:00 + 1 h on site -> 10:00.
    assert [s.eta for s in stops] == [local(9), local(10)]
    assert [s.late for s in stops] == [False, False]


def test_a_late_start_pushes_the_etas_and_flags_them_late(technician_user):
    two_visits(technician_user)

    stops = get_route(by=technician_user, day=DAY, now=local(8, 55)).stops

    # 08:55 + 28:55 travel = 09:23:55 (more than 15 min late); + 1 h on site, no travel to the same street.
    assert [s.eta for s in stops] == [local(8, 55) + TRAVEL, local(8, 55) + TRAVEL + timedelta(hours=1)]
    assert [s.late for s in stops] == [True, True]


def test_finished_and_on_site_visits_have_no_eta_and_move_the_technician(technician_user):
    first, second = two_visits(technician_user)
    first.status, first.started_at, first.finished_at = VisitStatus.COMPLETED, local(9), local(9, 50)
    second.status = VisitStatus.EN_ROUTE
    db.session.commit()

    stops = get_route(by=technician_user, day=DAY, now=local(10, 5)).stops

    # Travelling from the first customer's street to the same street takes no time: on the way means now.
    assert [s.eta for s in stops] == [None, local(10, 5)]


def test_phone_only_on_the_technicians_visits_of_today(technician_user):
    today_visit, _ = two_visits(technician_user)
    tomorrow_visit = plan_visit(technician_user.technician, day=DAY + timedelta(days=1), at=time(9))

    assert get_job(today_visit.id, by=technician_user, now=local(8)).customer_phone == today_visit.ticket.customer.phone
    assert get_job(tomorrow_visit.id, by=technician_user, now=local(8)).customer_phone is None
    assert all(
        s.customer_phone is None
        for s in get_route(by=technician_user, day=DAY, now=local(8, day=DAY - timedelta(days=1))).stops
    )


def test_another_technicians_visit_is_not_found(technician_user):
    theirs = plan_visit(factories.make_user("technician").technician, day=DAY, at=time(9))

    with pytest.raises(NotFound):
        get_job(theirs.id, by=technician_user, now=local(8))


def test_map_link_is_a_geo_uri_labelled_with_the_address(technician_user):
    visit = plan_visit(technician_user.technician, day=DAY, at=time(9), lat=31.2397, lon=121.4998)

    stop = get_job(visit.id, by=technician_user, now=local(8))

    assert stop.geo_uri.startswith("geo:31.239700,121.499800?q=31.239700,121.499800(")
    assert "%E4%B8%8A%E6%B5%B7" in stop.geo_uri  # 上海, percent-encoded
