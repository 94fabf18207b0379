"""The ticket page's buttons: add, cancel or approve a visit, reopen or cancel the ticket, correct the customer.

Each form posts the same body the API takes, validated by the same schema, and calls one use case; the
page then shows the ticket again with what happened (or what to fix) at the top.
"""

from __future__ import annotations

from collections.abc import Callable

import marshmallow as ma
from flask import Blueprint, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from common.auth import role_required
from common.forms import posted_text, submit_form
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


def _submit(ticket_id: int, schema: ma.Schema, action: Callable[[dict], object], done: str):
    """The form through `schema` to `action`, then back to the ticket page saying what happened."""
    back = url_for("dispatch_pages.ticket_detail", ticket_id=ticket_id)
    return submit_form(schema, posted_text(), FIELD_NAMES, action=action, done=done, back=back)


def _with_reason(ticket_id: int, use_case: Callable[..., object], subject_id: int, done: str):
    """A form that gives only a reason: `use_case(subject_id, reason=..., by=...)`, then back to the ticket."""
    return _submit(
        ticket_id,
        ReasonInSchema(),
        lambda data: use_case(subject_id, reason=data["reason"], by=current_user),
        done,
    )


@bp.post("/tickets/<int:ticket_id>/visits")
@role_required(Role.CS)
def add_visit(ticket_id: int):
    return _with_reason(ticket_id, ticket_changes.add_visit, ticket_id, _("Visit added."))


@bp.post("/tickets/<int:ticket_id>/visits/<int:visit_id>/cancel")
@role_required(Role.CS)
def cancel_visit(ticket_id: int, visit_id: int):
    return _with_reason(ticket_id, ticket_changes.cancel_visit, visit_id, _("Visit cancelled."))


@bp.post("/tickets/<int:ticket_id>/visits/<int:visit_id>/quota-approval")
@role_required(Role.MANAGER)
def decide_quota_approval(ticket_id: int, visit_id: int):
    approve = posted_text("decision")["decision"] == "approve"  # the schema lets only approve or refuse through
    return _submit(
        ticket_id,
        QuotaDecisionSchema(),
        lambda data: visits.decide_quota_approval(visit_id, approve=approve, reason=data["reason"], by=current_user),
        _("Visit approved: it can be booked now.") if approve else _("Visit refused and cancelled."),
    )


@bp.post("/tickets/<int:ticket_id>/reopen")
@role_required(Role.CS)
def reopen_ticket(ticket_id: int):
    return _with_reason(ticket_id, ticket_changes.reopen_ticket, ticket_id, _("Ticket reopened with a new visit."))


@bp.post("/tickets/<int:ticket_id>/cancel")
@role_required(Role.CS)
def cancel_ticket(ticket_id: int):
    return _with_reason(ticket_id, tickets.cancel_ticket, ticket_id, _("Ticket cancelled."))


@bp.post("/tickets/<int:ticket_id>/customer")
@role_required(Role.CS)
def update_customer(ticket_id: int):
    return _submit(
        ticket_id,
        CustomerUpdateSchema(partial=True, only=("name", "phone", "address", "district")),
        lambda data: ticket_changes.update_customer(ticket_id, changes=data, by=current_user),
        _("Customer details saved."),
    )
