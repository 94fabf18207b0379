"""CS pages: ticket list, ticket page with its timeline, and the follow-up queue."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from common.auth import role_required
from common.db import utcnow
from common.errors import DomainError
from common.models import Role
from dispatch import rules
from dispatch.enums import CallOutcome, TicketStatus
from dispatch.service import follow_ups, tickets

bp = Blueprint("dispatch_pages", __name__, template_folder="templates")

STAFF = (Role.CS, Role.DISPATCHER, Role.MANAGER)


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() else None


@bp.get("/tickets")
@role_required(*STAFF)
def ticket_list():
    status = request.args.get("status") or None
    status = TicketStatus(status) if status in {s.value for s in TicketStatus} else None
    owner_id = current_user.id if request.args.get("owner") == "me" else _int_arg("owner")
    page_no = _int_arg("page") or 1
    page = tickets.list_tickets(status=status, owner_id=owner_id, page=page_no, page_size=50, by=current_user)
    return render_template("dispatch/ticket_list.html", page=page, page_no=page_no, status=status,
                           owner=request.args.get("owner", ""), statuses=list(TicketStatus),
                           is_overdue=rules.is_overdue, now=utcnow())


@bp.get("/tickets/<int:ticket_id>")
@role_required(*STAFF)
def ticket_detail(ticket_id: int):
    ticket = tickets.get_ticket(ticket_id, by=current_user)
    return render_template("dispatch/ticket_detail.html", ticket=ticket, visits_used=tickets.visits_used(ticket),
                           overdue=rules.is_overdue(ticket.due_at, status=ticket.status, now=utcnow()))


@bp.get("/followups")
@role_required(Role.CS)
def follow_up_queue():
    queue = follow_ups.list_follow_ups(by=current_user)
    return render_template("dispatch/follow_ups.html", queue=queue, next_call_at=follow_ups.next_call_at,
                           outcomes=list(CallOutcome))


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
    if reached and resolved not in ("yes", "no"):
        flash(_("Say whether the problem is resolved."), "error")
        return redirect(url_for(".follow_up_queue"))
    try:
        follow_ups.record_call_attempt(
            follow_up_id, outcome=CallOutcome(outcome),
            satisfaction=int(satisfaction) if reached and satisfaction in {"1", "2", "3", "4", "5"} else None,
            resolved=(resolved == "yes") if reached else None,
            note=(form.get("note") or "").strip()[:1000] or None, by=current_user)
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_("Call recorded."), "success")
    return redirect(url_for(".follow_up_queue"))
