"""Time arithmetic in SQL that reads the same on SQLite and PostgreSQL: whole epoch seconds and local days.

The summary tables keep every moment as whole seconds since 1970-01-01 UTC, so the figures compare, subtract
and group plain integers (PostgreSQL's EXTRACT(EPOCH) is numeric, and slow per row).
"""

from __future__ import annotations

from sqlalchemy import BigInteger
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class whole_epoch_s(FunctionElement):
    """Whole seconds since 1970-01-01 UTC of a stored timestamp (the fraction dropped)."""

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
    # SQLite keeps timestamps as UTC text; strftime('%s') reads whole seconds.
    return f"CAST(strftime('%s', {compiler.process(element.clauses, **kw)}) AS INTEGER)"


@compiles(day_number_s)
def _day_number_s(element, compiler, **kw) -> str:
    seconds, offset = list(element.clauses)
    # Integer division on both databases: the epoch seconds are never negative here.
    return f"(({compiler.process(seconds, **kw)} + {compiler.process(offset, **kw)}) / 86400)"
