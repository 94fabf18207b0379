"""What one dashboard shows: the period in local days, the filters, and the SQL pieces every measure shares."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, literal_column

from dispatch.enums import ProductCategory
from reporting import rules
from reporting.service.timing import day_number_s


@dataclass(frozen=True)
class KpiScope:
    """A period of local days [first, last] and the filters the manager chose (None: everything)."""

    first: date
    last: date
    zone: ZoneInfo
    bucket: str  # "day" or "week"
    now: datetime
    region: str | None = None
    technician_id: int | None = None
    category: ProductCategory | None = None
    brand: str | None = None

    @property
    def start(self) -> datetime:
        """Local midnight starting the first day, the inclusive lower bound of every timestamp."""
        return datetime.combine(self.first, time(0), tzinfo=self.zone)

    @property
    def end(self) -> datetime:
        """Local midnight after the last day, the exclusive upper bound."""
        return datetime.combine(self.last + timedelta(days=1), time(0), tzinfo=self.zone)

    @property
    def offset_s(self) -> int:
        # The offset at the period's start; the business zone (Asia/Shanghai) keeps no daylight saving.
        return int(self.start.utcoffset().total_seconds())

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def buckets(self) -> list[date]:
        return rules.trend_buckets(self.first, self.last, bucket=self.bucket)

    @property
    def start_s(self) -> int:
        return int(self.start.timestamp())

    @property
    def end_s(self) -> int:
        return int(self.end.timestamp())

    @property
    def now_s(self) -> int:
        return int(self.now.timestamp())

    def in_period_s(self, column) -> ColumnElement[bool]:
        """An epoch-seconds column of a summary table falls inside the period (its index is used)."""
        return (column >= self.start_s) & (column < self.end_s)

    def local_day_s(self, column) -> ColumnElement[int]:
        """The local day number of an epoch-seconds column, for grouping by day in SQL."""
        return day_number_s(column, literal_column(str(self.offset_s)))

    def bucket_of(self, day_number: int) -> date:
        """The trend bucket a local day number from SQL belongs to."""
        return rules.trend_bucket(rules.day_from_number(day_number), bucket=self.bucket)


def filter_summary(query: Select, model, scope: KpiScope, *, technician: bool = True) -> Select:
    """Narrow a query on one summary table (reporting.models) to the region, product category, brand and
    (where the table has one) technician chosen: every summary row carries them, so no join is needed."""
    if scope.region is not None:
        query = query.where(model.region == scope.region)
    if scope.category is not None:
        query = query.where(model.category == scope.category)
    if scope.brand is not None:
        query = query.where(model.brand == scope.brand)
    if technician and scope.technician_id is not None:
        query = query.where(model.technician_id == scope.technician_id)
    return query


def make_scope(
    *,
    first: date,
    last: date,
    zone: ZoneInfo,
    now: datetime,
    bucket: str | None = None,
    region: str | None = None,
    technician_id: int | None = None,
    category: ProductCategory | None = None,
    brand: str | None = None,
) -> KpiScope:
    """A scope with the trend bucket chosen from the period's length unless one is asked for."""
    return KpiScope(
        first=first,
        last=last,
        zone=zone,
        now=now,
        bucket=bucket or rules.default_bucket(first, last),
        region=region,
        technician_id=technician_id,
        category=category,
        brand=brand,
    )
