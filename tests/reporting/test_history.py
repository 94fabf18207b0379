"""The generated history the bench runs on: coherent lives, and a database the app can keep writing to."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from common.db import db
from dispatch.enums import TicketStatus, VisitStatus
from dispatch.models import CallAttempt, Ticket, Visit
from reporting.history import generate_history
from tests import factories

NOW = datetime(2026, 11, 23, 4, 0, tzinfo=UTC)


def test_history_tickets_live_in_order_and_never_in_the_future(app):
    summary = generate_history(tickets=300, days=30, technicians=5, now=NOW)
    assert summary.tickets == db.session.scalar(select(func.count()).select_from(Ticket)) == 300
    for ticket in db.session.scalars(select(Ticket)):
        assert ticket.created_at <= NOW
        if ticket.status in (TicketStatus.CLOSED, TicketStatus.CANCELLED):
            assert ticket.created_at < ticket.closed_at <= NOW
    for visit in db.session.scalars(select(Visit).where(Visit.status.in_([VisitStatus.COMPLETED, VisitStatus.FAILED]))):
        assert visit.started_at < visit.finished_at <= NOW
    assert db.session.scalar(select(func.max(CallAttempt.at))) <= NOW


def test_the_app_registers_new_tickets_after_a_generated_history(app):
    generate_history(tickets=50, days=10, technicians=2, now=NOW)
    # Explicit ids from the bulk insert must not collide with the ids the database hands out next.
    ticket, visit = factories.make_ticket_with_visit()
    assert ticket.id > 50 and visit.id > 50


def test_a_generated_history_comes_with_its_dashboard_summary(app):
    from tests.reporting.summary_check import assert_summary_is_right

    summary = generate_history(tickets=200, days=20, technicians=4, now=NOW)
    rows = assert_summary_is_right()
    assert len(rows["kpi_tickets"]) == summary.tickets and len(rows["kpi_visits"]) == summary.visits
