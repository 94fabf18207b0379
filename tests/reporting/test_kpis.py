"""Every dashboard figure, worked out by hand from the week in tests/reporting/history.py."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from tests.reporting.history import NOW, build_week

PERIOD = "from=2026-11-02&to=2026-11-08&bucket=day"


@pytest.fixture
def week(app):
    with freeze_time(NOW):
        yield build_week()


@pytest.fixture
def manager(week, login_as):
    return login_as("manager")


def kpis(client, query: str = "") -> dict:
    response = client.get(f"/api/v1/kpis?{PERIOD}{'&' + query if query else ''}")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_first_time_fix_counts_tickets_resolved_by_their_first_visit(manager):
    # First visits that ended in the week: T1 (resolved, nothing after), T2 (not resolved), T3 (resolved),
    # T5 (failed). T2's second visit is not a first visit. 2 of 4.
    assert kpis(manager)["first_time_fix"] == {"tickets": 4, "fixed": 2, "rate_pct": 50.0}


def test_on_time_arrival_and_the_lateness_of_the_rest(manager):
    # T1 10:30 in 10-12, T5 11:00 in 10-12: on time. T2 16:20 after 14-16: 20 min late. T2's second visit
    # 09:45 before 10-12: early. T3 13:30 after 10-12: 90 min late. 2 of 5.
    arrivals = kpis(manager)["arrivals"]
    assert (arrivals["arrivals"], arrivals["on_time"], arrivals["rate_pct"]) == (5, 2, 40.0)
    assert arrivals["bands"] == {
        "on_time": 2,
        "early": 1,
        "late_0_15": 0,
        "late_15_30": 1,
        "late_30_60": 0,
        "late_60_120": 1,
        "late_over_120": 0,
    }


def test_satisfaction_from_reached_calls_and_the_share_of_calls_that_reached_someone(manager):
    # Six attempts: T1 reached (5), T2 missed then reached (3), T3 missed three times. Average (5+3)/2.
    assert kpis(manager)["satisfaction"] == {
        "calls": 6,
        "reached": 2,
        "reach_pct": 33.3,
        "scored": 2,
        "average": 4.0,
        "scores": {"1": 0, "2": 0, "3": 1, "4": 0, "5": 1},
    }


def test_handling_time_from_registration_to_closure_by_ticket_type(manager):
    # T1 repair 11-02 09:00 -> 11-04 10:30 = 49.5 h; T2 installation 11-02 14:00 -> 11-06 13:00 = 95 h;
    # T3 return 11-02 10:00 -> 11-07 16:00 = 126 h, past its 3-day limit. Cancelled T6 is not a closure.
    rows = {r["type"]: r for r in kpis(manager)["handling"]}
    assert rows["repair"] == {"type": "repair", "limit_days": 5, "closed": 1, "average_h": 49.5, "closed_late": 0}
    assert rows["installation"] == {
        "type": "installation",
        "limit_days": 5,
        "closed": 1,
        "average_h": 95.0,
        "closed_late": 0,
    }
    assert rows["return_pickup"] == {
        "type": "return_pickup",
        "limit_days": 3,
        "closed": 1,
        "average_h": 126.0,
        "closed_late": 1,
    }
    assert rows["exchange"]["closed"] == 0 and rows["exchange"]["average_h"] is None


def test_tickets_past_their_time_limit_by_ticket_type(manager):
    # Registered in the week, not cancelled: repair T1, T4 (due 11-13, not yet); installation T2; return T3
    # closed 2 days late; inspection T7 due 11-07 and still open on 11-10. T5 was registered before.
    rows = {
        r["type"]: (r["registered"], r["closed_late"], r["open_overdue"], r["overdue_pct"])
        for r in kpis(manager)["time_limits"]
    }
    assert rows == {
        "repair": (2, 0, 0, 0.0),
        "installation": (1, 0, 0, 0.0),
        "return_pickup": (1, 1, 0, 100.0),
        "inspection": (1, 0, 1, 100.0),
        "exchange": (0, 0, 0, None),
    }


def test_complaint_causes_with_who_pays(manager):
    # T1 and T4 quality -> seller; T3 change of mind -> customer. T2, T6, T7 have no cause; T5 is older.
    assert kpis(manager)["complaints"] == [
        {
            "cause": "quality",
            "responsibility": "seller",
            "tickets": 2,
            "compensations": 0,
            "compensation_yuan": "0.00",
        },
        {
            "cause": "change_of_mind",
            "responsibility": "customer",
            "tickets": 1,
            "compensations": 0,
            "compensation_yuan": "0.00",
        },
    ]


def test_complaint_causes_show_the_compensation_given_on_the_ladder(manager):
    # Quality tickets T1 and T4: T1 got 20 yuan (accepted) and T4 50 yuan (approved by a manager); T1's declined
    # 10 and T4's refused 80 were not given. T3 (change of mind) has 40 waiting for a manager: not given yet.
    # Quality: 2 compensations, 70.00 yuan; change of mind: none.
    from common.db import db
    from dispatch.enums import Cause
    from dispatch.models import Product, Ticket
    from dispatch.remedies.enums import RemedyStatus, RemedyStep
    from dispatch.remedies.models import Remedy

    # T1 and T4 are the two tickets of unit S1 (T8, quality too, was registered outside the week).
    quality = db.session.scalars(
        select(Ticket).join(Product).where(Product.serial_no == "S1").order_by(Ticket.id)
    ).all()
    mind = db.session.scalars(select(Ticket).where(Ticket.cause == Cause.CHANGE_OF_MIND)).one()
    assert len(quality) == 2
    given = [
        (quality[0], "20", RemedyStatus.ACCEPTED),
        (quality[0], "10", RemedyStatus.DECLINED),
        (quality[1], "80", RemedyStatus.REFUSED),
        (quality[1], "50", RemedyStatus.APPROVED),
        (mind, "40", RemedyStatus.PENDING_APPROVAL),
    ]
    in_the_week = datetime(2026, 11, 5, 10, 0, tzinfo=UTC)
    for ticket, yuan, status in given:
        db.session.add(
            Remedy(
                ticket_id=ticket.id,
                step=RemedyStep.COMPENSATION,
                status=status,
                amount_yuan=Decimal(yuan),
                payer=ticket.responsibility,
                offered_by_id=manager.user.id,
                offered_at=in_the_week,
            )
        )
    # A coupon is not compensation.
    db.session.add(
        Remedy(
            ticket_id=quality[0].id,
            step=RemedyStep.COUPON,
            status=RemedyStatus.ACCEPTED,
            amount_yuan=Decimal("15"),
            payer=quality[0].responsibility,
            offered_by_id=manager.user.id,
            offered_at=in_the_week,
        )
    )
    db.session.commit()

    rows = {r["cause"]: (r["tickets"], r["compensations"], r["compensation_yuan"]) for r in kpis(manager)["complaints"]}
    assert rows == {"quality": (2, 2, "70.00"), "change_of_mind": (1, 0, "0.00")}


def test_a_compensation_counts_in_the_period_it_was_given_not_when_its_ticket_came_in(manager):
    # T1 (quality, registered 11-02) is offered 50 yuan on 11-06; a manager approves it on 11-12. The money
    # went out in the week after: that week shows it under quality although no quality ticket came in then.
    from common.db import db
    from dispatch.models import Product, Ticket
    from dispatch.remedies.enums import RemedyStatus, RemedyStep
    from dispatch.remedies.models import Remedy

    t1 = db.session.scalars(select(Ticket).join(Product).where(Product.serial_no == "S1").order_by(Ticket.id)).first()
    db.session.add(
        Remedy(
            ticket_id=t1.id,
            step=RemedyStep.COMPENSATION,
            status=RemedyStatus.APPROVED,
            amount_yuan=Decimal("50"),
            payer=t1.responsibility,
            offered_by_id=manager.user.id,
            offered_at=datetime(2026, 11, 6, 2, 0, tzinfo=UTC),
            decided_by_id=manager.user.id,
            decided_at=datetime(2026, 11, 12, 3, 0, tzinfo=UTC),
        )
    )
    db.session.commit()

    def quality_row(period: str) -> tuple | None:
        response = manager.get(f"/api/v1/kpis?{period}")
        assert response.status_code == 200, response.get_json()
        rows = [r for r in response.get_json()["complaints"] if r["cause"] == "quality"]
        return (rows[0]["tickets"], rows[0]["compensations"], rows[0]["compensation_yuan"]) if rows else None

    assert quality_row(PERIOD) == (2, 0, "0.00")
    assert quality_row("from=2026-11-09&to=2026-11-15&bucket=day") == (0, 1, "50.00")


def test_repeat_visits_count_units_back_within_30_days_of_a_closed_ticket(manager):
    # Closed in the week: S1 (Haier), S2 (Midea), S3 (IKEA). S1 came back 3 days later (T4); S2 came back
    # 31 days after closing (T8): not a repeat.
    assert kpis(manager)["repeats"] == [
        {"brand": "Haier", "model": "KFR-35GW", "units": 1, "repeated": 1, "repeat_pct": 100.0},
        {"brand": "IKEA", "model": "PAX-236", "units": 1, "repeated": 0, "repeat_pct": 0.0},
        {"brand": "Midea", "model": "MG38CB", "units": 1, "repeated": 0, "repeat_pct": 0.0},
    ]


def test_utilisation_is_time_on_site_against_shift_time_with_travel_per_visit(manager, week):
    rows = {r["name"]: r for r in kpis(manager)["utilisation"]}
    # A: 60 + 60 + 20 min on site = 8,400 s; shift 5 weekdays x (9 h - 45 min) = 148,500 s -> 5.7 %.
    # Travel: 20, 30 and 20 min from "on the way" to arrival -> 23.3 min.
    assert rows["A"] == {
        "technician_id": week["a"].id,
        "name": "A",
        "region": "shanghai",
        "visits": 3,
        "on_site_h": 2.3,
        "shift_h": 41.2,
        "utilisation_pct": 5.7,
        "travel_visits": 3,
        "travel_min_per_visit": 23.3,
    }
    # B: 60 + 30 min = 5,400 s of 7 x 9 h = 226,800 s -> 2.4 %; only T3's visit went "on the way" (30 min).
    assert rows["B"] == {
        "technician_id": week["b"].id,
        "name": "B",
        "region": "shanghai",
        "visits": 2,
        "on_site_h": 1.5,
        "shift_h": 63.0,
        "utilisation_pct": 2.4,
        "travel_visits": 1,
        "travel_min_per_visit": 30.0,
    }


def test_trend_by_day_shows_each_day_with_its_own_figures(manager):
    trend = {p["bucket"]: p for p in kpis(manager)["trend"]}
    assert len(trend) == 7
    # 11-02: T1, T2, T3, T7 registered. 11-03: T6; both first visits of the day ended, one fixed, one on time.
    assert trend["2026-11-02"]["registered"] == 4 and trend["2026-11-03"]["registered"] == 1
    assert trend["2026-11-03"]["first_time_fix_pct"] == 50.0 and trend["2026-11-03"]["on_time_pct"] == 50.0
    assert (trend["2026-11-04"]["closed"], trend["2026-11-04"]["handling_h"], trend["2026-11-04"]["satisfaction"]) == (
        1,
        49.5,
        5.0,
    )
    assert trend["2026-11-06"]["satisfaction"] == 3.0
    assert trend["2026-11-08"] == {
        "bucket": "2026-11-08",
        "registered": 1,
        "closed": 0,
        "handling_h": None,
        "first_time_fix_pct": None,
        "on_time_pct": None,
        "satisfaction": None,
    }


def test_trend_by_week_adds_the_days_up(manager):
    response = manager.get("/api/v1/kpis?from=2026-11-02&to=2026-11-08&bucket=week")
    assert response.get_json()["trend"] == [
        {
            "bucket": "2026-11-02",
            "registered": 6,
            "closed": 3,
            "handling_h": 90.2,
            "first_time_fix_pct": 50.0,
            "on_time_pct": 40.0,
            "satisfaction": 4.0,
        }
    ]


def test_region_filter_leaves_out_the_other_city(manager):
    # Without Beijing's T3: first visits T1, T2, T5 with one fix; arrivals T1, T2 x2, T5 with two on time.
    data = kpis(manager, "region=shanghai")
    assert data["first_time_fix"] == {"tickets": 3, "fixed": 1, "rate_pct": 33.3}
    assert (data["arrivals"]["arrivals"], data["arrivals"]["on_time"]) == (4, 2)
    assert [r["cause"] for r in data["complaints"]] == ["quality"]


def test_technician_filter_keeps_that_technicians_visits(manager, week):
    # B: first visit of T3 (fixed); arrivals T2's second visit (early) and T3 (late); T2's and T3's calls.
    data = kpis(manager, f"technician={week['b'].id}")
    assert data["first_time_fix"] == {"tickets": 1, "fixed": 1, "rate_pct": 100.0}
    assert (data["arrivals"]["arrivals"], data["arrivals"]["on_time"]) == (2, 0)
    assert (data["satisfaction"]["calls"], data["satisfaction"]["reached"]) == (5, 1)
    assert [r["name"] for r in data["utilisation"]] == ["B"]


def test_brand_and_category_filters_narrow_to_those_products(manager):
    # Haier: T1 fixed, T5 failed. Furniture: only T3.
    assert kpis(manager, "brand=Haier")["first_time_fix"] == {"tickets": 2, "fixed": 1, "rate_pct": 50.0}
    furniture = kpis(manager, "category=furniture")
    assert furniture["first_time_fix"] == {"tickets": 1, "fixed": 1, "rate_pct": 100.0}
    assert [(r["brand"], r["units"]) for r in furniture["repeats"]] == [("IKEA", 1)]


def test_customer_service_and_dispatchers_may_not_see_the_dashboard(app, login_as):
    for role in ("cs", "dispatcher", "technician"):
        assert login_as(role).get(f"/api/v1/kpis?{PERIOD}").status_code == 403


def test_a_period_that_ends_before_it_starts_is_refused_naming_the_field(app, login_as):
    response = login_as("manager").get("/api/v1/kpis?from=2026-11-08&to=2026-11-02")
    assert response.status_code == 422
    assert "to" in response.get_json()["errors"]["query"]


def test_an_unknown_category_is_refused_naming_the_field(app, login_as):
    response = login_as("admin").get(f"/api/v1/kpis?{PERIOD}&category=cars")
    assert response.status_code == 422
    assert "category" in response.get_json()["errors"]["query"]


def test_each_table_downloads_as_csv_with_the_same_numbers(week, client, page_login):
    from tests import factories

    page_login(factories.make_user("manager"))
    response = client.get(f"/dashboard/arrivals.csv?{PERIOD}&lang=en")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["Arrival", "Visits", "Share (%)"]
    assert rows[1] == ["In the window", "2", "40.0"]
    assert rows[2] == ["Early", "1", "20.0"]
    assert client.get(f"/dashboard/nothing.csv?{PERIOD}").status_code == 404


def test_manager_sees_the_dashboard_page_with_its_figures_in_chinese(week, client, page_login):
    from tests import factories

    page_login(factories.make_user("manager"))
    page = client.get(f"/dashboard?{PERIOD}&lang=zh_CN").get_data(as_text=True)
    assert "一次修复率" in page and "50.0%" in page and "chart.umd.min.js" in page
    assert 'id="kpi-charts"' in page


def test_customer_service_gets_403_on_the_dashboard_page(app, client, page_login):
    from tests import factories

    page_login(factories.make_user("cs"))
    assert client.get("/dashboard").status_code == 403


def test_the_kpi_endpoint_is_in_the_openapi_document(app, client):
    spec = client.get("/api/openapi.json").get_json()
    parameters = {p["name"] for p in spec["paths"]["/api/v1/kpis"]["get"]["parameters"]}
    assert {"from", "to", "region", "technician", "category", "brand", "bucket"} <= parameters
