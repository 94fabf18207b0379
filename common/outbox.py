"""The outbox of events for outside systems: each use case writes its event in its own transaction.

Every domain may record an event here (it imports nothing above `common`); the webhooks package reads the
outbox after commit and delivers each event to the endpoints that asked for it. Nothing is sent from
inside the use case, so a change and its event are either both stored or both rolled back.
"""

from __future__ import annotations

import enum
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from common.db import Model, UTCDateTime, db, utcnow

# Set on the session when a transaction wrote an event, so an after-commit hook knows to start a sender.
SESSION_FLAG = "outbox_events_written"


class OutboundEvent(str, enum.Enum):
    """What outside CS systems may subscribe to; the value is the `type` of the delivered message."""

    TICKET_REGISTERED = "ticket.registered"
    VISIT_BOOKED = "visit.booked"
    VISIT_RESCHEDULED = "visit.rescheduled"
    VISIT_CANCELLED = "visit.cancelled"
    TECHNICIAN_ON_THE_WAY = "visit.technician_on_the_way"
    VISIT_DONE = "visit.done"
    VISIT_FAILED = "visit.failed"
    FOLLOW_UP_RECORDED = "follow_up.recorded"
    TICKET_CLOSED = "ticket.closed"
    TICKET_REOPENED = "ticket.reopened"
    REBOOK_NEEDED = "ticket.rebook_needed"
    # The remedy ladder (dispatch/remedies): a remedy offered, a manager's decision, a returned unit checked in.
    REMEDY_RECORDED = "remedy.recorded"
    REMEDY_DECIDED = "remedy.decided"
    RETURN_RECEIPT_CHECKED = "return.receipt_checked"


class OutboxEvent(Model):
    """One event as it happened, with the message body every endpoint gets (a snapshot, not a live view)."""

    __tablename__ = "outbox_events"
    __table_args__ = (Index("ix_outbox_events_pending_fan_out", "fanned_out_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The Standard Webhooks message id: the same on every retry and replay, so receivers can de-duplicate.
    message_id: Mapped[str] = mapped_column(String(40), unique=True)
    type: Mapped[str] = mapped_column(String(64))
    # Deliveries of one ticket's events keep their order per endpoint.
    ticket_id: Mapped[int | None] = mapped_column(Integer, index=True)
    payload: Mapped[dict] = mapped_column(JSON)
    # When it happened (a phone may report an event later) and when it was written here.
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # When the webhooks sender turned the event into deliveries (None: not yet).
    fanned_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


def record_outbound_event(
    event: OutboundEvent, *, ticket_id: int | None, data: dict[str, Any], at: datetime | None = None
) -> OutboxEvent:
    """Add `event` to the outbox in the caller's transaction (the next flush writes it; the use case commits).

    `data` must be JSON-ready; it becomes the message's `data` beside its `type` and `timestamp`.
    """
    at = at or utcnow()
    kind = OutboundEvent(event).value
    row = OutboxEvent(
        message_id=f"msg_{uuid.uuid4().hex}",
        type=kind,
        ticket_id=ticket_id,
        occurred_at=at,
        payload={"type": kind, "timestamp": at.astimezone(UTC).isoformat(), "data": data},
    )
    db.session.add(row)
    db.session.info[SESSION_FLAG] = True
    return row
