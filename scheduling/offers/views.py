"""CS pages of slot offers: the slots a visit may get, and promising one while the customer is on the phone."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from common.auth import role_required
from common.db import utcnow
from common.errors import DomainError
from common.i18n import format_local
from common.input_limits import query_int
from common.models import Role
from dispatch import rules
from dispatch.service import tickets
from scheduling import reason_text
from scheduling.offers import service as offers

bp = Blueprint("offer_pages", __name__)


@bp.get("/intake/<int:ticket_id>/slots")
@role_required(Role.CS)
def intake_slots(ticket_id: int):
    ticket = tickets.get_ticket(ticket_id, by=current_user)
    wanted = query_int("visit")
    visit = next(
        (v for v in reversed(ticket.visits) if v.status in rules.VISIT_OPEN and (wanted is None or v.id == wanted)),
        None,
    )
    slot_offers, refusal = None, None
    if visit is not None and rules.quota_standing(ticket.visits, ticket.visit_quota).needs_approval(visit.id):
        refusal = _(
            "This visit is beyond the order's visit quota: a manager approves it on the ticket page before "
            "a slot can be booked."
        )
    elif visit is not None:
        try:
            slot_offers = offers.offer_slots(visit.id, days=query_int("days") or offers.DEFAULT_DAYS, by=current_user)
        except DomainError as error:
            refusal = error.message
    return render_template(
        "dispatch/intake.html",
        ticket=ticket,
        visit=visit,
        slot_offers=slot_offers,
        describe_reason=reason_text.describe,
        refusal=refusal,
        visits_used=tickets.visits_used(ticket),
        overdue=rules.is_overdue(ticket.due_at, status=ticket.status, now=utcnow()),
    )


@bp.post("/visits/<int:visit_id>/booking")
@role_required(Role.CS)
def book_visit_slot(visit_id: int):
    ticket_id = request.form.get("ticket_id", type=int)
    try:
        slot = datetime.fromisoformat(request.form.get("slot", ""))
        if slot.tzinfo is None:
            raise ValueError
    except ValueError:
        flash(_("Pick one of the offered slots."), "error")
        return redirect(url_for(".intake_slots", ticket_id=ticket_id, visit=visit_id))
    try:
        booking = offers.book_slot(visit_id, slot_start=slot, by=current_user)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(
            url_for(".intake_slots", ticket_id=ticket_id, visit=visit_id)
            if ticket_id
            else url_for("dispatch_pages.ticket_list")
        )
    flash(
        _(
            "Slot promised: %(start)s-%(end)s with %(name)s.",
            start=format_local(booking.offer.slot_start, "%a %Y-%m-%d %H:%M"),
            end=format_local(booking.offer.slot_end, "%H:%M"),
            name=booking.offer.technician_name,
        ),
        "success",
    )
    return redirect(url_for("dispatch_pages.ticket_detail", ticket_id=booking.visit.ticket_id))
