"""The Idempotency-Key header (IETF draft): a retried request gets the first answer instead of a second effect.

Put ``@idempotent`` on an API view, inside the role check and outside ``blp.arguments``/``blp.response``.
Without the header the view runs as usual. With it:

- the same user sending the same key with the same method, path and body gets the first answer again (same
  status and JSON, plus ``Idempotent-Replayed: true``), and nothing is applied twice;
- the same key with another request is refused with 422;
- only successful (2xx) answers are kept: a refused request leaves no record, so the client may fix and
  retry it with the same key (a phone's offline queue resends what the technician queued);
- the record is written in the same transaction as the effect: the decorator opens the outermost
  `common.transaction.transaction()`, so the use case's own block only flushes, and the effect and the record
  commit together. A concurrent duplicate therefore waits on the (user_id, key) unique constraint, finds the
  key taken, rolls back and answers with the stored response, or with 409 "still being processed" when the
  first request has not finished yet. Use cases under ``@idempotent`` end their work with `transaction()`, not a bare commit.
- a use case that must commit before an outside effect (a solve job is committed before it is queued, because
  the worker reads it from the database) commits the claimed key with it: until the answer is stored, a
  duplicate is told the request is still being processed (409), and if the request then fails, the key is
  released so that a retry with it runs again.

Records are kept IDEMPOTENCY_KEEP_HOURS; `flask --app app purge-idempotency-keys` (from cron) deletes older ones.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import wraps
from typing import Any, cast

from flask import Response, jsonify, request
from flask_login import current_user
from sqlalchemy import CursorResult, Table, delete, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from common.db import db, utcnow
from common.errors import Conflict, RuleViolation
from common.models import IdempotencyRecord
from common.transaction import transaction

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 128

# The status of a claimed key whose answer is not stored yet.
_IN_PROGRESS = 0
# Claims and answers are written as plain rows: the ORM's unit of work for them cost more than the SQL.
_TABLE = cast(Table, IdempotencyRecord.__table__)
_INSERTS: dict[str, Callable[[Table], Any]] = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}

# The header as an OpenAPI parameter, added to every decorated operation.
_HEADER_DOC = {
    "in": "header",
    "name": HEADER,
    "required": False,
    "schema": {"type": "string", "maxLength": MAX_KEY_LENGTH},
    "description": "A unique key per intended action (e.g. a UUID). Retrying with the same key and body "
    "returns the first answer without applying the action twice; the same key with another "
    "body is refused with 422.",
}


def idempotent(view: Callable) -> Callable:
    """Honour an Idempotency-Key header on `view` (see the module docstring)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None:
            return view(*args, **kwargs)
        key = _checked_key(key)
        fingerprint = request_fingerprint(request.method, request.path, request.get_data())
        # No look-up first: claiming the key is the look-up (a key seen before fails on the unique
        # constraint and is answered from its record), which saves a query on every first request.
        return _run_once(view, args, kwargs, key=key, fingerprint=fingerprint)

    # flask-smorest reads an operation's documentation from the view function's `_apidoc` attribute.
    apidoc = dict(getattr(wrapper, "_apidoc", {}))
    manual = dict(apidoc.get("manual_doc", {}))
    manual["parameters"] = [*manual.get("parameters", []), _HEADER_DOC]
    apidoc["manual_doc"] = manual
    vars(wrapper)["_apidoc"] = apidoc
    return wrapper


def purge_old_records(keep: timedelta, *, now: datetime | None = None) -> int:
    """Delete the answers stored longer ago than `keep`; how many were deleted. A retry after that runs again."""
    if keep <= timedelta(0):
        raise ValueError("keep must be longer than zero, or every stored answer would go")
    cutoff = (now or utcnow()) - keep
    result = cast(
        CursorResult, db.session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.created_at < cutoff))
    )
    db.session.commit()
    return result.rowcount


def request_fingerprint(method: str, path: str, body: bytes) -> str:
    """A digest of what makes two requests the same: method, path and body (JSON compared by value)."""
    try:
        canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    except (ValueError, UnicodeDecodeError):
        canonical = body
    digest = hashlib.sha256()
    for part in (method.upper().encode(), b"\n", path.encode(), b"\n", canonical):
        digest.update(part)
    return digest.hexdigest()


def _checked_key(key: str) -> str:
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise RuleViolation(
            "idempotency_key_invalid",
            params={"header": HEADER, "max_length": MAX_KEY_LENGTH},
            field=HEADER,
            location="headers",
        )
    return key


def _find(user_id: int, key: str) -> IdempotencyRecord | None:
    return db.session.scalar(
        select(IdempotencyRecord).where(IdempotencyRecord.user_id == user_id, IdempotencyRecord.key == key)
    )


def _replay(stored: IdempotencyRecord, fingerprint: str) -> Response:
    if stored.body_sha256 != fingerprint:
        raise RuleViolation(
            "idempotency_key_reused",
            params={"header": HEADER},
            field=HEADER,
            location="headers",
        )
    response = jsonify(stored.response_body)
    response.status_code = stored.status_code
    response.headers["Idempotent-Replayed"] = "true"
    return response


def _run_once(view: Callable, args: tuple, kwargs: dict, *, key: str, fingerprint: str) -> Response:
    """Claim the key, run the view, store its answer, and commit the effect and the record together."""
    user_id = current_user.id
    claim = {
        "user_id": user_id,
        "key": key,
        "method": request.method,
        "path": request.path[:255],
        "body_sha256": fingerprint,
        "status_code": _IN_PROGRESS,
        "response_body": {},
    }
    claim_committed = False  # set when the use case committed the claim with its effect (see the docstring)
    try:
        # The decorator owns the transaction: the use case's own `transaction()` only flushes inside it.
        with transaction() as session:
            try:
                # Claiming first makes a concurrent duplicate wait here (PostgreSQL; SQLite's write lock)
                # and then find the key taken, before either request has applied anything.
                claimed = _claim(session, claim)
            except (IntegrityError, OperationalError) as error:
                raise _AlreadyClaimed from error
            if not claimed:
                raise _AlreadyClaimed
            claimed_in = session.get_transaction()
            try:
                response = view(*args, **kwargs)
            finally:
                # A commit inside the view ends the transaction the claim was made in.
                claim_committed = session.get_transaction() is not claimed_in
            if not 200 <= response.status_code < 300:
                raise _NotKept(response)
            if not response.is_json:
                raise TypeError("@idempotent stores JSON answers; put it on a view that answers JSON")
            session.execute(
                update(_TABLE)
                .where(_TABLE.c.user_id == user_id, _TABLE.c.key == key)
                .values(status_code=response.status_code, response_body=response.get_json())
            )
    except _AlreadyClaimed:
        return _answer_duplicate(user_id, key, fingerprint)
    except _NotKept as refused:
        if claim_committed:
            _release_claim(user_id, key)
        return refused.response
    except IntegrityError:
        # The commit lost to a duplicate that committed first; anything else is the effect's own conflict
        # (so is any conflict after the use case committed our claim).
        if claim_committed:
            _release_claim(user_id, key)
            raise
        if _find(user_id, key) is None:
            raise
        return _answer_duplicate(user_id, key, fingerprint)
    except BaseException:
        if claim_committed:
            _release_claim(user_id, key)
        raise
    return response


def _claim(session: Session, claim: dict) -> bool:
    """Insert the claim; False when the key was taken already (by a request that has committed it).

    One statement whatever happens: on a taken key, INSERT ... ON CONFLICT DO NOTHING waits for the
    transaction holding it and then inserts nothing, where a plain INSERT would fail and need a rollback.
    """
    dialect_insert = _INSERTS.get(session.get_bind().dialect.name)
    if dialect_insert is None:  # another database: the unique constraint refuses it (IntegrityError)
        session.execute(insert(_TABLE).values(claim))
        return True
    statement = dialect_insert(_TABLE).values(claim).on_conflict_do_nothing(index_elements=["user_id", "key"])
    # The new row's id, or no row when nothing was inserted (rowcount is not reliable with RETURNING).
    return session.execute(statement.returning(_TABLE.c.id)).first() is not None


def _release_claim(user_id: int, key: str) -> None:
    """Free a key the use case committed before the request failed, so that a retry with it runs again."""
    db.session.execute(
        delete(IdempotencyRecord).where(
            IdempotencyRecord.user_id == user_id,
            IdempotencyRecord.key == key,
            IdempotencyRecord.status_code == _IN_PROGRESS,
        )
    )
    db.session.commit()


class _AlreadyClaimed(Exception):
    """Another request holds (or held) this key."""


class _NotKept(Exception):
    """The view refused the request: its answer goes out, nothing is stored or committed."""

    def __init__(self, response: Response):
        super().__init__(response.status_code)
        self.response = response


def _answer_duplicate(user_id: int, key: str, fingerprint: str) -> Response:
    stored = _find(user_id, key)
    if stored is None or stored.status_code == _IN_PROGRESS:
        raise Conflict("idempotency_key_in_progress", params={"header": HEADER})
    return _replay(stored, fingerprint)
