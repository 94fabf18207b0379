"""The ticket page's remedy forms: offer a remedy, a manager's decision, the warehouse's receipt check.

Each form posts what the API takes, validated by the same schema, and calls one use case; the ticket page
then shows what happened (or what to fix) at the top.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import marshmallow as ma
from flask import Blueprint, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from common.auth import role_required
from common.forms import posted_text, submit_form
from common.models import Role
from dispatch.remedies import service
from dispatch.remedies.enums import RemedyStatus
from dispatch.remedies.schemas import ReceiptCheckCreateSchema, RemedyCreateSchema, RemedyDecisionSchema

bp = Blueprint("remedy_pages", __name__, template_folder="templates")

STAFF = (Role.CS, Role.DISPATCHER, Role.MANAGER)
T = TypeVar("T")


FIELD_NAMES = {
    "step": _l("Remedy"),
    "answer": _l("Customer's answer"),
    "amount_yuan": _l("Amount (yuan)"),
    "note": _l("Note"),
    "decision": _l("Decision"),
    "reason": _l("Reason"),
    "packaging_ok": _l("Packaging"),
    "appearance_ok": _l("Appearance"),
    "quantity_ok": _l("Quantity"),
}


def _submit(ticket_id: int, schema: ma.Schema, body: dict, action: Callable[[dict], T], done: Callable[[T], str]):
    """The form through `schema` to `action`, then back to the ticket page's remedies saying what happened."""
    back = url_for("dispatch_pages.ticket_detail", ticket_id=ticket_id) + "#remedies"
    return submit_form(schema, body, FIELD_NAMES, action=action, done=done, back=back)


@bp.post("/tickets/<int:ticket_id>/remedies")
@role_required(Role.CS)
def offer_remedy(ticket_id: int):
    def done(remedy) -> str:
        if remedy.status is RemedyStatus.PENDING_APPROVAL:
            return _("Compensation recorded: it waits for a manager's approval.")
        if remedy.return_order is not None:
            return _("Remedy recorded: the return order and its pickup visit are created.")
        return _("Remedy recorded.")

    return _submit(
        ticket_id,
        RemedyCreateSchema(),
        posted_text("step", "answer", "amount_yuan", "note"),
        lambda data: service.offer_remedy(ticket_id, by=current_user, **data),
        done,
    )


@bp.post("/tickets/<int:ticket_id>/remedies/<int:remedy_id>/approval")
@role_required(Role.MANAGER)
def decide_compensation(ticket_id: int, remedy_id: int):
    body = posted_text("decision", "reason")
    approve = body["decision"] == "approve"  # the schema lets only approve or refuse through
    return _submit(
        ticket_id,
        RemedyDecisionSchema(),
        body,
        lambda data: service.decide_compensation(remedy_id, approve=approve, reason=data["reason"], by=current_user),
        lambda _remedy: _("Compensation approved.") if approve else _("Compensation refused."),
    )


@bp.post("/tickets/<int:ticket_id>/returns/<int:return_id>/receipt-check")
@role_required(*STAFF)
def record_receipt_check(ticket_id: int, return_id: int):
    # Checkboxes: a ticked box sends "on", an unticked one sends nothing (it failed the check).
    body = {name: request.form.get(name) == "on" for name in ("packaging_ok", "appearance_ok", "quantity_ok")}
    body["note"] = request.form.get("note", "").strip()
    return _submit(
        ticket_id,
        ReceiptCheckCreateSchema(),
        body,
        lambda data: service.record_receipt_check(return_id, by=current_user, **data),
        lambda order: (
            _("Receipt check recorded: the unit goes to stock.")
            if order.status.value == "to_stock"
            else _("Receipt check recorded: the unit goes to repair.")
        ),
    )
