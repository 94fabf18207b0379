"""Messages by code: errors and refusals name a code and parameters; the words are looked up when answering.

Each domain registers its table (`<package>/messages.py`: code -> English template with `%(name)s`
placeholders, marked with `N_` so the catalogue extraction finds them). This module is pure, so the
business rules can raise codes; `common.message_text` words them in the request's language, and the
English rendering here serves logs, the command line and the pure tests.
"""

from __future__ import annotations

import calendar
import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

# code -> English template
MESSAGES: dict[str, str] = {}


@dataclass(frozen=True)
class Message:
    """A message inside another one's parameters (e.g. "14:30 tomorrow"), worded in the same language."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Weekday:
    """An ISO weekday (1 = Monday) as a parameter: the reader's locale names it."""

    number: int


def N_(template: str) -> str:  # gettext's name for "extract, translate later"
    """Mark a template for the catalogue; it is translated when the message is worded."""
    return template


def register_messages(table: Mapping[str, str]) -> Mapping[str, str]:
    """Add a domain's codes; a code is registered once (two domains may not give it two meanings)."""
    for code, template in table.items():
        if MESSAGES.get(code, template) != template:
            raise ValueError(f"message code {code!r} is registered twice with different words")
        MESSAGES[code] = template
    return table


def is_code(text: str) -> bool:
    return text in MESSAGES


def english(code: str, params: Mapping[str, Any] | None = None) -> str:
    """The English words of `code` with `params`; a text that is no registered code is returned as it is."""
    template = MESSAGES.get(code)
    if template is None:
        return code
    try:
        return template % {key: plain(value) for key, value in (params or {}).items()}
    except (KeyError, TypeError, ValueError):
        return template


def plain(value: Any) -> Any:
    """A parameter as the English fallback shows it (the web layer formats them per locale instead)."""
    if isinstance(value, Message):
        return english(value.code, value.params)
    if isinstance(value, Weekday):
        return calendar.day_abbr[value.number - 1]
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.strftime("%A %Y-%m-%d")
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(str(plain(v)) for v in value)
    return value
