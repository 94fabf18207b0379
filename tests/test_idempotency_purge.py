"""Stored Idempotency-Key answers are purged after the keep time, so the table does not grow for ever."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from common.db import db
from common.idempotency import purge_old_records
from common.models import IdempotencyRecord
from tests import factories
from tests.clock import MONDAY_10_LOCAL


def stored_answer(user, key: str, *, hours_ago: float) -> IdempotencyRecord:
    record = IdempotencyRecord(
        user_id=user.id,
        key=key,
        method="POST",
        path="/api/v1/visits/1/events",
        body_sha256="0" * 64,
        status_code=201,
        response_body={"id": 1},
        created_at=MONDAY_10_LOCAL - timedelta(hours=hours_ago),
    )
    db.session.add(record)
    db.session.commit()
    return record


def kept_keys() -> list[str]:
    return sorted(db.session.scalars(select(IdempotencyRecord.key)))


def test_the_purge_command_deletes_answers_older_than_the_keep_time(app, clock):
    user = factories.make_user("technician")
    stored_answer(user, "four-days-old", hours_ago=96)
    stored_answer(user, "yesterday", hours_ago=20)

    result = app.test_cli_runner().invoke(args=["purge-idempotency-keys"])

    assert result.exit_code == 0, result.output
    assert "deleted 1 idempotency record(s) older than 72 h" in result.output
    assert kept_keys() == ["yesterday"]


def test_the_keep_time_can_be_shortened_for_one_run(app, clock):
    user = factories.make_user("technician")
    stored_answer(user, "yesterday", hours_ago=20)
    stored_answer(user, "just-now", hours_ago=1)

    result = app.test_cli_runner().invoke(args=["purge-idempotency-keys", "--keep-hours", "12"])

    assert result.exit_code == 0, result.output
    assert kept_keys() == ["just-now"]


def test_a_keep_time_of_zero_is_refused_and_deletes_nothing(app, clock):
    user = factories.make_user("technician")
    stored_answer(user, "just-now", hours_ago=1)

    result = app.test_cli_runner().invoke(args=["purge-idempotency-keys", "--keep-hours", "0"])
    assert result.exit_code != 0 and "--keep-hours" in result.output
    with pytest.raises(ValueError):
        purge_old_records(timedelta(0))
    assert kept_keys() == ["just-now"]
