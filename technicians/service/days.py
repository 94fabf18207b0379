"""A technician's working day as a lock: every write that changes who works when on that day queues behind it.

Booking a slot, assigning by hand and publishing a plan all check a technician's day and then write to it.
Each takes the day's lock first, so two of them never both check before either writes: PostgreSQL locks the
`TechnicianDay` row until commit (the exclusion constraint on visits is only the backstop), SQLite holds its
one write lock from BEGIN IMMEDIATE (`common.transaction.begin_write`).

Locks are always taken in the same order, so two writers never wait for each other in a circle (a
deadlock PostgreSQL would end with an error): visits first, by id, then technician days, by technician id.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from common.db import db
from common.transaction import begin_write
from dispatch.models import Visit
from technicians.models import TechnicianDay

_INSERT = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def lock_technician_day(technician_id: int, day: date) -> TechnicianDay:
    """The technician's day row, created if missing and locked until the transaction ends (flushes only)."""
    begin_write()
    insert = _INSERT[db.session.connection().dialect.name]
    db.session.execute(
        insert(TechnicianDay)
        .values(technician_id=technician_id, day=day, version=0)
        .on_conflict_do_nothing(index_elements=["technician_id", "day"])
    )
    return db.session.scalar(
        select(TechnicianDay)
        .where(TechnicianDay.technician_id == technician_id, TechnicianDay.day == day)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def lock_technician_days(technician_ids: list[int], day: date) -> list[TechnicianDay]:
    """Several technicians' days, locked in technician id order (see the module docstring)."""
    return [lock_technician_day(technician_id, day) for technician_id in sorted(set(technician_ids))]


def lock_visits(visit_ids: list[int]) -> None:
    """Lock these visits' rows until the transaction ends, in id order (see the module docstring)."""
    begin_write()
    if visit_ids:
        db.session.execute(
            select(Visit.id).where(Visit.id.in_(sorted(set(visit_ids)))).order_by(Visit.id).with_for_update()
        )
