"""Remedy use cases: offer a remedy on the ladder, decide a compensation beyond CS's limit, record a receipt check.

Each use case is one transaction: the remedy, its return order and pickup visit, the timeline rows and any
status change commit together or not at all. Writes on one ticket are serialised by locking the ticket row
(BEGIN IMMEDIATE on SQLite), so two CS agents recording at once cannot both pass the ladder check.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from common.db import db, utcnow
from common.errors import Conflict, NotFound, RuleViolation
from common.models import Role, User
from common.outbox import OutboundEvent
from common.transaction import begin_write, transactional
from dispatch import rules as ticket_rules
from dispatch.enums import FollowUpStatus, TicketStatus, TicketType, VisitStatus
from dispatch.models import Ticket, Visit
from dispatch.remedies import message_codes, rules  # noqa: F401 - the refusals' words come with the rules
from dispatch.remedies.enums import CustomerAnswer, RemedyStatus, RemedyStep, ReturnKind, ReturnStatus
from dispatch.remedies.models import ReceiptCheck, Remedy, ReturnOrder
from dispatch.service.outbound import announce
from dispatch.service.tickets import set_ticket_status
from dispatch.service.timeline import record_event
from dispatch.service.visits import add_unscheduled_visit

# Ticket states in which no remedy is recorded any more.
FINISHED = frozenset({TicketStatus.CANCELLED})
# Visits that keep a pickup from being added: one still to be done, or a technician under way.
VISIT_PENDING = ticket_rules.VISIT_OPEN | {VisitStatus.EN_ROUTE, VisitStatus.ARRIVED}


def _refuse(refusal: rules.Refusal | None) -> None:
    if refusal is None:
        return
    p = refusal.params
    words = dict(p)  # the codes as the reader's words: steps and statuses are labelled when worded
    if "step" in p:
        words["step"] = RemedyStep(p["step"])
    if "highest" in p:
        words["highest"] = RemedyStep(p["highest"])
    if "current" in p:
        words["status"] = RemedyStatus(p["current"])
    extra = {k: str(v) for k, v in p.items()}
    code = f"remedy_{refusal.code}"
    if refusal.field is None:
        raise Conflict(code, params=words, reason_code=refusal.code, **extra)
    raise RuleViolation(code, field=refusal.field, params=words, reason_code=refusal.code, **extra)


@dataclass(frozen=True)
class TicketRemedies:
    """A ticket's remedies in the order offered, its return orders, and the next steps CS may still offer."""

    ticket: Ticket
    remedies: list[Remedy]
    returns: list[ReturnOrder]
    allowed_steps: list[RemedyStep]
    settled: bool
    pending: Remedy | None


def _ticket_or_404(ticket_id: int) -> Ticket:
    ticket = db.session.get(Ticket, ticket_id)
    if ticket is None:
        raise NotFound("ticket_not_found", params={"ticket_id": ticket_id})
    return ticket


def _remedies_of(ticket_id: int) -> list[Remedy]:
    return list(
        db.session.scalars(
            select(Remedy)
            .where(Remedy.ticket_id == ticket_id)
            .options(selectinload(Remedy.return_order).selectinload(ReturnOrder.receipt))
            .order_by(Remedy.id)
        )
    )


def _prior(remedies: list[Remedy]) -> list[rules.PriorRemedy]:
    return [rules.PriorRemedy(step=r.step, status=r.status) for r in remedies]


def ticket_remedies(ticket_id: int) -> TicketRemedies:
    """What the ticket page and GET .../remedies show."""
    ticket = _ticket_or_404(ticket_id)
    remedies = _remedies_of(ticket.id)
    prior = _prior(remedies)
    allowed = [s for s in rules.LADDER if rules.check_ladder(prior, s) is None]
    return TicketRemedies(
        ticket=ticket,
        remedies=remedies,
        returns=[r.return_order for r in remedies if r.return_order is not None],
        allowed_steps=[] if ticket.status in FINISHED else allowed,
        settled=any(r.status in rules.IN_EFFECT for r in remedies),
        pending=next((r for r in remedies if r.status is RemedyStatus.PENDING_APPROVAL), None),
    )


def _locked_ticket(ticket_id: int) -> Ticket:
    begin_write()
    ticket = db.session.scalar(
        select(Ticket).where(Ticket.id == ticket_id).with_for_update().execution_options(populate_existing=True)
    )
    if ticket is None:
        raise NotFound("ticket_not_found", params={"ticket_id": ticket_id})
    return ticket


def warehouses() -> dict[str, str]:
    """The destination warehouse code by product category, as configured (RETURN_WAREHOUSES over the defaults)."""
    return {**rules.DEFAULT_RETURN_WAREHOUSES, **(current_app.config.get("RETURN_WAREHOUSES") or {})}


@transactional
def offer_remedy(
    ticket_id: int,
    *,
    step: RemedyStep,
    answer: CustomerAnswer,
    amount_yuan: Decimal | None = None,
    note: str | None = None,
    by: User,
    now: datetime | None = None,
) -> Remedy:
    """Record a remedy CS offered on the ladder and the customer's answer.

    Compensation above 30 yuan the customer accepted waits for a manager (pending_approval), unless a manager
    records it. An accepted exchange or return creates its return order, its pickup visit and its destination
    warehouse by the product's category.
    """
    now = now or utcnow()
    step, answer = RemedyStep(step), CustomerAnswer(answer)
    _refuse(rules.check_amount(step, amount_yuan))
    if amount_yuan is not None:
        amount_yuan = amount_yuan.quantize(Decimal("0.01"))  # as stored and as every reader shows it
    ticket = _locked_ticket(ticket_id)
    if ticket.status in FINISHED:
        raise Conflict("remedy_ticket_cancelled", params={"ticket_id": ticket.id}, current=ticket.status.value)
    remedies = _remedies_of(ticket.id)
    _refuse(rules.check_ladder(_prior(remedies), step))
    accepted = answer is CustomerAnswer.ACCEPTED
    status = rules.status_for(step, accepted=accepted, amount=amount_yuan, by_manager=by.has_role(Role.MANAGER))
    reused_visit = None
    if accepted and step in rules.SENDS_UNIT_BACK:
        reused_visit = _visit_for_pickup(ticket, step)
    remedy = Remedy(
        ticket_id=ticket.id,
        step=step,
        status=status,
        amount_yuan=amount_yuan,
        payer=rules.who_pays(ticket.cause),
        note=note,
        offered_by_id=by.id,
        offered_at=now,
    )
    if status is RemedyStatus.APPROVED:
        remedy.decided_by_id, remedy.decided_at = by.id, now
    db.session.add(remedy)
    db.session.flush()
    record_event(
        ticket,
        "remedy_offered",
        by=by,
        at=now,
        remedy=step,
        # Prefixed: "accepted" alone is also a visit's status, worded for the technician.
        answer=f"answer_{answer.value}",
        amount_yuan=str(amount_yuan) if amount_yuan is not None else None,
        payer=remedy.payer,
        approved_by=by.username if status is RemedyStatus.APPROVED else None,
        note=note,
    )
    if status is RemedyStatus.PENDING_APPROVAL:
        record_event(ticket, "remedy_approval_requested", by=by, at=now, amount_yuan=str(amount_yuan))
    if accepted and step in rules.SENDS_UNIT_BACK and status in rules.IN_EFFECT:
        _create_return(ticket, remedy, by=by, now=now, visit=reused_visit)
    announce(ticket, OutboundEvent.REMEDY_RECORDED, at=now, remedy=remedy_data(remedy))
    return remedy


def remedy_data(remedy: Remedy) -> dict:
    """A remedy as a webhook body shows it (amounts as strings, like the API)."""
    order = remedy.return_order
    return {
        "id": remedy.id,
        "step": remedy.step.value,
        "status": remedy.status.value,
        "amount_yuan": str(remedy.amount_yuan) if remedy.amount_yuan is not None else None,
        "payer": remedy.payer.value,
        "return_order": None
        if order is None
        else {
            "id": order.id,
            "kind": order.kind.value,
            "warehouse": order.warehouse,
            "pickup_visit_id": order.pickup_visit_id,
            "status": order.status.value,
        },
    }


def _visit_for_pickup(ticket: Ticket, step: RemedyStep) -> Visit | None:
    """The open visit that already is the pickup (a return or exchange ticket's own visit), or None for a new one.

    Any other visit still to be done (or under way) keeps the pickup from being arranged: 409.
    """
    pending = next((v for v in ticket.visits if v.status in VISIT_PENDING), None)
    if pending is None:
        return None
    job = TicketType.EXCHANGE if step is RemedyStep.EXCHANGE else TicketType.RETURN_PICKUP
    if ticket.type is job and pending.status in ticket_rules.VISIT_OPEN:
        return pending
    raise Conflict("remedy_pickup_waits_for_visit", params={"no": pending.sequence_no}, visit_id=pending.id)


def _create_return(
    ticket: Ticket, remedy: Remedy, *, by: User, now: datetime, visit: Visit | None = None
) -> ReturnOrder:
    """The return order, its pickup visit (unscheduled, plannable like any other) and its warehouse (flushes only).

    `visit`: the ticket's own open visit that does the pickup (a return or exchange ticket); else a new one.
    """
    kind = ReturnKind.EXCHANGE if remedy.step is RemedyStep.EXCHANGE else ReturnKind.RETURN
    category = ticket.product.category
    warehouse = rules.warehouse_for(category, warehouses())
    visit = visit or _add_pickup_visit(ticket, kind=kind, by=by)
    order = ReturnOrder(
        ticket_id=ticket.id,
        remedy=remedy,
        kind=kind,
        category=category,
        warehouse=warehouse,
        pickup_visit_id=visit.id,
        status=ReturnStatus.AWAITING_PICKUP,
        created_at=now,
    )
    db.session.add(order)
    db.session.flush()
    record_event(
        ticket,
        "return_order_created",
        by=by,
        at=now,
        visit=visit,
        return_kind=kind,
        warehouse=warehouse,
        category=category,
    )
    return order


def _add_pickup_visit(ticket: Ticket, *, kind: ReturnKind, by: User) -> Visit:
    """An unscheduled pickup visit, counted against the order's on-site quota (beyond it a manager approves it)."""
    job = TicketType.EXCHANGE if kind is ReturnKind.EXCHANGE else TicketType.RETURN_PICKUP
    standing = ticket_rules.quota_standing(ticket.visits, ticket.visit_quota)
    beyond = standing.used >= ticket.visit_quota
    visit = add_unscheduled_visit(
        ticket,
        required_skills=ticket_rules.default_skills(job, ticket.product.category),
        duration_s=ticket_rules.default_duration_min(job) * 60,
        counts_against_quota=True,
        approved_by_id=by.id if beyond and by.has_role(Role.MANAGER) else None,
    )
    # A ticket whose last visit is done (waiting for its follow-up, or closed) opens again for the pickup;
    # the pending follow-up call is superseded: the next one follows the pickup.
    if ticket.status in (TicketStatus.AWAITING_FOLLOW_UP, TicketStatus.CLOSED):
        for follow_up in ticket.follow_ups:
            if follow_up.status is FollowUpStatus.PENDING:
                follow_up.status, follow_up.closed_at = FollowUpStatus.CANCELLED, utcnow()
        set_ticket_status(ticket, TicketStatus.REOPENED, by=by, reason=TicketType.RETURN_PICKUP.value)
        ticket.close_reason = ticket.close_note = ticket.closed_at = None
    record_event(
        ticket,
        "pickup_visit_added",
        by=by,
        visit=visit,
        visits_used=standing.used + 1,
        visit_quota=ticket.visit_quota,
    )
    if beyond and visit.approved_by_id is None:
        record_event(
            ticket,
            "quota_approval_requested",
            by=by,
            visit=visit,
            visits_used=standing.used + 1,
            visit_quota=ticket.visit_quota,
        )
    return visit


def _locked_remedy(remedy_id: int) -> Remedy:
    begin_write()
    remedy = db.session.scalar(
        select(Remedy).where(Remedy.id == remedy_id).with_for_update().execution_options(populate_existing=True)
    )
    if remedy is None:
        raise NotFound("remedy_not_found", params={"remedy_id": remedy_id})
    return remedy


@transactional
def decide_compensation(
    remedy_id: int, *, approve: bool, reason: str | None = None, by: User, now: datetime | None = None
) -> Remedy:
    """A manager approves a compensation above CS's limit, or refuses it with a reason (CS may go up the ladder)."""
    now = now or utcnow()
    remedy = _locked_remedy(remedy_id)
    _refuse(rules.check_decision(remedy.status, approve=approve, reason=reason))
    remedy.status = RemedyStatus.APPROVED if approve else RemedyStatus.REFUSED
    remedy.decided_by_id, remedy.decided_at = by.id, now
    remedy.decision_reason = (reason or "").strip() or None
    record_event(
        remedy.ticket,
        "remedy_approved" if approve else "remedy_refused",
        by=by,
        at=now,
        remedy=remedy.step,
        amount_yuan=str(remedy.amount_yuan) if remedy.amount_yuan is not None else None,
        payer=remedy.payer,
        reason=remedy.decision_reason,
    )
    announce(remedy.ticket, OutboundEvent.REMEDY_DECIDED, at=now, remedy=remedy_data(remedy))
    return remedy


def _locked_return(return_id: int) -> ReturnOrder:
    begin_write()
    order = db.session.scalar(
        select(ReturnOrder)
        .where(ReturnOrder.id == return_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if order is None:
        raise NotFound("return_order_not_found", params={"return_id": return_id})
    return order


@transactional
def record_receipt_check(
    return_id: int,
    *,
    packaging_ok: bool,
    appearance_ok: bool,
    quantity_ok: bool,
    note: str | None = None,
    by: User,
    now: datetime | None = None,
) -> ReturnOrder:
    """The warehouse's receipt check of a picked-up unit: all pass -> to stock, any fail -> to repair (once)."""
    now = now or utcnow()
    order = _locked_return(return_id)
    if order.receipt is not None or order.status is not ReturnStatus.AWAITING_PICKUP:
        raise Conflict("receipt_check_recorded_already", params={"return_id": order.id}, current=order.status.value)
    pickup = order.pickup_visit
    if not order.picked_up:
        raise Conflict("receipt_check_before_pickup", params={"return_id": order.id}, visit_id=pickup.id)
    outcome = rules.receipt_outcome(packaging_ok=packaging_ok, appearance_ok=appearance_ok, quantity_ok=quantity_ok)
    check = ReceiptCheck(
        return_order=order,
        packaging_ok=packaging_ok,
        appearance_ok=appearance_ok,
        quantity_ok=quantity_ok,
        outcome=outcome,
        note=note,
        checked_by_id=by.id,
        checked_at=now,
    )
    db.session.add(check)
    order.status = outcome
    db.session.flush()
    record_event(
        order.ticket,
        "receipt_checked",
        by=by,
        at=now,
        warehouse=order.warehouse,
        packaging_ok=packaging_ok,
        appearance_ok=appearance_ok,
        quantity_ok=quantity_ok,
        outcome=outcome,
        note=note,
    )
    announce(
        order.ticket,
        OutboundEvent.RETURN_RECEIPT_CHECKED,
        at=now,
        remedy=remedy_data(order.remedy),
        receipt={
            "packaging_ok": packaging_ok,
            "appearance_ok": appearance_ok,
            "quantity_ok": quantity_ok,
            "outcome": outcome.value,
        },
    )
    return order


def get_return(return_id: int) -> ReturnOrder:
    order = db.session.get(ReturnOrder, return_id)
    if order is None:
        raise NotFound("return_order_not_found", params={"return_id": return_id})
    return order
