"""The webhooks page: admins register endpoints (the secret shown once), see deliveries and replay dead ones."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from marshmallow import ValidationError

from common.auth import role_required
from common.errors import DomainError
from common.models import Role
from webhooks.enums import DeliveryStatus, OutboundEvent
from webhooks.labels import STATUS_LABELS
from webhooks.schemas import WebhookEndpointCreateSchema
from webhooks.service import deliveries, endpoints
from webhooks.service.overview import show_webhooks

bp = Blueprint("webhook_pages", __name__, template_folder="templates")

EVENT_LABELS = {
    OutboundEvent.TICKET_REGISTERED: _l("Ticket registered"),
    OutboundEvent.VISIT_BOOKED: _l("Visit booked"),
    OutboundEvent.VISIT_RESCHEDULED: _l("Visit rescheduled"),
    OutboundEvent.VISIT_CANCELLED: _l("Visit cancelled"),
    OutboundEvent.TECHNICIAN_ON_THE_WAY: _l("Technician on the way"),
    OutboundEvent.VISIT_DONE: _l("Visit done"),
    OutboundEvent.VISIT_FAILED: _l("Visit failed"),
    OutboundEvent.FOLLOW_UP_RECORDED: _l("Follow-up call recorded"),
    OutboundEvent.TICKET_CLOSED: _l("Ticket closed"),
    OutboundEvent.TICKET_REOPENED: _l("Ticket reopened"),
    OutboundEvent.REBOOK_NEEDED: _l("Rebooking needed"),
    OutboundEvent.REMEDY_RECORDED: _l("Remedy recorded"),
    OutboundEvent.REMEDY_DECIDED: _l("Compensation decided by a manager"),
    OutboundEvent.RETURN_RECEIPT_CHECKED: _l("Returned unit checked in by the warehouse"),
}


def _event_label(value: str) -> str:
    try:
        return str(EVENT_LABELS[OutboundEvent(value)])
    except ValueError:
        return value


def _page(*, status: int = 200, new_endpoint=None, form: dict | None = None, errors: dict | None = None):
    return render_template(
        "webhooks/webhooks.html",
        overview=show_webhooks(),
        event_types=list(OutboundEvent),
        event_label=_event_label,
        status_label=lambda s: STATUS_LABELS[DeliveryStatus(s)],
        new_endpoint=new_endpoint,
        form=form or {},
        errors=errors or {},
        can_change=current_user.has_role(Role.ADMIN),
    ), status


@bp.get("/webhooks")
@role_required(Role.MANAGER)
def webhook_list():
    return _page()


@bp.post("/webhooks")
@role_required(Role.ADMIN)
def register():
    form = {
        "url": request.form.get("url", ""),
        "events": request.form.getlist("events"),
        "description": request.form.get("description", ""),
    }
    try:
        data = WebhookEndpointCreateSchema().load(form)
        created = endpoints.register_endpoint(
            data["url"],
            events=data["events"],
            description=data["description"],
            by=current_user,
            own=endpoints.own_hosts(request.host, scheme=request.scheme),
        )
    except ValidationError as error:
        return _page(status=422, form=form, errors={k: _field_message(k) for k in error.messages})
    except DomainError as error:
        return _page(status=error.status, form=form, errors={getattr(error, "field", None) or "url": error.message})
    # Answered here rather than after a redirect: the secret must not travel in the session cookie.
    return _page(status=201, new_endpoint=created)


def _field_message(field: str) -> str:
    return {
        "url": _("Give the receiver's address, e.g. https://crm.example.com/hooks."),
        "events": _("Choose at least one event."),
        "description": _("Keep the description under 200 characters."),
    }.get(field, _("Check this field."))


@bp.post("/webhooks/<int:endpoint_id>/active")
@role_required(Role.ADMIN)
def set_active(endpoint_id: int):
    active = request.form.get("active") == "1"
    try:
        endpoints.update_endpoint(endpoint_id, active=active)
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_("Endpoint resumed.") if active else _("Endpoint paused: it gets no new events."), "success")
    return redirect(url_for(".webhook_list"))


@bp.post("/webhooks/<int:endpoint_id>/delete")
@role_required(Role.ADMIN)
def delete(endpoint_id: int):
    try:
        endpoints.delete_endpoint(endpoint_id)
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_("Endpoint removed."), "success")
    return redirect(url_for(".webhook_list"))


@bp.post("/webhooks/deliveries/<int:delivery_id>/replay")
@role_required(Role.ADMIN)
def replay(delivery_id: int):
    try:
        deliveries.replay_delivery(delivery_id)
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_("Delivery %(id)d will be sent again with the same message id.", id=delivery_id), "success")
    return redirect(url_for(".webhook_list"))
