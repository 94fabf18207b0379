"""The ticket page's remedy forms: offer a remedy, a manager's decision, the warehouse's receipt check.

Each form posts what the API takes, validated by the same schema, and calls one use case; the ticket page
then shows what happened (or what to fix) at the top.
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
from dispatch.remedies import service
from dispatch.remedies.enums import RemedyStatus
from dispatch.remedies.schemas import ReceiptCheckCreateSchema, RemedyCreateSchema, RemedyDecisionSchema

bp = Blueprint("remedy_pages", __name__, template_folder="templates")

STAFF = (Role.CS, Role.DISPATCHER, Role.MANAGER)


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


def _form(schema: ma.Schema, body: dict) -> dict | None:
    return load_form(schema, body, FIELD_NAMES)


def _text_fields(*names: str) -> dict:
    return {name: request.form.get(name, "").strip() for name in names}


def _back(ticket_id: int):
    return redirect(url_for("dispatch_pages.ticket_detail", ticket_id=ticket_id) + "#remedies")


def _run(ticket_id: int, action, done) -> object:
    try:
        result = action()
    except DomainError as error:
        flash(
            _("%(field)s: %(message)s", field=str(FIELD_NAMES.get(error.field, error.field)), message=error.message)
            if getattr(error, "field", None)
            else error.message,
            "error",
        )
    else:
        flash(done(result), "success")
    return _back(ticket_id)


@bp.post("/tickets/<int:ticket_id>/remedies")
@role_required(Role.CS)
def offer_remedy(ticket_id: int):
    data = _form(RemedyCreateSchema(), _text_fields("step", "answer", "amount_yuan", "note"))
    if data is None:
        return _back(ticket_id)

    def done(remedy) -> str:
        if remedy.status is RemedyStatus.PENDING_APPROVAL:
            return _("Compensation recorded: it waits for a manager's approval.")
        if remedy.return_order is not None:
            return _("Remedy recorded: the return order and its pickup visit are created.")
        return _("Remedy recorded.")

    return _run(ticket_id, lambda: service.offer_remedy(ticket_id, by=current_user, **data), done)


@bp.post("/tickets/<int:ticket_id>/remedies/<int:remedy_id>/approval")
@role_required(Role.MANAGER)
def decide_compensation(ticket_id: int, remedy_id: int):
    data = _form(RemedyDecisionSchema(), _text_fields("decision", "reason"))
    if data is None:
        return _back(ticket_id)
    approve = data["decision"] == "approve"
    return _run(
        ticket_id,
        lambda: service.decide_compensation(remedy_id, approve=approve, reason=data["reason"], by=current_user),
        lambda _remedy: _("Compensation approved.") if approve else _("Compensation refused."),
    )


@bp.post("/tickets/<int:ticket_id>/returns/<int:return_id>/receipt-check")
@role_required(*STAFF)
def record_receipt_check(ticket_id: int, return_id: int):
    # Checkboxes: a ticked box sends "on", an unticked one sends nothing (it failed the check).
    body = {name: request.form.get(name) == "on" for name in ("packaging_ok", "appearance_ok", "quantity_ok")}
    body["note"] = request.form.get("note", "").strip()
    data = _form(ReceiptCheckCreateSchema(), body)
    if data is None:
        return _back(ticket_id)
    return _run(
        ticket_id,
        lambda: service.record_receipt_check(return_id, by=current_user, **data),
        lambda order: (
            _("Receipt check recorded: the unit goes to stock.")
            if order.status.value == "to_stock"
            else _("Receipt check recorded: the unit goes to repair.")
        ),
    )
