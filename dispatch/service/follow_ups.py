"""Follow-up calls (回访) and rebook calls: the owner's queue and the call-attempt rules.

A rebook task is a call in the same queue, under the same rules (the call window, the attempts, the owner):
a rebalance took the visit off its day, and CS agrees a new slot with the customer."""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from common.db import db, utcnow
from common.errors import Conflict, Forbidden, NotFound, RuleViolation
from common.i18n import local_zone
from common.models import Role, User
from common.outbox import OutboundEvent
from common.transaction import transactional
from dispatch import rules
from dispatch.enums import CallOutcome, CloseReason, FollowUpKind, FollowUpStatus, TicketStatus
from dispatch.models import CallAttempt, FollowUp, Ticket, Visit
from dispatch.service.outbound import announce
from dispatch.service.tickets import close_ticket, set_ticket_status
from dispatch.service.timeline import record_event
from dispatch.service.visits import add_follow_on_visit


def follow_up_owner(ticket: Ticket) -> User:
    """The ticket's CS owner, or the least-loaded CS colleague on shift when the owner is off."""
    owner = ticket.owner
    if owner.on_shift and owner.active:
        return owner
    pending = (
        select(FollowUp.owner_id, func.count().label("n"))
        .where(FollowUp.status == FollowUpStatus.PENDING)
        .group_by(FollowUp.owner_id)
        .subquery()
    )
    colleague = db.session.scalar(
        select(User)
        .outerjoin(pending, pending.c.owner_id == User.id)
        .where(User.role == Role.CS, User.on_shift.is_(True), User.active.is_(True))
        .order_by(func.coalesce(pending.c.n, 0), User.id)
        .limit(1)
    )
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


def queue_rebook(
    ticket: Ticket, *, visit: Visit, reason: dict, offered_slots: list[dict], by: User | None, source: str
) -> FollowUp:
    """Put a rebook call for `visit` in its ticket owner's queue, with why and the slots free now (flushes only).

    The ticket keeps its status (the visit waits unscheduled); an open rebook task for the visit is replaced."""
    for old in db.session.scalars(
        select(FollowUp).where(
            FollowUp.visit_id == visit.id,
            FollowUp.kind == FollowUpKind.REBOOK.value,
            FollowUp.status == FollowUpStatus.PENDING,
        )
    ):
        old.status, old.closed_at = FollowUpStatus.CANCELLED, utcnow()
    owner = follow_up_owner(ticket)
    task = FollowUp(
        ticket=ticket,
        visit=visit,
        owner_id=owner.id,
        status=FollowUpStatus.PENDING,
        kind=FollowUpKind.REBOOK.value,
        reason=reason,
        offered_slots=offered_slots,
    )
    db.session.add(task)
    db.session.flush()
    record_event(
        ticket,
        "rebook_queued",
        by=by,
        visit=visit,
        follow_up_id=task.id,
        owner=owner.username,
        slots=len(offered_slots),
        source=source,
    )
    return task


def call_policy() -> rules.CallPolicy:
    """The follow-up call rules as configured (FOLLOW_UP_WINDOW, _MAX_ATTEMPTS, _MIN_SPACING_H, TIMEZONE)."""
    config = current_app.config
    return rules.CallPolicy(
        zone=local_zone(),
        window=tuple(config.get("FOLLOW_UP_WINDOW", (10, 18))),
        max_attempts=config.get("FOLLOW_UP_MAX_ATTEMPTS", 3),
        min_spacing_h=config.get("FOLLOW_UP_MIN_SPACING_H", 2),
    )


def list_follow_ups(*, owner_id: int | None = None, by: User, now: datetime | None = None) -> list[FollowUp]:
    """Pending follow-ups, those callable now first, then by when each becomes callable (oldest first on a tie).

    A CS user gets their own queue; a manager sees all, or one owner's.
    """
    if not by.has_role(Role.MANAGER):
        if owner_id is not None and owner_id != by.id:
            raise Forbidden("follow_ups_own_queue_only")
        owner_id = by.id
    query = (
        select(FollowUp)
        .where(FollowUp.status == FollowUpStatus.PENDING)
        .options(
            selectinload(FollowUp.ticket).selectinload(Ticket.customer),
            selectinload(FollowUp.attempts),
            selectinload(FollowUp.owner),
        )
        .order_by(FollowUp.created_at, FollowUp.id)
    )
    if owner_id is not None:
        query = query.where(FollowUp.owner_id == owner_id)
    now = now or utcnow()
    policy = call_policy()

    def order(follow_up: FollowUp):
        # Calls used up sort last: nothing more can be done with them in this queue.
        if len(follow_up.attempts) >= policy.max_attempts:
            return (2, now, follow_up.created_at, follow_up.id)
        allowed = rules.next_call_allowed_at([a.at for a in follow_up.attempts], now=now, policy=policy)
        return (0 if allowed <= now else 1, max(allowed, now), follow_up.created_at, follow_up.id)

    return sorted(db.session.scalars(query), key=order)


def call_refusal(follow_up: FollowUp, *, now: datetime | None = None) -> str | None:
    """Why a call on this follow-up would be refused right now (the rule's own words), or None when it is allowed."""
    try:
        rules.check_follow_up_call([a.at for a in follow_up.attempts], now=now or utcnow(), policy=call_policy())
    except RuleViolation as refusal:
        return refusal.message
    return None


@transactional
def record_call_attempt(
    follow_up_id: int,
    *,
    outcome: CallOutcome,
    satisfaction: int | None = None,
    resolved: bool | None = None,
    note: str | None = None,
    by: User,
    now: datetime | None = None,
) -> FollowUp:
    """Record one follow-up call: close the ticket (resolved or, after the last failed call, unreachable) or reopen it.

    Only the follow-up's owner or a manager may call. Calls keep to the window, attempt limit and
    spacing of `call_policy()`; a reopen beyond the order's visit quota needs a manager.
    """
    now = now or utcnow()
    follow_up = db.session.get(FollowUp, follow_up_id)
    if follow_up is None:
        raise NotFound("follow_up_not_found", params={"follow_up_id": follow_up_id})
    if follow_up.owner_id != by.id and not by.has_role(Role.MANAGER):
        raise Forbidden(
            "follow_up_not_yours", params={"follow_up_id": follow_up_id, "owner": follow_up.owner.display_name}
        )
    if follow_up.status is not FollowUpStatus.PENDING:
        raise Conflict(
            "follow_up_finished",
            current=follow_up.status.value,
            allowed=[],
            params={"follow_up_id": follow_up_id, "current": follow_up.status},
        )
    policy = call_policy()
    rules.check_follow_up_call([a.at for a in follow_up.attempts], now=now, policy=policy)

    ticket = follow_up.ticket
    if follow_up.kind == FollowUpKind.REBOOK.value:
        return _record_rebook_call(follow_up, outcome=outcome, note=note, by=by, now=now, policy=policy)
    number = _add_attempt(
        follow_up,
        "follow_up_attempt",
        outcome=outcome,
        note=note,
        by=by,
        now=now,
        satisfaction=satisfaction,
        resolved=resolved,
    )
    announce(
        ticket,
        OutboundEvent.FOLLOW_UP_RECORDED,
        visit=follow_up.visit,
        at=now,
        follow_up={
            "id": follow_up.id,
            "attempt": number,
            "max_attempts": policy.max_attempts,
            "outcome": outcome.value,
            "satisfaction": satisfaction,
            "resolved": resolved,
            "note": note,
        },
    )

    if outcome is CallOutcome.REACHED:
        follow_up.satisfaction, follow_up.resolved, follow_up.closed_at = satisfaction, resolved, now
        follow_up.status = FollowUpStatus.DONE
        if resolved:
            close_ticket(ticket, reason=CloseReason.RESOLVED, note=note, by=by, now=now)
        else:
            visit = add_follow_on_visit(ticket, by=by, reason="follow-up: not resolved")
            set_ticket_status(ticket, TicketStatus.REOPENED, by=by)
            record_event(ticket, "reopened", by=by, at=now, visit=visit, note=note)
            announce(ticket, OutboundEvent.TICKET_REOPENED, visit=visit, at=now, note=note)
    elif number >= policy.max_attempts:
        follow_up.status, follow_up.closed_at = FollowUpStatus.UNREACHABLE, now
        # Only CS's own words are stored; the unanswered calls are worded from the attempts when read
        # (rules.close_summary), in the reader's language.
        close_ticket(ticket, reason=CloseReason.UNREACHABLE, note=note, by=by, now=now, unanswered_calls=number)
    return follow_up


def _record_rebook_call(
    task: FollowUp, *, outcome: CallOutcome, note: str | None, by: User, now: datetime, policy: rules.CallPolicy
) -> FollowUp:
    """A rebook call: reached, the task is done (CS books the new slot on the intake page); after the last
    unanswered call it is given up as unreachable. The ticket stays open either way: its visit still waits."""
    number = _add_attempt(task, "rebook_call", outcome=outcome, note=note, by=by, now=now)
    if outcome is CallOutcome.REACHED:
        task.status, task.closed_at = FollowUpStatus.DONE, now
    elif number >= policy.max_attempts:
        task.status, task.closed_at = FollowUpStatus.UNREACHABLE, now
    return task


def _add_attempt(
    follow_up: FollowUp, action: str, *, outcome: CallOutcome, note: str | None, by: User, now: datetime, **answers
) -> int:
    """Store one call on `follow_up` and put it on the ticket's timeline as `action`; its number (1 for the first)."""
    db.session.add(CallAttempt(follow_up=follow_up, at=now, by_id=by.id, outcome=outcome, note=note, **answers))
    db.session.flush()
    number = len(follow_up.attempts)
    record_event(
        follow_up.ticket,
        action,
        by=by,
        at=now,
        visit=follow_up.visit,
        follow_up_id=follow_up.id,
        attempt=number,
        outcome=outcome,
        **answers,
        note=note,
    )
    return number


def next_call_at(follow_up: FollowUp, *, now: datetime | None = None) -> datetime | None:
    """When the owner may call next (None once the follow-up is finished)."""
    if follow_up.status is not FollowUpStatus.PENDING:
        return None
    return rules.next_call_allowed_at([a.at for a in follow_up.attempts], now=now or utcnow(), policy=call_policy())
