"""Pure rules of the technician side: working hours and visit events. No Flask, no database."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from common.errors import RuleViolation
from dispatch.enums import VisitStatus
from technicians.enums import FailureReason

# --- working hours -------------------------------------------------------------------------------

ISO_WEEKDAYS = range(1, 8)


def check_working_hours(
    *, shift_start: time, shift_end: time, break_start: time | None, break_end: time | None, break_duration_min: int
) -> None:
    """Refuse a shift that ends before it starts, or a lunch window outside the shift or shorter than the break."""
    if shift_end <= shift_start:
        raise RuleViolation(
            f"shift_end {shift_end:%H:%M} must be after shift_start {shift_start:%H:%M}.", field="shift_end"
        )
    if (break_start is None) != (break_end is None):
        raise RuleViolation(
            "Give both break_start and break_end, or neither.",
            field="break_end" if break_end is None else "break_start",
        )
    if break_start is None:
        return
    if not (shift_start <= break_start < break_end <= shift_end):
        raise RuleViolation(
            f"The break window {break_start:%H:%M}-{break_end:%H:%M} must lie inside the shift "
            f"{shift_start:%H:%M}-{shift_end:%H:%M} and end after it starts.",
            field="break_start",
        )
    window_min = _minutes(break_end) - _minutes(break_start)
    if window_min < break_duration_min:
        raise RuleViolation(
            f"The break window {break_start:%H:%M}-{break_end:%H:%M} is {window_min} min, shorter than "
            f"break_duration_min {break_duration_min}; widen the window or shorten the break.",
            field="break_duration_min",
        )


def check_working_days(days: list[int]) -> None:
    """Refuse weekdays outside ISO 1 (Monday) .. 7 (Sunday) and repeated days."""
    wrong = sorted({d for d in days if d not in ISO_WEEKDAYS})
    if wrong:
        raise RuleViolation(
            f"working_days are ISO weekdays 1 (Monday) to 7 (Sunday); fix {wrong}.", field="working_days"
        )
    if len(set(days)) != len(days):
        raise RuleViolation("List each working day once.", field="working_days")


def _minutes(value: time) -> int:
    return value.hour * 60 + value.minute


# --- visit events --------------------------------------------------------------------------------

# The status updates a technician sends from the phone, and the visit status each one leads to.
TECHNICIAN_EVENTS: dict[str, VisitStatus] = {
    "accepted": VisitStatus.ACCEPTED,
    "en_route": VisitStatus.EN_ROUTE,
    "arrived": VisitStatus.ARRIVED,
    "completed": VisitStatus.COMPLETED,
    "failed": VisitStatus.FAILED,
}

# Phones' clocks drift; an event a little ahead of the server's clock is still believed.
MAX_CLOCK_SKEW_S = 120
# Offline phones flush their queue later, but a week-old status update is a mistake, not a retry.
MAX_EVENT_AGE = timedelta(days=7)


def check_event_time(
    at: datetime,
    *,
    now: datetime,
    not_before: datetime | None = None,
    planned_start: datetime | None = None,
    zone: ZoneInfo | None = None,
) -> None:
    """Refuse an event time in the future (beyond clock skew), too old, or before the visit's previous step.

    With `planned_start` (for en_route and arrived), the event must also fall on the visit's planned local
    day: "on the way" texts the customer, and a day early it would send them waiting at home.
    """
    if at > now + timedelta(seconds=MAX_CLOCK_SKEW_S):
        raise RuleViolation(
            f"'at' ({at.isoformat()}) is in the future; send the time the event happened "
            f"(server time is {now.isoformat(timespec='seconds')}).",
            field="at",
        )
    if at < now - MAX_EVENT_AGE:
        raise RuleViolation(
            f"'at' ({at.isoformat()}) is more than {MAX_EVENT_AGE.days} days old; send the time the event happened.",
            field="at",
        )
    if not_before is not None and at < not_before:
        raise RuleViolation(
            f"'at' ({at.isoformat()}) is before the visit's previous step at "
            f"{not_before.isoformat()}; check the phone's clock.",
            field="at",
        )
    if planned_start is not None and zone is not None:
        planned_day, event_day = planned_start.astimezone(zone).date(), at.astimezone(zone).date()
        if event_day != planned_day:
            raise RuleViolation(
                f"This visit is planned for {planned_day.isoformat()}, not {event_day.isoformat()}; "
                "send it on the day of the visit, or ask the dispatcher to move the visit.",
                field="at",
            )


def check_event_details(kind: str, *, reason: str | None, lat: float | None, lon: float | None) -> None:
    """A failed visit needs a reason from the list; a location needs both coordinates."""
    if kind == "failed":
        if reason is None:
            names = ", ".join(r.value for r in FailureReason)
            raise RuleViolation(f"Say why the visit failed: reason is one of {names}.", field="reason")
    elif reason is not None:
        raise RuleViolation("A reason is only sent with a failed event.", field="reason")
    if (lat is None) != (lon is None):
        raise RuleViolation("Send both lat and lon, or neither.", field="lon" if lon is None else "lat")
