"""One unit of work per use case: commit once at its end, roll back once when it fails.

``with transaction():`` around a use case's body commits when the block ends and rolls everything back
when it raises, so a refused request leaves nothing half-written. Blocks nest: only the outermost one
commits or rolls back, an inner one just flushes. That is how a caller owning a bigger unit of work
(``@idempotent`` storing the answer beside the effect, a job, a test) runs a use case inside it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import TypeVar

from sqlalchemy.orm import Session

from common.db import db

F = TypeVar("F", bound=Callable)

_DEPTH = "transaction_depth"
_AFTER_COMMIT = "after_commit"


@contextmanager
def transaction() -> Iterator[Session]:
    """The session, committed when the outermost block ends and rolled back when it raises."""
    session = db.session()
    depth = session.info.get(_DEPTH, 0)
    session.info[_DEPTH] = depth + 1
    try:
        yield session
        if depth:
            session.flush()
        else:
            session.commit()
    except BaseException:
        if not depth:
            session.info.pop(_AFTER_COMMIT, None)
            session.rollback()
        raise
    finally:
        session.info[_DEPTH] = depth
    if not depth:
        for callback in session.info.pop(_AFTER_COMMIT, []):
            callback()


def transactional(use_case: F) -> F:
    """Run the whole use case in `transaction()`: it ends with one commit, or with nothing written."""

    @wraps(use_case)
    def wrapper(*args, **kwargs):
        with transaction():
            return use_case(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def after_commit(callback: Callable[[], None]) -> None:
    """Run `callback` once the outermost transaction has committed (e.g. send the texts it queued).

    Outside any `transaction()` it runs right away: whatever it follows is already committed.
    """
    session = db.session()
    if session.info.get(_DEPTH, 0):
        session.info.setdefault(_AFTER_COMMIT, []).append(callback)
    else:
        callback()


def in_transaction() -> bool:
    """Whether an outer `transaction()` owns the commit (a use case must then not end it itself)."""
    return db.session().info.get(_DEPTH, 0) > 0


def begin_write() -> None:
    """Start the transaction as a writer now: on SQLite, take the database's write lock up front.

    pysqlite only begins a transaction at the first write, so a check-then-write would run unlocked
    (SELECT ... FOR UPDATE is ignored there); BEGIN IMMEDIATE makes concurrent writers queue (up to the
    busy timeout) instead of both checking and then both writing. PostgreSQL relies on row locks.
    """
    connection = db.session.connection()
    if connection.dialect.name != "sqlite":
        return
    if not getattr(connection.connection.dbapi_connection, "in_transaction", False):
        connection.exec_driver_sql("BEGIN IMMEDIATE")
