"""Pure business rules of the CS side: lifecycles, warranty, quota, due time, responsibility, follow-up calls,
phone numbers (a manual assignment's checks are in `dispatch.assignment_rules`).

No Flask, no database: the service passes configured values in.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Protocol
from zoneinfo import ZoneInfo

import dispatch.message_codes  # noqa: F401 - the words of the codes raised here
from common.errors import Conflict, RuleViolation
from common.messages import Message
from dispatch.enums import (
    Cause,
    CloseReason,
    FollowUpKind,
    FollowUpStatus,
    ProductCategory,
    Responsibility,
    TicketStatus,
    TicketType,
    VisitStatus,
    WarrantyStatus,
)

T, V = TicketStatus, VisitStatus

# Which status a ticket may move to from each status.
TICKET_TRANSITIONS: dict[TicketStatus, frozenset[TicketStatus]] = {
    T.OPEN: frozenset({T.SCHEDULED, T.CANCELLED}),
    T.SCHEDULED: frozenset({T.IN_SERVICE, T.OPEN, T.AWAITING_FOLLOW_UP, T.CANCELLED}),
    T.IN_SERVICE: frozenset({T.AWAITING_FOLLOW_UP, T.OPEN, T.SCHEDULED}),
    T.AWAITING_FOLLOW_UP: frozenset({T.CLOSED, T.REOPENED}),
    T.REOPENED: frozenset({T.SCHEDULED, T.CANCELLED}),
    T.CLOSED: frozenset({T.REOPENED}),  # CS reopens a closed ticket with a reason and a new visit
    T.CANCELLED: frozenset(),
}

# Which status a visit may move to from each status. Technicians send accepted, en_route, arrived,
# completed and failed; dispatchers schedule, unschedule (back to unscheduled) and cancel.
VISIT_TRANSITIONS: dict[VisitStatus, frozenset[VisitStatus]] = {
    V.UNSCHEDULED: frozenset({V.SCHEDULED, V.CANCELLED}),
    V.SCHEDULED: frozenset({V.SCHEDULED, V.ACCEPTED, V.EN_ROUTE, V.FAILED, V.UNSCHEDULED, V.CANCELLED}),
    V.ACCEPTED: frozenset({V.SCHEDULED, V.EN_ROUTE, V.FAILED, V.UNSCHEDULED, V.CANCELLED}),
    V.EN_ROUTE: frozenset({V.ARRIVED, V.FAILED}),
    V.ARRIVED: frozenset({V.COMPLETED, V.FAILED}),
    V.COMPLETED: frozenset(),
    V.FAILED: frozenset(),
    V.CANCELLED: frozenset(),
}

# Visits a technician has started or finished: a plan or a dispatcher may no longer move them.
VISIT_STARTED = frozenset({V.EN_ROUTE, V.ARRIVED, V.COMPLETED, V.FAILED})
VISIT_OPEN = frozenset({V.UNSCHEDULED, V.SCHEDULED, V.ACCEPTED})
TICKET_OPEN = frozenset({T.OPEN, T.SCHEDULED, T.IN_SERVICE, T.AWAITING_FOLLOW_UP, T.REOPENED})


def _check(kind: str, table: dict, current, target) -> None:
    allowed = table[current]
    if target not in allowed:
        raise Conflict(
            f"{kind}_transition_refused" if allowed else f"{kind}_transition_final",
            current=current.value,
            allowed=sorted(s.value for s in allowed),
            params={"target": target, "current": current, "allowed": sorted(allowed, key=lambda s: s.value)},
        )


def check_ticket_transition(current: TicketStatus, target: TicketStatus) -> None:
    """Refuse a ticket status change the lifecycle does not allow (409 naming the allowed next steps)."""
    _check("ticket", TICKET_TRANSITIONS, current, target)


def check_visit_transition(current: VisitStatus, target: VisitStatus) -> None:
    """Refuse a visit status change the lifecycle does not allow (409 naming the allowed next steps)."""
    _check("visit", VISIT_TRANSITIONS, current, target)


# --- Ticket intake: warranty, visit quota, due time, responsibility, required skills -----------------------
# Each rule takes its configurable numbers as arguments; the service passes app.config values
# (WARRANTY_MONTHS, QUOTA_UNDER_3000, DUE_DAYS, FOLLOW_UP_*) and falls back to these defaults.

DEFAULT_WARRANTY_MONTHS: dict[str, int] = {
    ProductCategory.LARGE_APPLIANCE.value: 36,
    ProductCategory.SMALL_APPLIANCE.value: 12,
    ProductCategory.FURNITURE.value: 24,
}

# Due days by ticket type. The 7-day no-reason return is handled within 3 days; quality, wrong or
# missing item (repair, exchange) within 5; installation and inspection also get 5 (our choice:
# they are booked like repairs and the platforms measure them the same way).
DEFAULT_DUE_DAYS: dict[str, int] = {
    TicketType.RETURN_PICKUP.value: 3,
    TicketType.REPAIR.value: 5,
    TicketType.EXCHANGE.value: 5,
    TicketType.INSTALLATION.value: 5,
    TicketType.INSPECTION.value: 5,
}

# On-site visit quota by order value (yuan), as lower-inclusive bands [low, high): an order of
# exactly 10,000 gets 2 visits, exactly 80,000 gets 6. Under 3,000 the quota is "per policy"
# (config QUOTA_UNDER_3000, default 1).
QUOTA_BANDS: tuple[tuple[Decimal, int], ...] = (
    (Decimal(3_000), 1),
    (Decimal(10_000), 2),
    (Decimal(30_000), 3),
    (Decimal(50_000), 4),
    (Decimal(80_000), 6),
)

RESPONSIBILITY_BY_CAUSE: dict[Cause, Responsibility] = {
    Cause.QUALITY: Responsibility.SELLER,
    Cause.WRONG_ITEM: Responsibility.SELLER,
    Cause.MISSING_ITEM: Responsibility.SELLER,
    Cause.CHANGE_OF_MIND: Responsibility.CUSTOMER,
    Cause.TRANSPORT_DAMAGE: Responsibility.LOGISTICS,
}

# Skills a visit needs by default, from the ticket type and product category (a request may name
# its own). Inspection/measurement goes to whoever repairs or assembles that kind of product;
# picking up a large appliance or furniture means uninstalling or taking it apart first, while a
# small appliance is simply collected; an exchange removes the old unit and installs the new one.
_INSTALL = {
    ProductCategory.LARGE_APPLIANCE: "large_appliance_install",
    ProductCategory.SMALL_APPLIANCE: "small_appliance_install",
    ProductCategory.FURNITURE: "furniture_assembly",
}
_REPAIR = {
    ProductCategory.LARGE_APPLIANCE: "large_appliance_repair",
    ProductCategory.SMALL_APPLIANCE: "small_appliance_repair",
    ProductCategory.FURNITURE: "furniture_repair",
}
DEFAULT_SKILLS: dict[tuple[TicketType, ProductCategory], tuple[str, ...]] = {
    **{(TicketType.INSTALLATION, c): (s,) for c, s in _INSTALL.items()},
    **{(TicketType.EXCHANGE, c): (s,) for c, s in _INSTALL.items()},
    **{(TicketType.REPAIR, c): (s,) for c, s in _REPAIR.items()},
    (TicketType.INSPECTION, ProductCategory.LARGE_APPLIANCE): ("large_appliance_repair",),
    (TicketType.INSPECTION, ProductCategory.SMALL_APPLIANCE): ("small_appliance_repair",),
    (TicketType.INSPECTION, ProductCategory.FURNITURE): ("furniture_assembly",),
    (TicketType.RETURN_PICKUP, ProductCategory.LARGE_APPLIANCE): ("large_appliance_install",),
    (TicketType.RETURN_PICKUP, ProductCategory.SMALL_APPLIANCE): (),
    (TicketType.RETURN_PICKUP, ProductCategory.FURNITURE): ("furniture_assembly",),
}

# Default time on site by ticket type, in minutes (a request may give its own duration_min).
DEFAULT_DURATION_MIN: dict[TicketType, int] = {
    TicketType.INSTALLATION: 90,
    TicketType.REPAIR: 60,
    TicketType.INSPECTION: 45,
    TicketType.RETURN_PICKUP: 30,
    TicketType.EXCHANGE: 90,
}


def add_months(day: date, months: int) -> date:
    """`day` moved by whole calendar months, clamped to the month's last day (31 Jan + 1 -> 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def warranty_for(
    purchase_date: date, category: ProductCategory, *, today: date, months_by_category: dict[str, int] | None = None
) -> tuple[WarrantyStatus, date]:
    """Warranty status on `today` and the last day covered; the purchase day itself counts as day one."""
    months = (months_by_category or DEFAULT_WARRANTY_MONTHS)[ProductCategory(category).value]
    until = add_months(purchase_date, months) - timedelta(days=1)
    status = WarrantyStatus.IN_WARRANTY if purchase_date <= today <= until else WarrantyStatus.OUT_OF_WARRANTY
    return status, until


def visit_quota(order_value_yuan: Decimal | float | int, *, under_3000: int = 1) -> int:
    """How many on-site visits an order of this value gets (lower-inclusive bands, see QUOTA_BANDS)."""
    value = Decimal(str(order_value_yuan))
    if value < 0:
        raise ValueError("order value cannot be negative")
    quota = under_3000
    for low, band_quota in QUOTA_BANDS:
        if value >= low:
            quota = band_quota
    return quota


class QuotaVisit(Protocol):
    """What the quota rule reads of a visit (a stored Visit has these attributes)."""

    id: int
    sequence_no: int
    status: VisitStatus
    counts_against_quota: bool
    approved_by_id: int | None


@dataclass(frozen=True)
class QuotaStanding:
    """How a ticket stands against its order's visit quota.

    `numbers` gives each counted visit its place (1 = first on-site visit); a counted visit past the
    quota that no manager approved waits for approval, and nothing may plan it until then.
    """

    quota: int
    used: int
    numbers: dict[int, int]
    awaiting_approval: frozenset[int]

    @property
    def left(self) -> int:
        return max(self.quota - self.used, 0)

    def needs_approval(self, visit_id: int) -> bool:
        return visit_id in self.awaiting_approval


def quota_standing(visits: Iterable[QuotaVisit], quota: int) -> QuotaStanding:
    """Count a ticket's visits against its quota: counted ones not cancelled, in visit order (the one place it is counted)."""
    counted = sorted(
        (v for v in visits if v.counts_against_quota and v.status is not VisitStatus.CANCELLED),
        key=lambda v: v.sequence_no,
    )
    numbers = {v.id: n for n, v in enumerate(counted, start=1)}
    waiting = frozenset(
        v.id for v in counted if numbers[v.id] > quota and v.approved_by_id is None and v.status in VISIT_OPEN
    )
    return QuotaStanding(quota=quota, used=len(counted), numbers=numbers, awaiting_approval=waiting)


def check_quota_approved(standing: QuotaStanding, visit_id: int) -> None:
    """Refuse to plan or book a visit beyond the quota that no manager has approved (422)."""
    if standing.needs_approval(visit_id):
        number = standing.numbers[visit_id]
        raise RuleViolation(
            "visit_awaits_quota_approval",
            visit_quota=standing.quota,
            visits_used=number,
            visit_id=visit_id,
        )


def check_visit_quota(visits_used: int, quota: int, *, approved: bool) -> None:
    """Refuse one more visit beyond the order's quota unless a manager approved it (422)."""
    if visits_used >= quota and not approved:
        raise RuleViolation(
            "visit_quota_used" if quota != 1 else "visit_quota_used_one",
            visit_quota=quota,
            visits_used=visits_used,
        )


def due_at(created_at: datetime, ticket_type: TicketType, *, days_by_type: dict[str, int] | None = None) -> datetime:
    """When the ticket must be handled by, counted in whole days from its registration."""
    days = (days_by_type or DEFAULT_DUE_DAYS)[TicketType(ticket_type).value]
    return created_at + timedelta(days=days)


def is_overdue(due: datetime, *, status: TicketStatus, now: datetime) -> bool:
    """An open ticket past its due time is flagged; closed and cancelled tickets never are."""
    return status in TICKET_OPEN and now > due


def check_availability_not_over(windows: Iterable[tuple[datetime, datetime]], *, now: datetime, zone: ZoneInfo) -> None:
    """Refuse an availability window that has ended by `now`: no slot can ever fall inside it.

    Nothing of the request is stored; a window that has begun but not ended is kept (its rest counts).
    """
    for start, end in windows:
        if end <= now:
            raise RuleViolation(
                "availability_already_over",
                field="availability",
                params={"start": start.astimezone(zone), "end": end.astimezone(zone)},
            )


def responsibility_for(cause: Cause | None) -> Responsibility:
    """Who pays: quality/wrong/missing item -> seller, change of mind -> customer, transport -> logistics."""
    return (
        RESPONSIBILITY_BY_CAUSE.get(Cause(cause), Responsibility.UNDETERMINED) if cause else Responsibility.UNDETERMINED
    )


def default_skills(ticket_type: TicketType, category: ProductCategory) -> list[str]:
    """Skills a visit needs by default for this kind of job (see DEFAULT_SKILLS)."""
    return list(DEFAULT_SKILLS[(TicketType(ticket_type), ProductCategory(category))])


def default_duration_min(ticket_type: TicketType) -> int:
    """Minutes on site a visit of this type is planned with by default."""
    return DEFAULT_DURATION_MIN[TicketType(ticket_type)]


# --- Follow-up calls ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CallPolicy:
    """When follow-up calls are allowed: a local window [start_h, end_h), attempts and spacing."""

    zone: ZoneInfo
    window: tuple[int, int] = (10, 18)
    max_attempts: int = 3
    min_spacing_h: float = 2


def next_call_allowed_at(previous: list[datetime], *, now: datetime, policy: CallPolicy) -> datetime:
    """The earliest moment from `now` a call is allowed: spacing after the last attempt, inside the window.

    A call at exactly the window's end (18:00) is outside it; exactly `min_spacing_h` after the
    last attempt is allowed.
    """
    earliest = now
    if previous:
        earliest = max(earliest, max(previous) + timedelta(hours=policy.min_spacing_h))
    local = earliest.astimezone(policy.zone)
    start_h, end_h = policy.window
    opens = local.replace(hour=start_h, minute=0, second=0, microsecond=0)
    closes = local.replace(hour=end_h, minute=0, second=0, microsecond=0) if end_h < 24 else None
    if local < opens:
        local = opens
    elif closes is not None and local >= closes:
        next_day = (local + timedelta(days=1)).date()
        local = datetime.combine(next_day, time(start_h), tzinfo=policy.zone)
    return local.astimezone(UTC)


def _say_local(moment: datetime, *, now: datetime, zone: ZoneInfo) -> Message:
    local, today = moment.astimezone(zone), now.astimezone(zone).date()
    if local.date() == today:
        return Message("clock_today", {"time": local.time()})
    if local.date() == today + timedelta(days=1):
        return Message("clock_tomorrow", {"time": local.time()})
    return Message("clock_on_day", {"time": local.time(), "day": local.date()})


def check_follow_up_call(previous: list[datetime], *, now: datetime, policy: CallPolicy) -> None:
    """Refuse a follow-up call outside the window, past the attempt limit or too soon after the last one (422).

    `previous` are this follow-up's earlier attempts (UTC). The message names the next allowed local time.
    """
    if len(previous) >= policy.max_attempts:
        raise RuleViolation(
            "follow_up_attempts_used", attempts=len(previous), params={"max_attempts": policy.max_attempts}
        )
    allowed_at = next_call_allowed_at(previous, now=now, policy=policy)
    if allowed_at <= now:
        return
    start_h, end_h = policy.window
    next_text = _say_local(allowed_at, now=now, zone=policy.zone)
    local_now = now.astimezone(policy.zone)
    in_window = start_h <= local_now.hour < end_h
    if previous and in_window:
        last = _say_local(max(previous), now=now, zone=policy.zone)
        code, params = "follow_up_too_soon", {"next": next_text, "last": last}
    else:
        code, params = "follow_up_outside_window", {"opens": time(start_h), "closes": _clock(end_h), "next": next_text}
    raise RuleViolation(code, next_allowed_at=allowed_at.isoformat(), params=params)


def _clock(hour: int) -> time | str:
    return time(hour) if hour < 24 else "24:00"


# --- Phone numbers ----------------------------------------------------------------------------------------

# Mainland numbers as customers give them: an 11-digit mobile (1[3-9]..., optionally +86), a landline with
# its 3- or 4-digit area code (021-6543 2100, with an optional extension), or a 400/800 service number.
_MOBILE = re.compile(r"^(?:\+?86)?1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^(?:\+?86)?0\d{2,3}\d{7,8}(?:#\d{1,6})?$")
_SERVICE = re.compile(r"^[48]00\d{7}$")


def is_mainland_phone(text: str) -> bool:
    """True for a mainland mobile, landline (with area code) or 400/800 number; spaces and dashes are ignored."""
    compact = re.sub(r"[\s\-()]", "", text or "")
    compact = re.sub(r"(?:ext\.?|转)(\d+)$", r"#\1", compact, flags=re.IGNORECASE)
    return bool(_MOBILE.match(compact) or _LANDLINE.match(compact) or _SERVICE.match(compact))


def close_summary(ticket) -> Message | None:
    """Why a ticket closed as unreachable, as data worded when read: the unanswered calls of the follow-up
    given up (the note CS typed is kept apart, in `close_note`); None for any other close."""
    if ticket.close_reason is not CloseReason.UNREACHABLE:
        return None
    given_up = [
        f for f in ticket.follow_ups if f.kind == FollowUpKind.FOLLOW_UP and f.status is FollowUpStatus.UNREACHABLE
    ]
    if not given_up:
        return None
    times = [attempt.at for attempt in given_up[-1].attempts]
    return Message("ticket_closed_unreachable", {"count": len(times), "times": times})
