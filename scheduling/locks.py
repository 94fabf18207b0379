"""The locks every write to a technician's day takes (booking a slot, applying a rebalance), in one order."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from common.db import db
from technicians.models import TechnicianDay


def begin_immediate_on_sqlite() -> None:
    """On SQLite take the database's write lock now, so two bookings cannot both check and then both write.

    pysqlite only starts a transaction at the first write, so a check-then-write would run unlocked;
    with_for_update() is ignored there.
    """
    connection = db.session.connection()
    if connection.dialect.name != "sqlite":
        return
    if not connection.connection.dbapi_connection.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def lock_technician_day(technician_id: int, day: date) -> TechnicianDay:
    """The technician's day row, created if missing and locked until commit (PostgreSQL; SQLite holds its lock)."""
    dialect = db.session.connection().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    db.session.execute(insert(TechnicianDay).values(technician_id=technician_id, day=day, version=0)
                       .on_conflict_do_nothing(index_elements=["technician_id", "day"]))
    return db.session.scalar(select(TechnicianDay).where(TechnicianDay.technician_id == technician_id,
                                                         TechnicianDay.day == day)
                             .with_for_update().execution_options(populate_existing=True))
