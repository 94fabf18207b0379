"""Pure rules of the technician side: working hours, visit events, arrival estimates. No Flask, no database."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import technicians.message_codes  # noqa: F401 - the words of the codes raised here
from common.errors import RuleViolation
from dispatch.enums import VisitStatus
from scheduling.core.timing import NO_END, serve
from technicians.enums import FailureReason

# --- working hours -------------------------------------------------------------------------------

ISO_WEEKDAYS = range(1, 8)


def check_working_hours(
    *, shift_start: time, shift_end: time, break_start: time | None, break_end: time | None, break_duration_min: int
) -> None:
    """Refuse a shift that ends before it starts, or a lunch window outside the shift or shorter than the break."""
    if shift_end <= shift_start:
        raise RuleViolation(
            "shift_ends_before_start", field="shift_end", params={"shift_start": shift_start, "shift_end": shift_end}
        )
    if (break_start is None) != (break_end is None):
        raise RuleViolation(
            "break_needs_both_ends",
            field="break_end" if break_end is None else "break_start",
        )
    if break_start is None:
        return
    if not (shift_start <= break_start < break_end <= shift_end):
        raise RuleViolation(
            "break_outside_shift",
            field="break_start",
            params={
                "break_start": break_start,
                "break_end": break_end,
                "shift_start": shift_start,
                "shift_end": shift_end,
            },
        )
    window_min = _minutes(break_end) - _minutes(break_start)
    if window_min < break_duration_min:
        raise RuleViolation(
            "break_window_too_short",
            field="break_duration_min",
            params={
                "break_start": break_start,
                "break_end": break_end,
                "window_min": window_min,
                "break_duration_min": break_duration_min,
            },
        )


def check_working_days(days: list[int]) -> None:
    """Refuse weekdays outside ISO 1 (Monday) .. 7 (Sunday) and repeated days."""
    wrong = sorted({d for d in days if d not in ISO_WEEKDAYS})
    if wrong:
        raise RuleViolation("working_days_not_iso", field="working_days", params={"wrong": str(wrong)})
    if len(set(days)) != len(days):
        raise RuleViolation("working_days_repeated", field="working_days")


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
            "event_in_future",
            field="at",
            params={"at": at.isoformat(), "now": now.isoformat(timespec="seconds")},
        )
    if at < now - MAX_EVENT_AGE:
        raise RuleViolation("event_too_old", field="at", params={"at": at.isoformat(), "max_days": MAX_EVENT_AGE.days})
    if not_before is not None and at < not_before:
        raise RuleViolation(
            "event_before_previous_step",
            field="at",
            params={"at": at.isoformat(), "not_before": not_before.isoformat()},
        )
    if planned_start is not None and zone is not None:
        planned_day, event_day = planned_start.astimezone(zone).date(), at.astimezone(zone).date()
        if event_day != planned_day:
            raise RuleViolation(
                "event_not_on_planned_day", field="at", params={"planned_day": planned_day, "event_day": event_day}
            )


def check_event_details(kind: str, *, reason: str | None, lat: float | None, lon: float | None) -> None:
    """A failed visit needs a reason from the list; a location needs both coordinates."""
    if kind == "failed":
        if reason is None:
            raise RuleViolation(
                "failure_needs_reason", field="reason", params={"reasons": [r.value for r in FailureReason]}
            )
    elif reason is not None:
        raise RuleViolation("reason_only_when_failed", field="reason")
    if (lat is None) != (lon is None):
        raise RuleViolation("location_needs_both", field="lon" if lon is None else "lat")


# --- arrival estimates ---------------------------------------------------------------------------

FINISHED = frozenset({VisitStatus.COMPLETED, VisitStatus.FAILED})


@dataclass(frozen=True)
class RouteLeg:
    """A visit of the day as the arrival estimate reads it; times are whole seconds from any one origin."""

    status: VisitStatus
    travel_s: int  # from where the technician is before it (0 when either place has no coordinates)
    planned_start: int
    duration_s: int
    started: int | None = None  # on site since (arrived)
    finished: int | None = None  # done at (completed, failed)


def arrival_estimates(now: int, legs: Sequence[RouteLeg]) -> list[int | None]:
    """The expected service start (ETA) of each visit still to go, walking the day in order from `now`.

    None for a visit on site or done: a finished one moves the technician's clock to when it finished, one on
    site to when it will be done. A visit to go is timed by the planner's rule (`scheduling.core.timing.serve`):
    drive there, start as early as allowed; nobody is expected before the planned start (the plan promised that
    time to the customer), except someone already on the way, who goes straight there. No window or shift end
    holds a late technician back, and the lunch break is not counted: the phone does not know whether it was taken.
    """
    ready = now
    etas: list[int | None] = []
    for leg in legs:
        eta = None
        if leg.status in FINISHED:
            ready = max(ready, leg.finished if leg.finished is not None else ready)
        elif leg.status is VisitStatus.ARRIVED:
            ready = max(ready, (leg.started if leg.started is not None else ready) + leg.duration_s)
        else:
            not_before = ready if leg.status is VisitStatus.EN_ROUTE else leg.planned_start
            served = serve(ready, leg.travel_s, ((not_before, NO_END),), NO_END, leg.duration_s, ())
            if served is not None:  # always: neither the window nor the day ends
                eta, ready = served[0], served[1]
        etas.append(eta)
    return etas
