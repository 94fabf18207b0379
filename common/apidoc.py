"""What the OpenAPI document says beyond what flask-smorest writes: the error answers each operation can give.

flask-smorest documents the success answer and the 422 of a refused schema. The other errors follow from how
an operation is guarded, so they are added here from the same facts the code acts on:

- 401 for every operation that needs a login (all but those with ``security: []``);
- 403 for operations limited to some roles (``role_required`` writes their names as ``x-roles``);
- 400 and 413 for every operation with a request body (a body that is not JSON at all, or too large);
- 404 for every operation with an id or name in its path (an id beyond the column's range is not found either);
- 409 and 422 for operations honouring ``Idempotency-Key`` (a retry still running; a key reused for another body);
- 503 for every operation: the database (or the job queue) cannot answer; ``Retry-After`` says when to try again.

An operation's own description of one of these codes (``alt_response``) is kept.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from http import HTTPStatus
from typing import Any

from apispec import BasePlugin
from marshmallow import fields

ROLES_KEY = "x-roles"
IDEMPOTENCY_HEADER = "Idempotency-Key"


def document_roles(func: Callable, roles: list[str]) -> None:
    """Note on a view that only these roles may call it (the spec shows them, and documents the 403)."""
    apidoc = dict(getattr(func, "_apidoc", {}))
    manual = dict(apidoc.get("manual_doc", {}))
    manual[ROLES_KEY] = roles
    apidoc["manual_doc"] = manual
    func._apidoc = apidoc  # type: ignore[attr-defined]


def _error_codes(path: str, operation: dict) -> list[int]:
    codes = []
    if operation.get("security") != []:
        codes.append(401)
    if operation.get(ROLES_KEY):
        codes.append(403)
    if "requestBody" in operation:
        codes += [400, 413]
    if "{" in path:
        codes.append(404)
    parameters = operation.get("parameters", [])
    if any(isinstance(p, dict) and p.get("in") == "header" and p.get("name") == IDEMPOTENCY_HEADER for p in parameters):
        codes += [409, 422]
    codes.append(503)
    return codes


class ErrorResponsesPlugin(BasePlugin):
    """An apispec plugin that documents each operation's error answers (see the module docstring)."""

    def operation_helper(self, path: str | None = None, operations: dict | None = None, **kwargs: Any) -> None:
        for operation in (operations or {}).values():
            if not isinstance(operation, dict):
                continue
            responses = operation.setdefault("responses", {})
            for code in _error_codes(path or "", operation):
                if code not in responses and str(code) not in responses:
                    responses[str(code)] = HTTPStatus(code).name


# Text without C0 control characters or DEL (tab, newline and carriage return allowed): what
# common.input_limits accepts in every JSON body and query string.
PLAIN_TEXT_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"


def plain_text_properties(self, field: fields.Field, ret: dict, **kwargs: Any) -> dict:
    """Strings are plain text: the document says so, so that a client (or a test generator) knows it."""
    if isinstance(field, fields.String) and "pattern" not in ret:
        return {"pattern": PLAIN_TEXT_PATTERN}
    return {}


def _plain_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def decimal_field_properties(self, field: fields.Field, ret: dict, **kwargs: Any) -> dict:
    """Decimal fields as answered: `as_string` ones are strings ("4599.00"), bounds and defaults plain numbers.

    Without this, apispec calls every Decimal a number and writes its Range bounds as Decimals, which the JSON
    encoder turns into strings: an invalid document.
    """
    if not isinstance(field, fields.Decimal):
        return {}
    changes: dict[str, Any] = {key: _plain_number(value) for key, value in ret.items() if isinstance(value, Decimal)}
    if field.as_string:
        changes["type"] = "string"
        changes["format"] = "decimal"
    return changes
