"""Pure rules of the dashboard: lateness bands, rates, trend buckets and shift time (no Flask, no database)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta

from common.errors import RuleViolation
from reporting import message_codes  # noqa: F401 - the words of the codes raised here

SECONDS_PER_DAY = 86_400
# A unit serviced again this soon after its ticket closed counts as a repeat visit.
REPEAT_WINDOW_DAYS = 30
# The longest period one dashboard query may cover; longer ranges belong in an export, not a page.
MAX_PERIOD_DAYS = 366
# Periods up to this many days trend by day; longer ones by week (a 90-day line of days is unreadable).
DAILY_TREND_MAX_DAYS = 45

# Lateness bands for arrivals outside the promised window, as (code, upper bound in minutes late).
# "early" is an arrival before the window opened; the customer was not ready either.
LATE_BANDS: tuple[tuple[str, int | None], ...] = (
    ("late_0_15", 15),
    ("late_15_30", 30),
    ("late_30_60", 60),
    ("late_60_120", 120),
    ("late_over_120", None),
)
ARRIVAL_BANDS: tuple[str, ...] = ("on_time", "early", *(code for code, _ in LATE_BANDS))


def check_period(first: date, last: date, *, location: str = "query") -> None:
    """Refuse a period that ends before it starts or is longer than one query may cover (422 on the field)."""
    if last < first:
        raise RuleViolation("report_period_reversed", field="to", location=location)
    if (last - first).days + 1 > MAX_PERIOD_DAYS:
        raise RuleViolation("report_period_too_long", field="from", location=location, params={"days": MAX_PERIOD_DAYS})


def rate(part: int, whole: int) -> float | None:
    """`part` of `whole` as a percentage with one decimal; None when there is nothing to measure."""
    return round(100.0 * part / whole, 1) if whole else None


def mean(total: float, count: int, *, digits: int = 1) -> float | None:
    """The average of `count` values adding up to `total`; None when there are none."""
    return round(total / count, digits) if count else None


def trend_bucket(day: date, *, bucket: str) -> date:
    """The first day of the trend bucket `day` falls in: the day itself, or the Monday of its week."""
    return day if bucket == "day" else day - timedelta(days=day.weekday())


def trend_buckets(first: date, last: date, *, bucket: str) -> list[date]:
    """Every bucket from `first` to `last`, so a quiet day or week shows as a gap, not a missing point."""
    buckets, day = [], trend_bucket(first, bucket=bucket)
    step = timedelta(days=1 if bucket == "day" else 7)
    while day <= last:
        buckets.append(day)
        day += step
    return buckets


def default_bucket(first: date, last: date) -> str:
    """Day buckets for short periods, week buckets for long ones."""
    return "day" if (last - first).days + 1 <= DAILY_TREND_MAX_DAYS else "week"


def day_from_number(day_number: int) -> date:
    """A local date from its count of days since 1970-01-01 (how the SQL groups by day)."""
    return date(1970, 1, 1) + timedelta(days=int(day_number))


@dataclass(frozen=True)
class Shift:
    """A technician's working hours as the profile states them."""

    start: time
    end: time
    break_min: int
    has_break: bool
    working_days: tuple[int, ...]  # ISO weekdays


def shift_seconds(shift: Shift, *, first: date, last: date) -> int:
    """Paid working time in [first, last]: each working day's shift length minus its lunch break."""
    length = (shift.end.hour * 3600 + shift.end.minute * 60) - (shift.start.hour * 3600 + shift.start.minute * 60)
    if shift.has_break:
        length -= shift.break_min * 60
    days = sum(
        1 for n in range((last - first).days + 1) if (first + timedelta(days=n)).isoweekday() in shift.working_days
    )
    return max(length, 0) * days
