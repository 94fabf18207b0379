"""Which rows the current transaction holds locked, so that a later lock of the same rows can be left out.

A row locked by ``SELECT ... FOR UPDATE`` or written by an UPDATE stays locked until the transaction ends;
locking it again costs a round trip and gains nothing. Writers say what they locked with `note_locked`,
and code that must lock rows first (the summary refresh) asks `held` and locks only the others.

A lock is noted on the innermost transaction it was taken in (a savepoint, or the session's transaction)
and counts while that transaction is still open: a savepoint rolled back gives its locks back, so its notes
are dropped with it. Notes of a released savepoint are dropped too, which only costs a redundant lock.
"""

from __future__ import annotations

from collections.abc import Iterable
from weakref import WeakKeyDictionary

from sqlalchemy.orm import Session, SessionTransaction

_NOTES = "row_locks"


def note_locked(session: Session, table: str, ids: Iterable[int]) -> None:
    """Record that this transaction now holds these rows of `table` locked (its own writes or FOR UPDATE)."""
    transaction = session.get_nested_transaction() or session.get_transaction()
    if transaction is None:
        return
    notes: WeakKeyDictionary = session.info.setdefault(_NOTES, WeakKeyDictionary())
    notes.setdefault(transaction, {}).setdefault(table, set()).update(ids)


def held(session: Session, table: str) -> set[int]:
    """The rows of `table` this transaction is known to hold locked."""
    notes: WeakKeyDictionary | None = session.info.get(_NOTES)
    found: set[int] = set()
    if not notes:
        return found
    transaction: SessionTransaction | None = session.get_nested_transaction() or session.get_transaction()
    while transaction is not None and transaction.is_active:
        found |= notes.get(transaction, {}).get(table, set())
        transaction = transaction.parent
    return found
