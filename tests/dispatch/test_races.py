"""Double clicks and dispatchers racing: the same write sent many times at once is applied once, never a 500."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from common.db import db
from dispatch.enums import TicketStatus, TicketType, VisitStatus
from dispatch.models import Order, Ticket, Visit
from tests import factories
from tests.clock import TUESDAY_9_LOCAL
from tests.concurrency import at_once, statuses


def bearer(api) -> dict:
    return {"Authorization": f"Bearer {api.token}"}


def count(model, *where) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def same_unit_and_type(ticket: Ticket, status: TicketStatus) -> Ticket:
    return Ticket(
        order_id=ticket.order_id,
        product_id=ticket.product_id,
        customer_id=ticket.customer_id,
        type=ticket.type,
        status=status,
        description="again",
        priority=3,
        owner_id=ticket.owner_id,
        warranty=ticket.warranty,
        warranty_until=ticket.warranty_until,
        visit_quota=1,
        due_at=ticket.due_at,
    )


def test_twenty_identical_new_tickets_at_once_give_one_ticket_and_clear_conflicts(app, cs):
    body = factories.ticket_payload()
    answers = at_once(app, 20, lambda client: client.post("/api/v1/tickets", json=body, headers=bearer(cs)))
    assert statuses(answers) == [201] + [409] * 19
    refusal = next(answer for code, answer in answers if code == 409)
    assert "already open" in refusal["message"] and refusal["errors"] == {}
    assert count(Order, Order.order_no == body["order"]["order_no"]) == 1
    assert count(Ticket) == 1


def test_a_double_click_for_an_existing_order_opens_one_ticket(app, cs, new_ticket):
    first = new_ticket(type="repair")
    db.session.get(Ticket, first["id"]).status = TicketStatus.CLOSED
    db.session.commit()
    body = factories.ticket_payload(
        order=first["order"] | {"order_value": float(first["order"]["order_value"])},
        product={
            "category": "large_appliance",
            "brand": "Haier",
            "sku": "KFR-35GW",
            "serial_no": first["product"]["serial_no"],
        },
        type="repair",
    )
    answers = at_once(app, 10, lambda client: client.post("/api/v1/tickets", json=body, headers=bearer(cs)))
    assert statuses(answers) == [201] + [409] * 9
    assert count(Ticket, Ticket.status == TicketStatus.OPEN) == 1


def test_the_database_refuses_a_second_open_ticket_for_one_unit_and_type(app, clock):
    ticket, _ = factories.make_ticket_with_visit()
    db.session.add(same_unit_and_type(ticket, TicketStatus.REOPENED))
    # PostgreSQL names the index; SQLite names its columns.
    with pytest.raises(IntegrityError, match="uq_tickets_open_per_unit_and_type|tickets.order_id, tickets.product_id"):
        db.session.commit()
    db.session.rollback()


def test_a_closed_ticket_does_not_block_a_new_one_for_the_same_unit(app, clock):
    ticket, _ = factories.make_ticket_with_visit()
    ticket.status = TicketStatus.CLOSED
    db.session.add(same_unit_and_type(ticket, TicketStatus.OPEN))
    db.session.commit()
    assert count(Ticket, Ticket.type == TicketType(ticket.type)) == 2


def test_twenty_dispatchers_assigning_one_technician_at_one_time_put_one_visit_there(
    app, dispatcher, new_ticket, installer
):
    visit_ids = iter([new_ticket()["visits"][0]["id"] for _ in range(20)])
    chosen = {}

    def assign(client):
        import threading

        visit_id = chosen.setdefault(threading.get_ident(), next(visit_ids))
        return client.post(
            f"/api/v1/visits/{visit_id}/assignment",
            headers=bearer(dispatcher),
            json={"technician_id": installer.id, "start": TUESDAY_9_LOCAL.isoformat()},
        )

    answers = at_once(app, 20, assign)
    assert statuses(answers) == [200] + [409] * 19, answers
    refusal = next(answer for code, answer in answers if code == 409)
    assert "already has visit" in refusal["message"] and "pick another time" in refusal["message"]
    assert count(Visit, Visit.technician_id == installer.id, Visit.status == VisitStatus.SCHEDULED) == 1


def test_the_same_assignment_retried_with_one_key_is_applied_once(app, dispatcher, new_ticket, installer):
    ticket = new_ticket()
    visit_id = ticket["visits"][0]["id"]
    headers = bearer(dispatcher) | {"Idempotency-Key": "assign-once"}
    body = {"technician_id": installer.id, "start": TUESDAY_9_LOCAL.isoformat()}
    answers = at_once(
        app, 10, lambda client: client.post(f"/api/v1/visits/{visit_id}/assignment", json=body, headers=headers)
    )
    assert statuses(answers) == [200] * 10
    assert len({answer["planned_start"] for _, answer in answers}) == 1
    detail = app.test_client().get(f"/api/v1/tickets/{ticket['id']}", headers=bearer(dispatcher)).json
    assert [e["action"] for e in detail["timeline"]].count("visit_scheduled") == 1
