"""The dashboard's summary tables stay right through every kind of write, in the write's own transaction.

Each step of a ticket's life goes through the API as people and phones do it; after each one the summary
rows equal the rows worked out afresh from the source tables, and the dashboard's figures move as they should.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from common.db import db, utcnow
from common.errors import RuleViolation
from common.transaction import transaction
from dispatch.enums import TicketStatus
from dispatch.models import Ticket, Visit
from reporting.models import SUMMARY_MODELS, KpiTicket
from tests import factories, steps
from tests.clock import MONDAY_10_LOCAL
from tests.reporting.summary_check import assert_summary_is_right, stored
from tests.steps import do_visit

DAY = MONDAY_10_LOCAL.date().isoformat()


def kpis(manager, **query) -> dict:
    args = "&".join(f"{k}={v}" for k, v in {"from": DAY, "to": DAY, "bucket": "day", **query}.items())
    response = manager.get(f"/api/v1/kpis?{args}")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def book(dispatcher, visit_id: int, technician_id: int, hours_from_now: int = 3):
    return steps.book(dispatcher, visit_id, technician_id, MONDAY_10_LOCAL + timedelta(hours=hours_from_now))


def handling(figures: dict, ticket_type: str = "installation") -> dict:
    return next(r for r in figures["handling"] if r["type"] == ticket_type)


def test_the_summary_follows_a_ticket_from_registration_to_closure_and_reopening(crew, clock, login_as):
    cs, dispatcher, technician = crew
    manager = login_as("manager")
    tech_id = technician.user.technician.id

    # Registered: one ticket row and its unscheduled visit (an order worth two visits).
    payload = factories.ticket_payload()
    payload["order"]["order_value"] = 15000
    ticket = cs.post("/api/v1/tickets", json=payload).json
    rows = assert_summary_is_right()
    assert len(rows["kpi_tickets"]) == 1 and len(rows["kpi_visits"]) == 1
    figures = kpis(manager)
    assert [p["registered"] for p in figures["trend"]] == [1]
    assert figures["first_time_fix"]["tickets"] == 0

    # Visit done: on the way, arrived, resolved report, completed: a first-time fix, time on site, travel.
    visit_id = ticket["visits"][0]["id"]
    start = book(dispatcher, visit_id, tech_id)
    assert_summary_is_right()
    clock.move_to(start - timedelta(minutes=40))
    follow_up_id = do_visit(technician, visit_id, clock)
    assert_summary_is_right()
    figures = kpis(manager)
    assert figures["first_time_fix"] == {"tickets": 1, "fixed": 1, "rate_pct": 100.0}
    [mine] = [r for r in figures["utilisation"] if r["technician_id"] == tech_id]
    assert (mine["visits"], mine["travel_visits"], mine["travel_min_per_visit"]) == (1, 1, 40.0)
    assert kpis(manager, technician_id=tech_id)["first_time_fix"]["fixed"] == 1

    # Follow-up recorded, customer satisfied: the call counts and the ticket closes.
    call = cs.post(
        f"/api/v1/followups/{follow_up_id}/attempts",
        json={"outcome": "reached", "satisfaction": 5, "resolved": True},
    )
    assert call.status_code == 201, call.json
    assert_summary_is_right()
    figures = kpis(manager)
    assert (figures["satisfaction"]["calls"], figures["satisfaction"]["average"]) == (1, 5.0)
    assert handling(figures)["closed"] == 1
    # The payload's customer gives no region: "default".
    assert kpis(manager, region="default", brand="Haier", category="large_appliance")["satisfaction"]["calls"] == 1
    assert kpis(manager, brand="Midea")["satisfaction"]["calls"] == 0

    # Reopened: no longer closed, and the first visit no longer fixed it (a second visit follows).
    reopened = cs.post(f"/api/v1/tickets/{ticket['id']}/reopen", json={"reason": "Noisy again."})
    assert reopened.status_code == 200, reopened.json
    assert_summary_is_right()
    figures = kpis(manager)
    assert handling(figures)["closed"] == 0
    assert figures["first_time_fix"] == {"tickets": 1, "fixed": 0, "rate_pct": 0.0}

    # The second visit fails: a visit more for the technician, but not a first visit.
    second = next(v["id"] for v in reopened.json["visits"] if v["id"] != visit_id)
    later = book(dispatcher, second, tech_id, hours_from_now=6)
    clock.move_to(later - timedelta(minutes=20))
    steps.arrive(technician, second, clock, drive=timedelta(minutes=20))
    clock.tick(timedelta(minutes=10))
    failed = technician.post(f"/api/v1/visits/{second}/events", json={"type": "failed", "reason": "needs_parts"})
    assert failed.status_code == 201, failed.json
    assert_summary_is_right()
    figures = kpis(manager)
    assert next(r for r in figures["utilisation"] if r["technician_id"] == tech_id)["visits"] == 2
    assert figures["first_time_fix"] == {"tickets": 1, "fixed": 0, "rate_pct": 0.0}


def test_a_failed_first_visit_is_a_first_visit_that_did_not_fix(crew, clock, login_as):
    cs, dispatcher, technician = crew
    manager = login_as("manager")
    ticket = cs.post("/api/v1/tickets", json=factories.ticket_payload()).json
    visit_id = ticket["visits"][0]["id"]
    start = book(dispatcher, visit_id, technician.user.technician.id)
    clock.move_to(start - timedelta(minutes=10))
    steps.arrive(technician, visit_id, clock)
    clock.tick(timedelta(minutes=15))
    failed = technician.post(f"/api/v1/visits/{visit_id}/events", json={"type": "failed", "reason": "customer_absent"})
    assert failed.status_code == 201, failed.json
    assert_summary_is_right()
    assert kpis(manager)["first_time_fix"] == {"tickets": 1, "fixed": 0, "rate_pct": 0.0}


def test_a_cancelled_ticket_and_an_edited_customer_region_reach_the_summary(cs, login_as):
    manager = login_as("manager")
    ticket = cs.post("/api/v1/tickets", json=factories.ticket_payload()).json
    cancelled = cs.post(f"/api/v1/tickets/{ticket['id']}/cancel", json={"reason": "Customer changed their mind."})
    assert cancelled.status_code == 200, cancelled.json
    assert_summary_is_right()
    assert next(r for r in kpis(manager)["time_limits"] if r["type"] == "installation")["registered"] == 0

    payload = factories.ticket_payload()
    payload["customer"] = {**payload["customer"], "name": "李雷", "phone": "13900001111"}  # another customer
    other = cs.post("/api/v1/tickets", json=payload).json
    with transaction():
        db.session.get(Ticket, other["id"]).customer.region = "beijing"
    assert_summary_is_right()
    assert [p["registered"] for p in kpis(manager, region="beijing")["trend"]] == [1]


def test_a_write_that_is_refused_takes_its_summary_rows_back_with_it(app, clock):
    ticket, _visit = factories.make_ticket_with_visit()
    before = assert_summary_is_right()
    with pytest.raises(RuleViolation), transaction():
        ticket.status, ticket.closed_at = TicketStatus.CLOSED, utcnow()
        db.session.flush()
        assert db.session.scalar(select(KpiTicket.status)) is TicketStatus.CLOSED
        raise RuleViolation("refused")
    assert assert_summary_is_right() == before
    assert db.session.scalar(select(KpiTicket.status)) is TicketStatus.SCHEDULED


def test_the_backfill_command_builds_the_same_rows_the_writes_kept(app, clock):
    factories.make_ticket_with_visit()
    factories.make_ticket_with_visit(visit_status="unscheduled")
    kept = assert_summary_is_right()
    # As in a database upgraded with tickets already there: no summary rows.
    with transaction():
        for model in SUMMARY_MODELS:
            db.session.execute(model.__table__.delete())
    result = app.test_cli_runner().invoke(args=["reporting", "backfill-summary"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "kpi_tickets: 2 rows, kpi_visits: 2 rows, kpi_calls: 0 rows"
    db.session.rollback()
    assert stored() == kept


def test_a_ticket_registered_for_a_unit_closed_hours_ago_makes_it_a_repeat(cs, clock, login_as):
    manager = login_as("manager")
    ticket, _visit = factories.make_ticket_with_visit()
    with transaction():
        ticket.status, ticket.closed_at = TicketStatus.CLOSED, utcnow()
    assert kpis(manager)["repeats"] == [
        {"brand": "Haier", "model": "KFR-35GW", "units": 1, "repeated": 0, "repeat_pct": 0.0}
    ]

    clock.tick(timedelta(hours=5))
    payload = factories.ticket_payload(type="repair", cause="quality")
    payload["product"] = {**payload["product"], "serial_no": ticket.product.serial_no}
    again = cs.post("/api/v1/tickets", json=payload)
    assert again.status_code == 201, again.json
    assert_summary_is_right()
    assert kpis(manager)["repeats"] == [
        {"brand": "Haier", "model": "KFR-35GW", "units": 1, "repeated": 1, "repeat_pct": 100.0}
    ]


def test_a_follow_up_call_moves_with_its_visit_to_another_technician(
    crew,
    clock,
):
    """A write refreshes only the summary tables that read what it changed: the call rows read the followed-up
    visit's technician, so handing the visit over must reach them."""
    cs, dispatcher, technician = crew
    ticket = cs.post("/api/v1/tickets", json=factories.ticket_payload()).json
    visit_id = ticket["visits"][0]["id"]
    start = book(dispatcher, visit_id, technician.user.technician.id)
    clock.move_to(start - timedelta(minutes=30))
    follow_up_id = do_visit(technician, visit_id, clock)
    call = cs.post(f"/api/v1/followups/{follow_up_id}/attempts", json={"outcome": "no_answer"})
    assert call.status_code == 201, call.json
    assert_summary_is_right()

    other = factories.make_technician()
    with transaction():
        db.session.get(Visit, visit_id).technician_id = other.id
    rows = assert_summary_is_right()
    assert [row[2] for row in rows["kpi_calls"]] == [other.id]
