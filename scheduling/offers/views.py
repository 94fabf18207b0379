"""CS pages of slot offers: the slots a visit may get, and promising one while the customer is on the phone."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from common.auth import role_required
from common.db import utcnow
from common.errors import DomainError
from common.i18n import format_local, format_short_day, to_local
from common.input_limits import query_int
from common.models import Role
from dispatch import rules
from dispatch.service import tickets
from scheduling import reason_text
from scheduling.offers import service as offers
from scheduling.offers.rules import DEFAULT_DAYS
from scheduling.offers.search import SlotOffer, SlotOffers

bp = Blueprint("offer_pages", __name__, template_folder="templates")

BEST_FEW = 3  # the cheapest offers of the whole horizon, shown above the grid


@dataclass(frozen=True)
class GridCell:
    """One slot window of one day: its cheapest offer, or why it cannot be offered."""

    start: datetime
    end: datetime
    offer: SlotOffer | None
    why_not: str | None
    cheapest_of_day: bool = False
    outside_availability: bool = False


@dataclass(frozen=True)
class GridDay:
    date: date
    label: str
    offered: int
    reason: str | None
    outside_availability: int
    cells: list[GridCell]


def day_label(day: date) -> str:
    """A short weekday and date in the reader's language: "11月24日周二", "Tue, Nov 24"."""
    return format_short_day(day)


def window_words(window) -> str:
    """An availability window in local time: "周二 11月24日 08:00-周四 11月26日 18:00", or one day's hours."""
    start, end = to_local(window.start), to_local(window.end)
    if start.date() == end.date():
        return f"{day_label(start.date())} {start:%H:%M}-{end:%H:%M}"
    return f"{day_label(start.date())} {start:%H:%M}-{day_label(end.date())} {end:%H:%M}"


def cost_words(offer: SlotOffer) -> str:
    """What an offer costs the route, in few words (the reason says it in full)."""
    minutes = max(1, math.ceil(offer.added_travel_s / 60))
    if offer.reason.code == "slot_empty_route":
        return _("free day: %(minutes)d min there and back", minutes=minutes)
    if offer.added_travel_s <= 0:
        return _("on the way: no extra driving")
    return _("+%(minutes)d min driving", minutes=minutes)


def offer_grid(slot_offers: SlotOffers) -> list[GridDay]:
    """The offers as days of slot windows (the day's slots in time order), the cheapest of each day marked."""
    by_day: dict[date, list[GridCell]] = {d.date: [] for d in slot_offers.days}
    cheapest: dict[date, SlotOffer] = {}
    for offer in slot_offers.offers:  # cheapest first: the first seen of a day is its cheapest
        day = offer.slot_start.date()
        cheapest.setdefault(day, offer)
    for offer in slot_offers.offers:
        day = offer.slot_start.date()
        by_day.setdefault(day, []).append(
            GridCell(
                offer.slot_start,
                offer.slot_end,
                offer,
                None,
                cheapest_of_day=cheapest[day] is offer,
                outside_availability=offer.customer_available is False,
            )
        )
    for slot in slot_offers.unavailable:
        day = slot.slot_start.date()
        by_day.setdefault(day, []).append(
            GridCell(
                slot.slot_start,
                slot.slot_end,
                None,
                reason_text.describe(slot.reason, day=day),
                outside_availability=slot.reason.code == "slot_outside_availability",
            )
        )
    return [
        GridDay(
            d.date,
            day_label(d.date),
            d.offered,
            reason_text.describe(d.reason, day=d.date),
            d.outside_availability,
            sorted(by_day.get(d.date, []), key=lambda c: c.start),
        )
        for d in slot_offers.days
    ]


@bp.app_template_global("rebook_reason")
def rebook_reason(reason: dict | None) -> str:
    """Why a rebalance sent a visit back (a rebook task's stored reason), in the reader's language."""
    if not reason:
        return ""
    day = date.fromisoformat(reason["date"]) if reason.get("date") else None
    return reason_text.describe_item(reason, day=day)


@bp.get("/intake/<int:ticket_id>/slots")
@role_required(Role.CS)
def intake_slots(ticket_id: int):
    ticket = tickets.get_ticket(ticket_id)
    wanted = query_int("visit")
    visit = next(
        (v for v in reversed(ticket.visits) if v.status in rules.VISIT_OPEN and (wanted is None or v.id == wanted)),
        None,
    )
    show_all = request.args.get("show_all") in ("1", "true", "on")
    slot_offers, refusal = None, None
    if visit is not None and rules.quota_standing(ticket.visits, ticket.visit_quota).needs_approval(visit.id):
        refusal = _(
            "This visit is beyond the order's visit quota: a manager approves it on the ticket page before "
            "a slot can be booked."
        )
    elif visit is not None:
        try:
            slot_offers = offers.offer_slots(visit.id, days=query_int("days") or DEFAULT_DAYS, show_all=show_all)
        except DomainError as error:
            refusal = error.message
    return render_template(
        "dispatch/intake.html",
        ticket=ticket,
        visit=visit,
        slot_offers=slot_offers,
        grid=offer_grid(slot_offers) if slot_offers else [],
        best=slot_offers.offers[:BEST_FEW] if slot_offers else [],
        show_all=show_all,
        days=query_int("days") or DEFAULT_DAYS,
        day_label=day_label,
        cost_words=cost_words,
        window_words=window_words,
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
            start=f"{day_label(booking.offer.slot_start.date())} {format_local(booking.offer.slot_start, '%H:%M')}",
            end=format_local(booking.offer.slot_end, "%H:%M"),
            name=booking.offer.technician_name,
        ),
        "success",
    )
    return redirect(url_for("dispatch_pages.ticket_detail", ticket_id=booking.visit.ticket_id))
