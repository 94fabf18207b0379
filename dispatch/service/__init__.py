"""Use cases of the CS side; each commits once at its end, and rolls back everything when it fails."""
from __future__ import annotations

from functools import wraps
from typing import Callable, TypeVar

from common.db import db

F = TypeVar("F", bound=Callable)


def one_transaction(use_case: F) -> F:
    """Roll the session back when `use_case` raises, so a refused request leaves nothing half-written.

    Flask-SQLAlchemy also rolls back when the app context ends, but a caller that keeps its context
    (a CLI command, a job, a test) would otherwise carry the flushed rows into its next commit.
    """

    @wraps(use_case)
    def wrapper(*args, **kwargs):
        try:
            return use_case(*args, **kwargs)
        except BaseException:
            db.session.rollback()
            raise

    return wrapper  # type: ignore[return-value]
