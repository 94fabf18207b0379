"""Customer messages: written to the outbox with the change that causes them, delivered by a pluggable sender."""

from __future__ import annotations

from sqlalchemy import select

from common.db import db
from dispatch.enums import MessageKind, MessageStatus
from dispatch.models import CustomerMessage
from dispatch.service.messages import MAX_SEND_ATTEMPTS, queue_customer_message
from tests.slots.conftest import TUESDAY, local, technician, visit_at

DELIVERED: list[str] = []


def record_delivery(message) -> None:
    """A test sender named by MESSAGE_SENDER."""
    DELIVERED.append(message.body)


def refuse_delivery(message) -> None:
    raise ConnectionError("SMS gateway unreachable")


def pending_message() -> CustomerMessage:
    visit = visit_at(31.2397, 121.4998)
    message = queue_customer_message(visit.ticket, visit=visit, kind=MessageKind.SLOT_CONFIRMED)
    db.session.commit()
    return message


def test_technician_on_the_way_is_written_when_the_technician_sets_off(app, clock, login_as):
    user = login_as("technician").user
    visit = visit_at(31.2397, 121.4998, technician=user.technician, planned_start=local(TUESDAY, 10))
    clock.move_to(local(TUESDAY, 9, 30))
    phone = login_as(user)

    response = phone.post(f"/api/v1/visits/{visit.id}/events", json={"type": "en_route"})

    assert response.status_code in (200, 201), response.json
    message = db.session.scalar(select(CustomerMessage).where(CustomerMessage.visit_id == visit.id))
    assert message.kind is MessageKind.TECHNICIAN_ON_THE_WAY and message.status is MessageStatus.PENDING
    assert user.technician.name in message.body and user.technician.phone in message.body


def test_the_send_command_delivers_pending_messages_with_the_configured_sender(app, clock, monkeypatch):
    message = pending_message()
    monkeypatch.setitem(app.config, "MESSAGE_SENDER", "tests.slots.test_customer_messages:record_delivery")
    DELIVERED.clear()

    result = app.test_cli_runner().invoke(args=["dispatch", "send-messages"])

    assert result.exit_code == 0, result.output
    assert "sent 1, failed 0" in result.output
    assert [message.body] == DELIVERED
    db.session.expire_all()
    assert message.status is MessageStatus.SENT and message.sent_at is not None


def test_a_failing_sender_leaves_the_message_pending_until_the_last_attempt(app, clock, monkeypatch):
    message = pending_message()
    monkeypatch.setitem(app.config, "MESSAGE_SENDER", "tests.slots.test_customer_messages.refuse_delivery")

    for attempt in range(1, MAX_SEND_ATTEMPTS + 1):
        app.test_cli_runner().invoke(args=["dispatch", "send-messages"])
        db.session.expire_all()
        assert message.attempts == attempt
        assert message.last_error == "ConnectionError: SMS gateway unreachable"

    assert message.status is MessageStatus.FAILED


def test_messages_to_customers_are_in_chinese_by_default(app, clock):
    technician("王磊")
    message = pending_message()
    assert message.body.startswith("【售后服务】您的工单")
