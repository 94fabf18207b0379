"""Input limits that match the database: ids fit its integer columns, text carries no control characters.

An id beyond what an INTEGER column holds can name no row, so a path with one is simply not found (404)
instead of reaching the database, which would refuse the query with an error. A NUL byte cannot be stored
in PostgreSQL text at all, and other control characters are never typed by a person: both are refused
with 422 naming the field, for every JSON body and query string, before any view runs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from flask import Flask, request
from flask_babel import gettext as _
from werkzeug.routing import IntegerConverter

from common.errors import RuleViolation

MAX_ID = 2**31 - 1  # the largest value of an INTEGER column (PostgreSQL and the ids SQLite hands out)
# C0 controls and DEL, except tab, newline and carriage return, which a multi-line note may contain.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class IdConverter(IntegerConverter):
    """`<int:...>` in routes: a non-negative integer no larger than MAX_ID, else the route does not match."""

    def __init__(self, map, *args: Any, **kwargs: Any):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def control_character_fields(value: Any, path: str = "") -> Iterator[str]:
    """The dotted names of the strings (keys included) in `value` holding a control character."""
    if isinstance(value, str):
        if _CONTROL.search(value):
            yield path or "body"
    elif isinstance(value, dict):
        for key, item in value.items():
            name = f"{path}.{key}" if path else str(key)
            if _CONTROL.search(str(key)):
                yield name
            yield from control_character_fields(item, name)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from control_character_fields(item, f"{path}.{index}" if path else str(index))


def init_input_limits(app: Flask) -> None:
    """Bound `<int:>` route ids and refuse control characters in query strings and JSON bodies."""
    app.url_map.converters["int"] = IdConverter

    @app.before_request
    def refuse_control_characters():
        for name, value in request.args.items(multi=True):
            if _CONTROL.search(name) or _CONTROL.search(value):
                raise RuleViolation(_message(name), field=name, location="query")
        if request.is_json:
            body = request.get_json(silent=True)
            for name in control_character_fields(body):
                raise RuleViolation(_message(name), field=name, location="json")
        elif request.form:
            for name, value in request.form.items(multi=True):
                if _CONTROL.search(name) or _CONTROL.search(value):
                    raise RuleViolation(_message(name), field=name, location="form")


def _message(name: str) -> str:
    return _("%(name)s contains a control character (such as NUL); send plain text.", name=name)


def query_int(name: str) -> int | None:
    """A page's query argument as a whole number, or None when it is missing or not digits."""
    value = request.args.get(name, "")
    return int(value) if value.isdigit() else None
