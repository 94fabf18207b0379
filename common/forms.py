"""A page's form read through the API's schema and handed to one use case, with what happened flashed.

The pages' forms post what the API takes: `load_form` validates it with the same schema, `run_flashed` calls
the use case and flashes its refusal or its success in the reader's words, and `submit_form` does both and
goes back to the page.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import marshmallow as ma
from flask import flash, redirect, request
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from common.errors import DomainError
from common.field_errors import translate_field_errors

T = TypeVar("T")


def posted_text(*names: str) -> dict[str, str]:
    """The posted form's text fields, stripped: those named, or every one but the CSRF token."""
    if names:
        return {name: request.form.get(name, "").strip() for name in names}
    return {key: value.strip() for key, value in request.form.items() if key != "csrf_token"}


def load_form(schema: ma.Schema, body: Mapping[str, Any], field_names: Mapping[str, Any]) -> dict | None:
    """`body` loaded by `schema` (an empty input counts as not given), or None after flashing what to fix.

    `field_names` names the form's fields in the reader's language (lazy strings); others show as they are.
    """
    try:
        return schema.load({k: v for k, v in body.items() if v != ""})
    except ma.ValidationError as error:
        for field, messages in translate_field_errors(error.messages).items():
            text = " ".join(str(m) for m in messages) if isinstance(messages, list) else str(messages)
            flash(_field_message(field, text, field_names), "error")
        return None


def run_flashed(
    action: Callable[[], T], done: str | Callable[[T], str], field_names: Mapping[str, Any] | None = None
) -> None:
    """Run the use case `action`; flash its refusal or `done` (words, or the words for its result).

    A refusal that names a field of `field_names` says which, in the reader's words.
    """
    try:
        result = action()
    except DomainError as error:
        field = getattr(error, "field", None)
        if field is not None and field in (field_names or {}):
            flash(_field_message(field, error.message, field_names), "error")
        else:
            flash(error.message, "error")
    else:
        flash(done(result) if callable(done) else done, "success")


def submit_form(
    schema: ma.Schema,
    body: Mapping[str, Any],
    field_names: Mapping[str, Any],
    *,
    action: Callable[[dict], T],
    done: str | Callable[[T], str],
    back: str,
) -> Response:
    """A form post end to end: `body` loaded by `schema`, then `action(data)`, what happened flashed, back to `back`.

    A form with a field to fix runs nothing.
    """
    data = load_form(schema, body, field_names)
    if data is not None:
        run_flashed(lambda: action(data), done, field_names)
    return redirect(back)


def _field_message(field: str, text: str, field_names: Mapping[str, Any] | None) -> str:
    name = (field_names or {}).get(field, field)
    return _("%(field)s: %(message)s", field=str(name), message=text)
