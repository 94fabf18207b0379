"""Time arithmetic in SQL that reads the same on SQLite and PostgreSQL: epoch seconds and local day numbers."""

from __future__ import annotations

from sqlalchemy import BigInteger, Float, Integer
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class epoch_s(FunctionElement):
    """Seconds since 1970-01-01 UTC of a stored timestamp; differences of two are durations in seconds."""

    type = Float()
    name = "epoch_s"
    inherit_cache = True


class local_day_number(FunctionElement):
    """Days since 1970-01-01 of a timestamp's local date, given the zone's offset from UTC in seconds."""

    type = Integer()
    name = "local_day_number"
    inherit_cache = True


@compiles(epoch_s)
def _epoch_s_postgresql(element, compiler, **kw) -> str:
    return f"EXTRACT(EPOCH FROM {compiler.process(element.clauses, **kw)})"


@compiles(epoch_s, "sqlite")
def _epoch_s_sqlite(element, compiler, **kw) -> str:
    # SQLite keeps timestamps as UTC text; julianday() reads it with its fraction of a second.
    return f"((julianday({compiler.process(element.clauses, **kw)}) - 2440587.5) * 86400.0)"


@compiles(local_day_number)
def _local_day_postgresql(element, compiler, **kw) -> str:
    moment, offset = list(element.clauses)
    # Date arithmetic rather than FLOOR over numeric epoch seconds: several times cheaper per row.
    return (
        f"(CAST(({compiler.process(moment, **kw)} AT TIME ZONE 'UTC') + {compiler.process(offset, **kw)} "
        f"* INTERVAL '1 second' AS DATE) - DATE '1970-01-01')"
    )


@compiles(local_day_number, "sqlite")
def _local_day_sqlite(element, compiler, **kw) -> str:
    moment, offset = list(element.clauses)
    # Whole seconds (strftime %s), so a timestamp at local midnight never rounds into the day before.
    return (
        f"((CAST(strftime('%s', {compiler.process(moment, **kw)}) AS INTEGER) + {compiler.process(offset, **kw)})"
        f" / 86400)"
    )


class whole_epoch_s(FunctionElement):
    """Whole seconds since 1970-01-01 UTC of a stored timestamp (the fraction dropped): how the summary tables
    keep their moments, so the figures compare, subtract and group them as plain integers."""

    type = BigInteger()
    name = "whole_epoch_s"
    inherit_cache = True


class day_number_s(FunctionElement):
    """Days since 1970-01-01 of the local date of an epoch-seconds column, given the zone's offset in seconds."""

    type = BigInteger()
    name = "day_number_s"
    inherit_cache = True


@compiles(whole_epoch_s)
def _whole_epoch_s_postgresql(element, compiler, **kw) -> str:
    return f"CAST(FLOOR(EXTRACT(EPOCH FROM {compiler.process(element.clauses, **kw)})) AS BIGINT)"


@compiles(whole_epoch_s, "sqlite")
def _whole_epoch_s_sqlite(element, compiler, **kw) -> str:
    return f"CAST(strftime('%s', {compiler.process(element.clauses, **kw)}) AS INTEGER)"


@compiles(day_number_s)
def _day_number_s(element, compiler, **kw) -> str:
    seconds, offset = list(element.clauses)
    # Integer division on both databases: the epoch seconds are never negative here.
    return f"(({compiler.process(seconds, **kw)} + {compiler.process(offset, **kw)}) / 86400)"
