"""What outside CS systems learn about a ticket: the event bodies written to the outbox by the CS use cases.

The body names the ticket by its marketplace order too, since that is how the platforms' consoles know it;
it carries no customer phone or address (outside systems have the order for that).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from common.outbox import OutboundEvent, OutboxEvent, record_outbound_event
from dispatch.models import Ticket, Visit


def _time(value: datetime | None) -> str | None:
    # UTC throughout, whatever zone the caller's value was in, so receivers compare strings safely.
    return value.astimezone(UTC).isoformat() if value is not None else None


def _value(value: Any) -> Any:
    return value.value if hasattr(value, "value") and not isinstance(value, (int, float, str, bool)) else value


def ticket_data(ticket: Ticket) -> dict[str, Any]:
    """The ticket as an event body shows it."""
    return {
        "id": ticket.id,
        "status": ticket.status.value,
        "type": ticket.type.value,
        "platform": ticket.order.platform.value,
        "order_no": ticket.order.order_no,
        "serial_no": ticket.product.serial_no,
        "owner": ticket.owner.username if ticket.owner is not None else None,
        "due_at": _time(ticket.due_at),
        "close_reason": _value(ticket.close_reason),
        "closed_at": _time(ticket.closed_at),
    }


def visit_data(visit: Visit) -> dict[str, Any]:
    """One visit as an event body shows it: its state, technician and times (UTC, ISO 8601)."""
    technician = visit.technician
    return {
        "id": visit.id,
        "sequence_no": visit.sequence_no,
        "status": visit.status.value,
        "technician": {"id": technician.id, "name": technician.name} if technician is not None else None,
        "promised_start": _time(visit.promised_start),
        "promised_end": _time(visit.promised_end),
        "planned_start": _time(visit.planned_start),
        "planned_end": _time(visit.planned_end),
        "started_at": _time(visit.started_at),
        "finished_at": _time(visit.finished_at),
        "failure_reason": visit.failure_reason,
        "failure_note": visit.failure_note,
    }


def announce(
    ticket: Ticket, event: OutboundEvent, *, visit: Visit | None = None, at: datetime | None = None, **extra: Any
) -> OutboxEvent:
    """Write `event` about `ticket` (and `visit`) to the outbox in the current transaction (flushes only)."""
    data: dict[str, Any] = {"ticket": ticket_data(ticket)}
    if visit is not None:
        data["visit"] = visit_data(visit)
    data.update({key: _time(value) if isinstance(value, datetime) else _value(value) for key, value in extra.items()})
    return record_outbound_event(event, ticket_id=ticket.id, data=data, at=at)
