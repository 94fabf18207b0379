"""CS pages: ticket list, ticket page with its timeline, the follow-up queue, and intake (slot offers: scheduling.offers.views)."""

from __future__ import annotations

import base64
from datetime import datetime

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from common.auth import role_required
from common.db import utcnow
from common.errors import DomainError
from common.field_errors import translate_field_errors
from common.forms import run_flashed
from common.input_limits import query_int
from common.models import Role
from dispatch import labels, rules
from dispatch.enums import CallOutcome, Platform, TicketStatus
from dispatch.remedies import rules as remedy_rules
from dispatch.remedies import service as remedies
from dispatch.service import follow_ups, tickets

bp = Blueprint("dispatch_pages", __name__, template_folder="templates")

STAFF = (Role.CS, Role.DISPATCHER, Role.MANAGER)
# What a rebook task asks of the caller, by why the rebalance sent the visit back.
REBOOK_WHY = {
    "promise_broken": _l("The promised slot cannot be kept: agree a new slot with the customer."),
    "not_today": _l("The visit cannot be done on its day: agree a new day with the customer."),
}


@bp.get("/tickets")
@role_required(*STAFF)
def ticket_list():
    status = request.args.get("status") or None
    status = TicketStatus(status) if status in {s.value for s in TicketStatus} else None
    owner_id = current_user.id if request.args.get("owner") == "me" else query_int("owner")
    page_no = query_int("page") or 1
    q = (request.args.get("q") or "").strip()[:64]
    show = request.args.get("show", "")
    page = tickets.list_tickets(
        status=status,
        owner_id=owner_id,
        q=q or None,
        needs_rebooking=show == "needs_rebooking",
        overdue=show == "overdue",
        page=page_no,
        page_size=50,
    )
    return render_template(
        "dispatch/ticket_list.html",
        page=page,
        page_no=page_no,
        status=status,
        owner=request.args.get("owner", ""),
        statuses=list(TicketStatus),
        q=q,
        show=show,
        is_overdue=rules.is_overdue,
        now=utcnow(),
    )


@bp.get("/tickets/<int:ticket_id>")
@role_required(*STAFF)
def ticket_detail(ticket_id: int):
    ticket = tickets.get_ticket(ticket_id)
    return render_template(
        "dispatch/ticket_detail.html",
        ticket=ticket,
        close_note=labels.close_note(ticket),
        visits_used=tickets.visits_used(ticket),
        quota=rules.quota_standing(ticket.visits, ticket.visit_quota),
        open_statuses=rules.VISIT_OPEN,
        ticket_open=rules.TICKET_OPEN,
        overdue=rules.is_overdue(ticket.due_at, status=ticket.status, now=utcnow()),
        remedies=remedies.ticket_remedies(ticket.id),
        remedy_limits={"min": remedy_rules.CS_COMPENSATION_MIN, "max": remedy_rules.CS_COMPENSATION_MAX},
    )


@bp.get("/followups")
@role_required(Role.CS)
def follow_up_queue():
    queue = follow_ups.list_follow_ups(by=current_user)
    return render_template(
        "dispatch/follow_ups.html",
        queue=queue,
        next_call_at=follow_ups.next_call_at,
        refusal_of=follow_ups.call_refusal,
        outcomes=list(CallOutcome),
        all_owners=current_user.has_role(Role.MANAGER),
        max_attempts=follow_ups.call_policy().max_attempts,
        rebook_why=REBOOK_WHY,
        parse_iso=datetime.fromisoformat,
    )


@bp.post("/followups/<int:follow_up_id>/attempts")
@role_required(Role.CS)
def record_attempt(follow_up_id: int):
    form = request.form
    outcome = form.get("outcome")
    if outcome not in {o.value for o in CallOutcome}:
        flash(_("Choose whether the customer was reached."), "error")
        return redirect(url_for(".follow_up_queue"))
    reached = outcome == CallOutcome.REACHED.value
    satisfaction = form.get("satisfaction", "")
    resolved = form.get("resolved")
    if reached and form.get("kind") != "rebook" and resolved not in ("yes", "no"):
        flash(_("Say whether the problem is resolved."), "error")
        return redirect(url_for(".follow_up_queue"))
    run_flashed(
        lambda: follow_ups.record_call_attempt(
            follow_up_id,
            outcome=CallOutcome(outcome),
            satisfaction=int(satisfaction) if reached and satisfaction in {"1", "2", "3", "4", "5"} else None,
            resolved=(resolved == "yes") if reached else None,
            note=(form.get("note") or "").strip()[:1000] or None,
            by=current_user,
        ),
        _("Call recorded."),
    )
    return redirect(url_for(".follow_up_queue"))


# --- CS intake: register a request, then promise a slot while the customer is on the phone --------------

INTAKE_FIELDS = (
    "platform",
    "order_no",
    "order_value",
    "purchase_date",
    "name",
    "phone",
    "address",
    "lat",
    "lon",
    "district",
    "region",
    "category",
    "brand",
    "sku",
    "serial_no",
    "type",
    "cause",
    "description",
    "priority",
    "duration_min",
    "available_from",
    "available_until",
)


def _intake_request(form) -> dict:
    """The form as TicketCreateSchema's input (the same body the API takes)."""
    from common.i18n import local_zone

    def text(name: str) -> str | None:
        return (form.get(name) or "").strip() or None

    def number(name: str) -> str | None:
        return text(name)

    def local_time(name: str) -> str | None:
        value = text(name)
        if value is None:
            return None
        try:
            return datetime.fromisoformat(value).replace(tzinfo=local_zone()).isoformat()
        except ValueError:
            return value  # the schema names the field

    body = {
        "order": {
            "platform": text("platform"),
            "order_no": text("order_no"),
            "order_value": number("order_value"),
            "purchase_date": text("purchase_date"),
        },
        "customer": {
            "name": text("name"),
            "phone": text("phone"),
            "address": text("address"),
            "lat": number("lat"),
            "lon": number("lon"),
        },
        "product": {
            "category": text("category"),
            "brand": text("brand"),
            "sku": text("sku"),
            "serial_no": text("serial_no"),
        },
        "type": text("type"),
        "cause": text("cause"),
        "description": text("description"),
        "priority": number("priority") or 3,
        "district": text("district"),
        "region": text("region") or "default",
        "duration_min": number("duration_min"),
        "availability": [],
    }
    start, end = local_time("available_from"), local_time("available_until")
    if start or end:
        body["availability"] = [{"start": start, "end": end}]
    return body


def _intake_photos(files) -> list[dict]:
    """Uploaded photo files as the API's photo objects (the schema and the use case check them)."""
    return [
        {
            "filename": upload.filename or "photo",
            "content_type": upload.mimetype or "",
            "data_base64": base64.b64encode(upload.read()).decode(),
        }
        for upload in files.getlist("photos")
        if upload and upload.filename
    ]


def _render_intake(values: dict, errors: dict | None = None, status: int = 200):
    from dispatch.enums import Cause, Platform, ProductCategory, TicketType

    return render_template(
        "dispatch/intake.html",
        values=values,
        errors=errors or {},
        platforms=list(Platform),
        categories=list(ProductCategory),
        types=list(TicketType),
        causes=list(Cause),
    ), status


@bp.get("/intake")
@role_required(Role.CS)
def intake():
    values = {"region": "shanghai", "priority": "3"}
    order_no = (request.args.get("order_no") or "").strip()
    if order_no:
        platform = request.args.get("platform", "")
        order = tickets.find_order(Platform(platform), order_no) if platform in _PLATFORMS else None
        if order is None:
            values.update(platform=platform, order_no=order_no)
            flash(_("No stored order %(no)s on that platform: enter it below.", no=order_no), "info")
        else:
            values.update(_order_values(order))
            flash(
                _("Order %(no)s found: check the customer's details and describe the problem.", no=order_no), "success"
            )
    return _render_intake(values)


_PLATFORMS = {p.value for p in Platform}


def _order_values(order) -> dict:
    """A stored order, its customer and its first product as intake form values."""
    customer = order.customer
    values = {
        "platform": order.platform.value,
        "order_no": order.order_no,
        "order_value": str(order.order_value_yuan),
        "purchase_date": order.purchase_date.isoformat(),
        "name": customer.name,
        "phone": customer.phone,
        "address": customer.address,
        "district": customer.district or "",
        "region": customer.region,
        "lat": "" if customer.lat is None else str(customer.lat),
        "lon": "" if customer.lon is None else str(customer.lon),
    }
    if order.products:
        product = order.products[0]
        values.update(
            category=product.category.value, brand=product.brand, sku=product.sku, serial_no=product.serial_no
        )
    return values


@bp.post("/intake")
@role_required(Role.CS)
def intake_register():
    import marshmallow as ma

    from dispatch.schemas import TicketCreateSchema

    values = {name: request.form.get(name, "") for name in INTAKE_FIELDS}
    try:
        data = TicketCreateSchema().load({**_intake_request(request.form), "photos": _intake_photos(request.files)})
    except ma.ValidationError as error:
        flash(_("Fix the marked fields."), "error")
        return _render_intake(values, _flatten(translate_field_errors(error.messages)), 422)
    try:
        ticket = tickets.register_ticket(data, by=current_user)
    except DomainError as error:
        flash(error.message, "error")
        # a rule refusal naming a field shows beside it (a window already over: beside "until")
        field = getattr(error, "field", None)
        marked = {"available_until" if field == "availability" else field: error.message} if field else {}
        return _render_intake(values, marked, error.status)
    flash(_("Ticket %(id)d registered; now promise a slot.", id=ticket.id), "success")
    return redirect(url_for("offer_pages.intake_slots", ticket_id=ticket.id))


def _flatten(messages: dict, prefix: str = "") -> dict[str, str]:
    """Schema errors by form field name ('order.order_no' -> 'order_no'; availability -> available_from)."""
    out: dict[str, str] = {}
    for key, value in messages.items():
        if isinstance(value, dict):
            out.update(_flatten(value, str(key)))
            continue
        name = str(key)
        if prefix == "availability" or name == "availability" or prefix.isdigit():
            name = "available_until" if name == "end" else "available_from"
        out[name] = " ".join(str(m) for m in value) if isinstance(value, list) else str(value)
    return out
