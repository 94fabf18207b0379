"""Pure rules of a dispatcher's manual assignment: may this technician do this visit at this time?

No Flask, no database: the caller passes the technician, the visit's times and the day's other visits in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

import dispatch.message_codes  # noqa: F401 - the words of the codes raised here
from common.errors import Conflict, RuleViolation
from common.messages import Weekday


@dataclass(frozen=True)
class CrewMember:
    """What a manual assignment checks about a technician; shift times are local wall-clock times."""

    name: str
    active: bool
    skills: frozenset[str]
    working_days: frozenset[int]  # ISO weekdays, 1 = Monday
    shift_start: time
    shift_end: time
    # The day's hours when a rebalance changed them (a spare shift on a day off, or sent home early): then they
    # work that day on these hours, whatever their weekdays and usual shift say.
    shift_override: tuple[time, time] | None = None


@dataclass(frozen=True)
class BusySpan:
    """Another visit already on the technician's day."""

    visit_id: int
    start: datetime
    end: datetime


def check_assignment(
    *,
    start: datetime,
    end: datetime,
    required_skills: list[str],
    crew: CrewMember,
    zone: ZoneInfo,
    promised: tuple[datetime, datetime] | None = None,
    busy: list[BusySpan] = (),
) -> None:
    """Refuse a manual assignment that the technician cannot do (422 with the field) or that overlaps (409).

    Checked in this order: active, skills, working day, shift, promised window, overlap with other visits.
    """
    if not crew.active:
        raise RuleViolation("technician_not_active", field="technician_id", params={"name": crew.name})
    missing = sorted(set(required_skills) - crew.skills)
    if missing:
        raise RuleViolation(
            "technician_lacks_skills", field="technician_id", missing_skills=missing, params={"name": crew.name}
        )
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    shift_start, shift_end = crew.shift_override or (crew.shift_start, crew.shift_end)
    if crew.shift_override is None and local_start.isoweekday() not in crew.working_days:
        raise RuleViolation(
            "technician_day_off" if crew.working_days else "technician_works_no_days",
            field="start",
            params={
                "name": crew.name,
                "day": local_start.date(),
                "days": [Weekday(d) for d in sorted(crew.working_days)],
            },
        )
    shift_from = datetime.combine(local_start.date(), shift_start, tzinfo=zone)
    shift_to = datetime.combine(local_start.date(), shift_end, tzinfo=zone)
    if local_start < shift_from or local_end > shift_to:
        raise RuleViolation(
            "visit_outside_shift",
            field="start",
            params={
                "start": local_start.time(),
                "end": local_end.time(),
                "name": crew.name,
                "shift_start": shift_start,
                "shift_end": shift_end,
            },
        )
    # A promised slot is the window in which the technician arrives and starts, as booking and the
    # optimizer read it: a visit booked at 15:30 in the 14:00-16:00 slot may run past 16:00.
    if promised is not None and not promised[0] <= start <= promised[1]:
        p_from, p_to = promised[0].astimezone(zone), promised[1].astimezone(zone)
        raise RuleViolation(
            "start_outside_promised_slot",
            field="start",
            params={"promised": p_from, "slot_start": p_from.time(), "slot_end": p_to.time()},
        )
    for span in busy:
        if span.start < end and start < span.end:
            s_from, s_to = span.start.astimezone(zone), span.end.astimezone(zone)
            raise Conflict(
                "technician_busy",
                visit_id=span.visit_id,
                params={"name": crew.name, "busy_start": s_from.time(), "busy_end": s_to.time()},
            )
