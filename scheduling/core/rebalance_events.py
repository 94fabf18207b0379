"""The events a rebalance answers, read from event.json and checked against the day's problem."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

TECHNICIAN_OUT = "technician_out"
OVERRUN = "overrun"
URGENT = "urgent"
CANCEL = "cancel"
TECHNICIAN_ADDED = "technician_added"
EVENT_KINDS = (TECHNICIAN_OUT, OVERRUN, URGENT, CANCEL, TECHNICIAN_ADDED)
URGENT_PRIORITY = 5


# The refusals' codes and their English words (the command line's); the app words each code in the reader's
# language from its own catalogue (a `rebalance_<code>` message), so this library stays free of the app.
EVENT_ERRORS = {
    "event_not_object": "the event must be a JSON object with a kind",
    "event_kind_unknown": "kind must be one of %(kinds)s, not %(value)r",
    "event_technician_unknown": "technician %(technician)r is not a technician of this day",
    "event_shift_shape": "shift must be [start_s, end_s]",
    "event_shift_reversed": "the shift must end after it starts",
    "event_visit_unknown": "visit %(visit)r is not a visit of this day",
    "event_minutes_invalid": "minutes must be a whole number of minutes other than 0",
    "event_seconds_invalid": "%(field)s must be seconds from midnight (0 to 86400), not %(value)r",
    "event_visit_started": "visit %(visit)s has already started; it cannot be cancelled now",
    "event_visit_planned": "visit %(visit)s is already planned; an urgent visit is one not yet on a route",
    "event_overrun_too_short": "a visit cannot run shorter than no time at all",
}


class EventError(ValueError):
    """event.json does not fit the day: `code` (a key of EVENT_ERRORS) and its `params` say why, `field` names
    the part of the event that is wrong; str() is the English words."""

    def __init__(self, code: str, *, field: str, **params: Any):
        super().__init__(EVENT_ERRORS[code] % {"field": field, **params})
        self.code = code
        self.field = field
        self.params = params


@dataclass(frozen=True)
class Event:
    """What happened: `technician` or `visit` is a problem id; times are seconds from local midnight."""

    kind: str
    technician: str | None = None
    visit: str | None = None
    from_s: int | None = None  # technician_out: from when the technician is gone
    minutes: int = 0  # overrun: how much longer (negative: shorter) the visit takes
    shift: tuple[int, int] | None = None  # technician_added: the spare shift
    reason: str | None = None  # cancel: why, as the dispatcher wrote it


def parse_event(data: Any, problem: dict) -> Event:
    """Read event.json (a dict) and check every id and time against problem.json; raises EventError."""
    if not isinstance(data, dict):
        raise EventError("event_not_object", field="kind")
    kind = data.get("kind")
    if kind not in EVENT_KINDS:
        raise EventError("event_kind_unknown", field="kind", kinds=", ".join(EVENT_KINDS), value=kind)
    technicians = {t.get("id") for t in problem.get("technicians") or []}
    visits = {v.get("id") for v in problem.get("visits") or []}
    if kind in (TECHNICIAN_OUT, TECHNICIAN_ADDED):
        technician = data.get("technician")
        if technician not in technicians:
            raise EventError("event_technician_unknown", field="technician", technician=technician)
        if kind == TECHNICIAN_OUT:
            return Event(kind, technician=technician, from_s=_seconds(data.get("from_s"), "from_s"))
        shift = data.get("shift")
        if shift is not None:
            if not isinstance(shift, (list, tuple)) or len(shift) != 2:
                raise EventError("event_shift_shape", field="shift")
            shift = (_seconds(shift[0], "shift"), _seconds(shift[1], "shift"))
            if shift[1] <= shift[0]:
                raise EventError("event_shift_reversed", field="shift")
        return Event(kind, technician=technician, shift=shift)
    visit = data.get("visit")
    if visit not in visits:
        raise EventError("event_visit_unknown", field="visit", visit=visit)
    if kind == OVERRUN:
        minutes = data.get("minutes")
        if isinstance(minutes, bool) or not isinstance(minutes, int) or minutes == 0:
            raise EventError("event_minutes_invalid", field="minutes")
        return Event(kind, visit=visit, minutes=minutes)
    if kind == CANCEL:
        reason = data.get("reason")
        return Event(kind, visit=visit, reason=reason if isinstance(reason, str) else None)
    return Event(kind, visit=visit)


def _seconds(value: Any, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 86400:
        raise EventError("event_seconds_invalid", field=field, value=value)
    return value


def adjusted_problem(problem: dict, event: Event) -> dict:
    """The day as it now is: the cancelled visit gone, the overrun's new duration, the urgent priority,
    the spare shift, the out technician's pins released (their shift end is set once history is known)."""
    # the few parts a rebalance edits are copied; locations and the matrix are shared
    day = {
        **problem,
        "visits": [{**v, "windows": [list(w) for w in v.get("windows") or []]} for v in problem["visits"]],
        "technicians": [{**t, "breaks": [dict(b) for b in t.get("breaks") or []]} for t in problem["technicians"]],
    }
    if event.kind == CANCEL:
        day["visits"] = [v for v in day["visits"] if v["id"] != event.visit]
    for visit in day["visits"]:
        if event.kind == OVERRUN and visit["id"] == event.visit:
            visit["duration_s"] = max(0, visit["duration_s"] + 60 * event.minutes)
        if event.kind == URGENT and visit["id"] == event.visit:
            visit["priority"] = URGENT_PRIORITY
        pin = visit.get("pinned")
        if event.kind == TECHNICIAN_OUT and pin and pin.get("technician") == event.technician:
            visit["pinned"] = None
    if event.kind == TECHNICIAN_ADDED and event.shift is not None:
        for tech in day["technicians"]:
            if tech["id"] == event.technician:
                tech["shift"] = list(event.shift)
                tech["breaks"] = [
                    b
                    for b in tech.get("breaks") or []
                    if event.shift[0] <= b["window"][0] and b["window"][1] <= event.shift[1]
                ]
    return day
