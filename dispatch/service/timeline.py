"""The ticket timeline: one row for every change, with who and when."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from common.db import db, utcnow
from common.models import User
from dispatch.models import Ticket, TimelineEvent, Visit


def record_event(
    ticket: Ticket,
    action: str,
    *,
    by: User | None,
    visit: Visit | None = None,
    at: datetime | None = None,
    **detail: Any,
) -> TimelineEvent:
    """Add `action` to the ticket's timeline (the next flush writes it; the calling use case commits).

    No flush of its own: a use case logs several changes, and one flush for all of them writes the same rows
    with fewer round trips (and one summary refresh, see reporting.summary)."""
    event = TimelineEvent(
        ticket_id=ticket.id,
        visit_id=visit.id if visit else None,
        actor_id=by.id if by else None,
        action=action,
        detail=_jsonable(detail),
        at=at or utcnow(),
    )
    db.session.add(event)
    return event


def _jsonable(detail: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in detail.items():
        if isinstance(value, datetime):
            value = value.isoformat()
        elif hasattr(value, "value") and not isinstance(value, (int, float, str, bool)):
            value = value.value  # enums
        out[key] = value
    return out
