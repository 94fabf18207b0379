"""The only conversions between stored UTC instants and a plan's "seconds from local midnight of its date".

A second `s` of a plan for `day` is the instant `local_midnight(day) + s` (elapsed seconds, so it stays exact
even on a day with a daylight-saving jump).
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from common.i18n import local_zone

DAY_S = 24 * 3600


def local_midnight(day: date) -> datetime:
    """The UTC instant of local midnight starting `day`."""
    return _midnight(day, local_zone())


@lru_cache(maxsize=4096)
def _midnight(day: date, zone: ZoneInfo) -> datetime:
    # called for every visit of every day an offer request reads: worth remembering
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """UTC start and end of the local day `day`."""
    return local_midnight(day), local_midnight(day + timedelta(days=1))


def to_day_seconds(moment: datetime, day: date) -> float:
    """Seconds from local midnight of `day` to the aware `moment`."""
    return (moment - local_midnight(day)).total_seconds()


def from_day_seconds(seconds: int, day: date) -> datetime:
    """The UTC instant `seconds` after local midnight of `day`."""
    return local_midnight(day) + timedelta(seconds=seconds)


def to_local_time(seconds: int, day: date) -> datetime:
    """Plan seconds of `day` as a local, offset-aware datetime (for showing)."""
    return from_day_seconds(seconds, day).astimezone(local_zone())


def wall_clock_seconds(clock: time, day: date) -> int:
    """A local wall-clock time on `day` (a shift start, a break end) as plan seconds."""
    return wall_clocks_seconds([clock], day)[0]


def wall_clocks_seconds(clocks: list[time], day: date) -> list[int]:
    """Several wall-clock times of one day as plan seconds (the zone and midnight looked up once: a week's
    technicians are read for every offer request)."""
    zone = local_zone()
    midnight = _midnight(day, zone)
    return [round((datetime.combine(day, clock, tzinfo=zone) - midnight).total_seconds()) for clock in clocks]


def clip_window(
    start: datetime, end: datetime, day: date, *, bounds: tuple[datetime, datetime] | None = None
) -> list[int] | None:
    """[a, b] plan seconds of the part of a UTC window inside `day`, or None when it misses the day.

    Bounds round inwards (start up, end down) so a stop inside the seconds is inside the real window.
    `bounds` is `day_bounds(day)` when the caller has it already.
    """
    midnight, next_midnight = bounds or day_bounds(day)
    a = max(0, math.ceil((start - midnight).total_seconds()))
    b = min(DAY_S, math.floor((end - midnight).total_seconds()))
    return [a, b] if a <= b and end > midnight and start < next_midnight else None
