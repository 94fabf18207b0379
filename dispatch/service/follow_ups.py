"""Follow-up calls (回访): the owner's queue and the call-attempt rules."""
from __future__ import annotations

from sqlalchemy import func, select

from common.db import db
from common.models import Role, User
from dispatch.enums import FollowUpStatus, TicketStatus
from dispatch.models import FollowUp, Ticket, Visit
from dispatch.service.tickets import set_ticket_status
from dispatch.service.timeline import record_event


def follow_up_owner(ticket: Ticket) -> User:
    """The ticket's CS owner, or the least-loaded CS colleague on shift when the owner is off."""
    owner = ticket.owner
    if owner.on_shift and owner.active:
        return owner
    pending = (select(FollowUp.owner_id, func.count().label("n"))
               .where(FollowUp.status == FollowUpStatus.PENDING).group_by(FollowUp.owner_id).subquery())
    colleague = db.session.scalar(
        select(User).outerjoin(pending, pending.c.owner_id == User.id)
        .where(User.role == Role.CS, User.on_shift.is_(True), User.active.is_(True))
        .order_by(func.coalesce(pending.c.n, 0), User.id).limit(1))
    return colleague or owner


def queue_follow_up(ticket: Ticket, *, visit: Visit | None, by: User | None) -> FollowUp:
    """Put a follow-up call for `ticket` in its owner's queue and wait for it (flushes only)."""
    owner = follow_up_owner(ticket)
    follow_up = FollowUp(ticket=ticket, visit=visit, owner_id=owner.id, status=FollowUpStatus.PENDING)
    db.session.add(follow_up)
    set_ticket_status(ticket, TicketStatus.AWAITING_FOLLOW_UP, by=by)
    db.session.flush()
    record_event(ticket, "follow_up_queued", by=by, visit=visit, follow_up_id=follow_up.id, owner=owner.username)
    return follow_up
