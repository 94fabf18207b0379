"""The dashboard's summary tables against the rows worked out afresh from the source tables."""

from __future__ import annotations

from sqlalchemy import select

from common.db import db
from reporting.models import SUMMARY_MODELS
from reporting.summary import call_rows, ticket_rows, visit_rows


def stored() -> dict[str, set[tuple]]:
    """What the summary tables hold now."""
    return {
        model.__tablename__: {tuple(r) for r in db.session.execute(select(model.__table__))} for model in SUMMARY_MODELS
    }


def worked_out_afresh() -> dict[str, set[tuple]]:
    """The summary rows as the source tables give them now."""
    return {
        model.__tablename__: {tuple(r) for r in db.session.execute(rows()[1])}
        for model, rows in zip(SUMMARY_MODELS, (ticket_rows, visit_rows, call_rows), strict=True)
    }


def assert_summary_is_right() -> dict[str, set[tuple]]:
    db.session.expire_all()
    now = stored()
    assert now == worked_out_afresh()
    return now
