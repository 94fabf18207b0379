"""Who works on a region's day and when: the usual weekdays and hours, or a rebalance's override for that day.

Day plans, slot offers, rebalance and the board's manual moves all ask here, so a technician brought in for a
spare shift (or sent home at noon) is on the same hours for every one of them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from common.db import db
from scheduling.day.clock import wall_clocks_seconds
from technicians.models import Technician, TechnicianDay

# The shift a rebalance left for a technician's day: [start_s, end_s] plan seconds of that day.
Overrides = dict[int, list[int]]


def region_technicians(region: str) -> list[Technician]:
    """The region's active technicians with their skills, in id order."""
    return list(
        db.session.scalars(
            select(Technician)
            .where(Technician.region == region, Technician.active.is_(True))
            .options(selectinload(Technician.skills))
            .order_by(Technician.id)
        )
    )


def shift_overrides(day: date) -> Overrides:
    """Technician id -> the shift [start_s, end_s] a rebalance left for `day` (a spare shift, or cut at "out")."""
    return shift_overrides_of_days([day]).get(day, {})


def shift_overrides_of_days(days: list[date], technician_ids: Iterable[int] | None = None) -> dict[date, Overrides]:
    """The overrides of several days in one query (an offer request reads a week): day -> technician -> shift."""
    if not days:
        return {}
    query = select(TechnicianDay.technician_id, TechnicianDay.day, TechnicianDay.shift_override).where(
        TechnicianDay.day.in_(days), TechnicianDay.shift_override.is_not(None)
    )
    if technician_ids is not None:
        query = query.where(TechnicianDay.technician_id.in_(list(technician_ids)))
    found: dict[date, Overrides] = {}
    for tech_id, day, shift in db.session.execute(query):
        if shift:
            found.setdefault(day, {})[tech_id] = list(shift)
    return found


def works_on(technician: Technician, day: date, overrides: Overrides) -> bool:
    """On the day's crew: their usual weekday, or a shift a rebalance gave them for that day."""
    return day.isoweekday() in (technician.working_days or []) or technician.id in overrides


def on_shift(technicians: Iterable[Technician], day: date, overrides: Overrides) -> list[Technician]:
    """The technicians of `technicians` who work on `day`, in the order given."""
    return [t for t in technicians if works_on(t, day, overrides)]


def day_shift(technician: Technician, day: date, override: list[int] | None) -> list[int]:
    """[start_s, end_s] the technician works on `day`: the usual hours, or the override instead."""
    if override is None:
        return wall_clocks_seconds([technician.shift_start, technician.shift_end], day)
    if override[1] <= override[0]:  # out from before the day began: on the day's list, with no time to work
        return [override[0], override[0]]
    return list(override)


def technician_entry(technician: Technician, day: date, *, shift_override: list[int] | None = None) -> dict:
    """The problem's technician for `day`: shift (a rebalance's override instead of the usual hours), lunch
    break, home, skills and visit limit."""
    shift = day_shift(technician, day, shift_override)
    breaks = []
    if technician.break_start is not None and technician.break_end is not None:
        lunch = wall_clocks_seconds([technician.break_start, technician.break_end], day)
        # The lunch window is kept inside the shift; a break that no longer fits is not asked for.
        window = [max(shift[0], lunch[0]), min(shift[1], lunch[1])]
        duration_s = technician.break_duration_min * 60
        if duration_s > 0 and window[1] - window[0] >= duration_s:
            breaks.append({"window": window, "duration_s": duration_s})
    return {
        "id": f"t{technician.id}",
        "start": f"H{technician.id}",
        "end": f"H{technician.id}",
        "skills": list(technician.skill_codes),
        "shift": shift,
        "breaks": breaks,
        "max_visits": technician.max_visits_per_day,
        "capacity": None,
    }
