"""The one place that turns errors into responses.

API clients always get flask-smorest's payload shape, ``{"code", "status", "message", "errors"}``,
whether a schema or a business rule refused the request; pages show the same message.
"""

from __future__ import annotations

import contextlib
from typing import Any

from flask import Flask, current_app, g, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

from common.auth import login_manager
from common.db import db
from common.errors import Conflict, DomainError, ServiceUnavailable
from common.field_errors import translate_field_errors

# What to do when a database constraint refuses a write that raced past the checks, by constraint name.
# Domains register theirs with `explain_constraint`; any other one gets the generic advice.
_CONSTRAINT_ADVICE: dict[str, Any] = {}


def explain_constraint(name: str, advice: Any) -> None:
    """Answer a violation of constraint `name` with `advice` (a lazy translatable string) instead of the generic one."""
    _CONSTRAINT_ADVICE[name] = advice


def conflict_for_integrity_error(error: IntegrityError) -> Conflict:
    """The 409 for a unique, exclusion or foreign-key violation: what clashed and what to do."""
    text = str(error.orig)
    for name, advice in _CONSTRAINT_ADVICE.items():
        if name in text:
            return Conflict(str(advice), constraint=name)
    return Conflict(_("Someone else changed the same data at the same moment; reload it and try again."))


def error_payload(status: int, message: str, errors: dict | None = None, **extra: Any) -> dict:
    """The JSON body of every error answer."""
    payload: dict[str, Any] = {
        "code": status,
        "status": HTTP_STATUS_CODES.get(status, "Error"),
        "message": message,
        "errors": errors or {},
    }
    payload.update(extra)
    return payload


def wants_json() -> bool:
    """API paths answer JSON; pages answer HTML."""
    return request.path.startswith("/api/")


def register_error_handlers(app: Flask) -> None:
    """Turn domain errors into JSON (API) or a page with the same message."""

    @app.errorhandler(DomainError)
    def handle_domain_error(error: DomainError):
        # A refused use case may have flushed rows before it failed: none of them may be committed later.
        db.session.rollback()
        headers = _retry_after() if isinstance(error, ServiceUnavailable) else {}
        message = error.message  # worded in the request's language (common.message_text)
        if wants_json():
            extra = dict(error.extra)
            if error.message_code:
                extra.setdefault("message_code", error.message_code)
            return error_payload(error.status, message, error.errors, **extra), error.status, headers
        return render_template("error.html", status=error.status, message=message), error.status, headers

    @app.errorhandler(IntegrityError)
    def handle_integrity_error(error: IntegrityError):
        # Checks run before writing, so this is a concurrent request that won the race: a conflict, not a crash.
        db.session.rollback()
        return handle_domain_error(conflict_for_integrity_error(error))

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    @app.errorhandler(PoolTimeoutError)
    def handle_database_unavailable(error: SQLAlchemyError):
        # The details (host, port, user) are for the log, never for the client.
        current_app.logger.error("The database is unavailable: %s", error)
        with contextlib.suppress(SQLAlchemyError):
            db.session.rollback()
        # The user could not be loaded either: answer as to an anonymous visitor (the language
        # choice and the page's menu ask for the user).
        g._login_user = login_manager.anonymous_user()
        headers = _retry_after()
        message = _(
            "The database cannot answer right now; try again in %(seconds)d seconds.",
            seconds=int(headers["Retry-After"]),
        )
        if wants_json():
            return error_payload(503, message), 503, headers
        return render_template("error.html", status=503, message=message), 503, headers


def _retry_after() -> dict:
    return {"Retry-After": str(current_app.config.get("UNAVAILABLE_RETRY_AFTER_S", 10))}


def summarize_validation_errors(errors: dict) -> str:
    """One sentence naming every field a schema refused, e.g. 'Fix these fields: json.order.order_value'."""
    names: list[str] = []

    def walk(prefix: str, node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                walk(f"{prefix}.{key}" if prefix else str(key), value)
        else:
            names.append(prefix)

    if all(isinstance(v, list) for v in errors.values()):
        # A whole location was refused (e.g. a body that is not JSON): its own message says it best.
        return " ".join(str(m) for v in errors.values() for m in v)
    walk("", errors)
    if not names:
        return _("The request is invalid.")
    return _("Fix these fields: %(fields)s", fields=", ".join(names))


HTTP_WORDS = {
    400: _l("The request could not be understood; check what was sent."),
    404: _l("There is nothing at this address."),
    405: _l("This address does not take that method."),
    413: _l("The request is too large."),
    415: _l("The request's content type is not accepted here."),
}


def http_exception_payload(error: HTTPException) -> tuple[dict, dict]:
    """Payload and headers for a werkzeug HTTPException, keeping its own headers (e.g. Allow on 405)."""
    data = getattr(error, "data", None) or {}
    errors = translate_field_errors(data.get("errors") or data.get("messages"))
    message = data.get("message")
    if message is None:
        if errors:
            message = summarize_validation_errors(errors)
        elif error.description == type(error).description and error.code in HTTP_WORDS:
            # werkzeug's own English sentence for the status: say it in the reader's language
            message = str(HTTP_WORDS[error.code])
        else:
            message = error.description or error.name
    headers = dict(data.get("headers") or {})
    response = error.get_response()
    for name in ("Allow", "Retry-After", "WWW-Authenticate"):
        if name in response.headers and name not in headers:
            headers[name] = response.headers[name]
    return error_payload(error.code or 500, message, errors), headers
