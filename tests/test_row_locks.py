"""The record of rows a transaction holds locked: kept while the transaction lasts, given back with a savepoint."""

from __future__ import annotations

from common import row_locks
from common.db import db


def test_rows_noted_in_a_transaction_are_held_until_it_ends(app):
    session = db.session()
    session.connection()  # a transaction is open
    row_locks.note_locked(session, "tickets", [1, 2])
    assert row_locks.held(session, "tickets") == {1, 2}
    assert row_locks.held(session, "visits") == set()
    session.commit()
    session.connection()
    assert row_locks.held(session, "tickets") == set()


def test_a_savepoint_rolled_back_gives_its_locks_back_and_keeps_the_ones_before_it(app):
    session = db.session()
    session.connection()
    row_locks.note_locked(session, "tickets", [1])
    savepoint = session.begin_nested()
    row_locks.note_locked(session, "tickets", [2])
    assert row_locks.held(session, "tickets") == {1, 2}
    savepoint.rollback()
    assert row_locks.held(session, "tickets") == {1}
    session.rollback()
    session.connection()
    assert row_locks.held(session, "tickets") == set()
