"""Customer messages: written to an outbox inside the use case's transaction, delivered after it by a pluggable sender.

The sender is the dotted path in config MESSAGE_SENDER ("package.module:function" or "package.module.function"),
a callable taking one CustomerMessage and raising on failure. The default only logs the message, so the
system runs without an SMS gateway; production points MESSAGE_SENDER at the gateway's adapter.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import select

from common.db import db, utcnow
from common.i18n import local_zone
from dispatch.enums import MessageKind, MessageStatus
from dispatch.models import CustomerMessage, Ticket, Visit

log = logging.getLogger(__name__)

DEFAULT_SENDER = "dispatch.service.messages:log_message"
MAX_SEND_ATTEMPTS = 5  # then the message is marked failed and stays in the outbox for a person to look at
SEND_BATCH = 100

# The customers are in China: the texts are in Chinese (config CUSTOMER_MESSAGE_LOCALE "en" for English).
TEMPLATES = {
    "zh_CN": {
        MessageKind.SLOT_CONFIRMED: "【售后服务】您的工单{ticket_id}已预约上门：{day} {start}-{end}，技师{technician}。"
        "如需改约请联系客服。",
        MessageKind.TECHNICIAN_ON_THE_WAY: "【售后服务】技师{technician}已出发前往您处（工单{ticket_id}），"
        "请保持电话畅通：{technician_phone}。",
    },
    "en": {
        MessageKind.SLOT_CONFIRMED: "Your service visit for ticket {ticket_id} is booked for {day} {start}-{end} "
        "with {technician}. Call us to change it.",
        MessageKind.TECHNICIAN_ON_THE_WAY: "{technician} is on the way to you (ticket {ticket_id}); "
        "their phone: {technician_phone}.",
    },
}


def log_message(message: CustomerMessage) -> None:
    """The default sender: write the text to the log instead of sending it."""
    log.info("message %s to %s (%s): %s", message.id, message.to_phone, message.kind.value, message.body)


def queue_customer_message(ticket: Ticket, *, visit: Visit | None, kind: MessageKind) -> CustomerMessage:
    """Put a text for the ticket's customer in the outbox (the next flush writes it; sent after the caller commits)."""
    technician = visit.technician if visit is not None else None
    local_start = visit.promised_start or visit.planned_start if visit is not None else None
    local_end = visit.promised_end or visit.planned_end if visit is not None else None
    zone = local_zone()
    values = {
        "ticket_id": ticket.id,
        "technician": technician.name if technician else "",
        "technician_phone": technician.phone if technician else "",
        "day": local_start.astimezone(zone).strftime("%Y-%m-%d") if local_start else "",
        "start": local_start.astimezone(zone).strftime("%H:%M") if local_start else "",
        "end": local_end.astimezone(zone).strftime("%H:%M") if local_end else "",
    }
    locale = current_app.config.get("CUSTOMER_MESSAGE_LOCALE", "zh_CN")
    body = TEMPLATES.get(locale, TEMPLATES["zh_CN"])[kind].format(**values)
    message = CustomerMessage(
        ticket_id=ticket.id,
        visit_id=visit.id if visit else None,
        kind=kind,
        channel="sms",
        to_phone=ticket.customer.phone,
        body=body,
        status=MessageStatus.PENDING,
    )
    db.session.add(message)
    return message


@dataclass(frozen=True)
class SendReport:
    """What one delivery run did."""

    sent: int
    failed: int  # attempts that failed this run (the message stays pending until MAX_SEND_ATTEMPTS)
    given_up: int  # messages marked failed for good this run


def send_pending_messages(
    *,
    ids: list[int] | None = None,
    limit: int = SEND_BATCH,
    now: datetime | None = None,
    sender: Callable[[CustomerMessage], None] | None = None,
) -> SendReport:
    """Deliver pending messages (oldest first, or just `ids`) with the configured sender; commits after each one.

    Each message is committed on its own, so one bad number never holds back the others; a failure
    is counted on the message and retried by the next run.
    """
    sender = sender or load_sender()
    query = select(CustomerMessage).where(CustomerMessage.status == MessageStatus.PENDING)
    if ids is not None:
        query = query.where(CustomerMessage.id.in_(ids))
    messages = list(db.session.scalars(query.order_by(CustomerMessage.id).limit(limit)))
    sent = failed = given_up = 0
    for message in messages:
        message.attempts += 1
        try:
            sender(message)
        except Exception as error:
            log.warning("message %s could not be sent: %s", message.id, error)
            message.last_error = f"{type(error).__name__}: {error}"[:2000]
            failed += 1
            if message.attempts >= MAX_SEND_ATTEMPTS:
                message.status = MessageStatus.FAILED
                given_up += 1
        else:
            message.status, message.sent_at, message.last_error = MessageStatus.SENT, now or utcnow(), None
            sent += 1
        db.session.commit()
    return SendReport(sent=sent, failed=failed, given_up=given_up)


def send_after_commit(message_ids: list[int]) -> None:
    """Try to deliver just-committed messages right away; whatever fails stays pending for `dispatch send-messages`."""
    if not message_ids:
        return
    try:
        send_pending_messages(ids=message_ids)
    except Exception:
        log.exception("sending messages %s after commit failed; they stay in the outbox", message_ids)
        db.session.rollback()


def load_sender() -> Callable[[CustomerMessage], None]:
    """The sender named by config MESSAGE_SENDER."""
    path = current_app.config.get("MESSAGE_SENDER") or DEFAULT_SENDER
    module_name, _, attribute = path.partition(":") if ":" in path else path.rpartition(".")
    return getattr(importlib.import_module(module_name), attribute)
