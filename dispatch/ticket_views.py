"""The ticket page's buttons: add, cancel or approve a visit, reopen or cancel the ticket, correct the customer.

Each form posts the same body the API takes, validated by the same schema, and calls one use case; the
page then shows the ticket again with what happened (or what to fix) at the top.
"""

from __future__ import annotations

import marshmallow as ma
from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from common.auth import role_required
from common.errors import DomainError
from common.forms import load_form
from common.models import Role
from dispatch.schemas import CustomerUpdateSchema, QuotaDecisionSchema, ReasonInSchema
from dispatch.service import ticket_changes, tickets, visits

bp = Blueprint("ticket_pages", __name__)


FIELD_NAMES = {
    "reason": _l("Reason"),
    "decision": _l("Decision"),
    "name": _l("Name"),
    "phone": _l("Phone"),
    "address": _l("Address"),
    "district": _l("District"),
}


def _form(schema: ma.Schema) -> dict | None:
    """The form as the schema's output, or None after flashing what to fix."""
    body = {key: value.strip() for key, value in request.form.items() if key != "csrf_token"}
    return load_form(schema, body, FIELD_NAMES)


def _back(ticket_id: int):
    return redirect(url_for("dispatch_pages.ticket_detail", ticket_id=ticket_id))


def _run(ticket_id: int, action, done: str):
    try:
        action()
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(done, "success")
    return _back(ticket_id)


@bp.post("/tickets/<int:ticket_id>/visits")
@role_required(Role.CS)
def add_visit(ticket_id: int):
    data = _form(ReasonInSchema())
    if data is None:
        return _back(ticket_id)
    return _run(
        ticket_id,
        lambda: ticket_changes.add_visit(ticket_id, reason=data["reason"], by=current_user),
        _("Visit added."),
    )


@bp.post("/tickets/<int:ticket_id>/visits/<int:visit_id>/cancel")
@role_required(Role.CS)
def cancel_visit(ticket_id: int, visit_id: int):
    data = _form(ReasonInSchema())
    if data is None:
        return _back(ticket_id)
    return _run(
        ticket_id,
        lambda: ticket_changes.cancel_visit(visit_id, reason=data["reason"], by=current_user),
        _("Visit cancelled."),
    )


@bp.post("/tickets/<int:ticket_id>/visits/<int:visit_id>/quota-approval")
@role_required(Role.MANAGER)
def decide_quota_approval(ticket_id: int, visit_id: int):
    data = _form(QuotaDecisionSchema())
    if data is None:
        return _back(ticket_id)
    approve = data["decision"] == "approve"
    return _run(
        ticket_id,
        lambda: visits.decide_quota_approval(visit_id, approve=approve, reason=data["reason"], by=current_user),
        _("Visit approved: it can be booked now.") if approve else _("Visit refused and cancelled."),
    )


@bp.post("/tickets/<int:ticket_id>/reopen")
@role_required(Role.CS)
def reopen_ticket(ticket_id: int):
    data = _form(ReasonInSchema())
    if data is None:
        return _back(ticket_id)
    return _run(
        ticket_id,
        lambda: ticket_changes.reopen_ticket(ticket_id, reason=data["reason"], by=current_user),
        _("Ticket reopened with a new visit."),
    )


@bp.post("/tickets/<int:ticket_id>/cancel")
@role_required(Role.CS)
def cancel_ticket(ticket_id: int):
    data = _form(ReasonInSchema())
    if data is None:
        return _back(ticket_id)
    return _run(
        ticket_id,
        lambda: tickets.cancel_ticket(ticket_id, reason=data["reason"], by=current_user),
        _("Ticket cancelled."),
    )


@bp.post("/tickets/<int:ticket_id>/customer")
@role_required(Role.CS)
def update_customer(ticket_id: int):
    data = _form(CustomerUpdateSchema(partial=True, only=("name", "phone", "address", "district")))
    if data is None:
        return _back(ticket_id)
    return _run(
        ticket_id,
        lambda: ticket_changes.update_customer(ticket_id, changes=data, by=current_user),
        _("Customer details saved."),
    )
