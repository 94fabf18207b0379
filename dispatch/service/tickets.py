"""Ticket use cases: register, list, cancel; and the status change every other use case goes through."""
from __future__ import annotations

from common.models import User
from dispatch.enums import TicketStatus
from dispatch.models import Ticket
from dispatch.rules import check_ticket_transition
from dispatch.service.timeline import record_event


def set_ticket_status(ticket: Ticket, target: TicketStatus, *, by: User | None, **detail) -> None:
    """Move `ticket` to `target` if its lifecycle allows it, and log it (flushes only)."""
    if ticket.status == target:
        return
    check_ticket_transition(ticket.status, target)
    previous = ticket.status
    ticket.status = target
    record_event(ticket, "status_changed", by=by, **{"from": previous.value, "to": target.value}, **detail)
