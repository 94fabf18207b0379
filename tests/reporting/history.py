"""A one-week history small enough to work every dashboard figure out by hand (see test_kpis.py).

The period is Monday 2026-11-02 .. Sunday 2026-11-08 in Shanghai; "now" is Tuesday 2026-11-10 12:00 local.
Technician A works 09:00-18:00 Monday to Friday with a 45-minute lunch; B works 08:00-17:00 every day, no break.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from common.db import db
from dispatch.enums import Cause, CloseReason, ProductCategory, TicketStatus, TicketType, VisitStatus
from dispatch.models import Visit
from reporting.history_rows import HistoryRows, Unit
from technicians.enums import ServiceResult
from tests import factories

SHANGHAI = ZoneInfo("Asia/Shanghai")
FIRST, LAST = date(2026, 11, 2), date(2026, 11, 8)
NOW = datetime(2026, 11, 10, 12, 0, tzinfo=SHANGHAI).astimezone(UTC)


def local(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


class HistoryBuilder:
    """The week's things as they happened, written with the generator's own rows (reporting.history_rows)."""

    def __init__(self):
        self.owner = factories.make_user("cs")
        self.rows = HistoryRows()

    def unit(self, serial: str, *, brand: str, sku: str, category: ProductCategory, region: str = "shanghai") -> Unit:
        return self.rows.unit(
            serial_no=serial, category=category, brand=brand, sku=sku, created=local(1, 9, month=10), region=region
        )

    def ticket(self, unit: Unit, *, type: TicketType, created: datetime, **life) -> int:
        return self.rows.ticket(unit, type=type, created=created, owner_id=self.owner.id, **life)

    def visit(
        self,
        ticket_id: int,
        *,
        sequence: int = 1,
        technician=None,
        window: tuple[datetime, datetime] | None = None,
        on_the_way: datetime | None = None,
        arrived: datetime | None = None,
        finished: datetime | None = None,
        status: VisitStatus = VisitStatus.COMPLETED,
        result: ServiceResult | None = None,
    ) -> tuple[int, int]:
        technician_id = technician.id if technician else None
        visit_id = self.rows.visit(
            ticket_id, created=local(1, 9), sequence=sequence, technician_id=technician_id, window=window, status=status
        )
        self.rows.last(Visit).update(started_at=arrived, finished_at=finished)
        if on_the_way:
            self.rows.on_the_way(ticket_id, visit_id, on_the_way)
        if result:
            self.rows.report(visit_id, technician_id=technician_id, result=result, submitted=finished)
        return ticket_id, visit_id

    def calls(self, visit: tuple[int, int], *attempts: tuple[datetime, int | None, bool]) -> None:
        """Follow-up attempts as (when, satisfaction, reached)."""
        ticket_id, visit_id = visit
        finished = next(r["finished_at"] for r in self.rows.rows[Visit] if r["id"] == visit_id)
        self.rows.follow_up(ticket_id, visit_id, owner_id=self.owner.id, created=finished, calls=list(attempts))


def build_week() -> dict:
    """Seven tickets, six visits and six follow-up calls over the week; returns the technicians."""
    b = HistoryBuilder()
    a = factories.make_technician(
        name="A",
        shift_start=time(9),
        shift_end=time(18),
        break_start=time(11, 30),
        break_end=time(13, 30),
        break_duration_min=45,
        working_days=[1, 2, 3, 4, 5],
    )
    bee = factories.make_technician(
        name="B",
        shift_start=time(8),
        shift_end=time(17),
        break_start=None,
        break_end=None,
        working_days=[1, 2, 3, 4, 5, 6, 7],
    )
    large, small = ProductCategory.LARGE_APPLIANCE, ProductCategory.SMALL_APPLIANCE
    furniture = ProductCategory.FURNITURE
    s1 = b.unit("S1", brand="Haier", sku="KFR-35GW", category=large)
    s2 = b.unit("S2", brand="Midea", sku="MG38CB", category=small)
    s3 = b.unit("S3", brand="IKEA", sku="PAX-236", category=furniture, region="beijing")
    s5 = b.unit("S5", brand="Haier", sku="KFR-35GW", category=large)
    s6 = b.unit("S6", brand="Midea", sku="MG38CB", category=small)
    s7 = b.unit("S7", brand="Midea", sku="MG38CB", category=small)

    # T1: fixed on the first visit, on time, customer gave 5; closed after 49.5 h.
    t1 = b.ticket(
        s1,
        type=TicketType.REPAIR,
        cause=Cause.QUALITY,
        created=local(2, 9),
        status=TicketStatus.CLOSED,
        closed=local(4, 10, 30),
        close_reason=CloseReason.RESOLVED,
    )
    v = b.visit(
        t1,
        technician=a,
        window=(local(3, 10), local(3, 12)),
        on_the_way=local(3, 10, 10),
        arrived=local(3, 10, 30),
        finished=local(3, 11, 30),
        result=ServiceResult.RESOLVED,
    )
    b.calls(v, (local(4, 10, 30), 5, True))
    # T2: first visit 20 min late and not resolved, second visit early and resolved; one missed call, then a 3.
    t2 = b.ticket(
        s2,
        type=TicketType.INSTALLATION,
        created=local(2, 14),
        status=TicketStatus.CLOSED,
        closed=local(6, 13),
        close_reason=CloseReason.RESOLVED,
    )
    b.visit(
        t2,
        technician=a,
        window=(local(3, 14), local(3, 16)),
        on_the_way=local(3, 15, 50),
        arrived=local(3, 16, 20),
        finished=local(3, 17, 20),
        result=ServiceResult.NOT_RESOLVED,
    )
    v = b.visit(
        t2,
        sequence=2,
        technician=bee,
        window=(local(5, 10), local(5, 12)),
        arrived=local(5, 9, 45),
        finished=local(5, 10, 45),
        result=ServiceResult.RESOLVED,
    )
    b.calls(v, (local(6, 10), None, False), (local(6, 13), 3, True))
    # T3 (Beijing): a 3-day return picked up 90 min late, three missed calls, closed unreachable past its limit.
    t3 = b.ticket(
        s3,
        type=TicketType.RETURN_PICKUP,
        cause=Cause.CHANGE_OF_MIND,
        created=local(2, 10),
        status=TicketStatus.CLOSED,
        closed=local(7, 16),
        close_reason=CloseReason.UNREACHABLE,
    )
    v = b.visit(
        t3,
        technician=bee,
        window=(local(6, 10), local(6, 12)),
        on_the_way=local(6, 13),
        arrived=local(6, 13, 30),
        finished=local(6, 14),
        result=ServiceResult.RESOLVED,
    )
    b.calls(v, (local(7, 10), None, False), (local(7, 13), None, False), (local(7, 16), None, False))
    # T4: unit S1 comes back 3 days 22.5 h after T1 closed: a repeat visit; open, not yet due.
    b.ticket(s1, type=TicketType.REPAIR, cause=Cause.QUALITY, created=local(8, 9))
    # T5: registered before the period; its visit in the period failed.
    t5 = b.ticket(
        s5,
        type=TicketType.EXCHANGE,
        cause=Cause.TRANSPORT_DAMAGE,
        created=local(25, 10, month=10),
        status=TicketStatus.SCHEDULED,
    )
    b.visit(
        t5,
        technician=a,
        window=(local(4, 10), local(4, 12)),
        on_the_way=local(4, 10, 40),
        arrived=local(4, 11),
        finished=local(4, 11, 20),
        status=VisitStatus.FAILED,
    )
    b.visit(t5, sequence=2, status=VisitStatus.UNSCHEDULED)
    # T6: cancelled the day after registration.
    b.ticket(
        s6,
        type=TicketType.INSTALLATION,
        created=local(3, 9),
        status=TicketStatus.CANCELLED,
        closed=local(3, 12),
        close_reason=CloseReason.CANCELLED,
    )
    # T7: an inspection nobody visited, due 11-07 09:00: open and overdue now.
    b.ticket(s7, type=TicketType.INSPECTION, created=local(2, 9))
    # T8: unit S2 again, 31 days after T2 closed: too late to count as a repeat.
    b.ticket(s2, type=TicketType.REPAIR, cause=Cause.QUALITY, created=local(7, 13, month=12))
    b.rows.write()
    db.session.commit()
    return {"a": a, "b": bee}
