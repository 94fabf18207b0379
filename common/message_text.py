"""Error messages in the request's language: a registered code's template, translated, filled with its
parameters made readable for the locale (dates and times by Babel in the local zone, codes as words)."""

from __future__ import annotations

import enum
import logging
from collections.abc import Mapping
from datetime import date, datetime, time
from typing import Any

from babel import dates as babel_dates
from flask import current_app, has_request_context
from flask_babel import get_locale, gettext
from flask_babel import lazy_gettext as _l

from common import errors, messages
from common.labels import label

log = logging.getLogger(__name__)

LIST_SEPARATOR = _l(", ")
# Babel's formats: the locale orders the parts ("Tuesday, November 24, 2026" / "2026年11月24日星期二", "Nov 24 14:00").
DAY_FORMAT = "full"
MOMENT_SKELETON = "MMMd"
CLOCK_FORMAT = "HH:mm"


def word(code: str, params: Mapping[str, Any] | None = None) -> str:
    """The message of `code` in the request's language (English outside a request)."""
    template = messages.MESSAGES.get(code)
    if template is None or not has_request_context():
        return messages.english(code, params)
    try:
        return gettext(template) % {key: readable(value) for key, value in (params or {}).items()}
    except (KeyError, TypeError, ValueError):
        log.warning("message %s with parameters %r does not fit its translation", code, params, exc_info=True)
        return messages.english(code, params)


def readable(value: Any) -> Any:
    """A parameter as the reader's locale writes it; numbers, ids and names stay as they are."""
    locale = get_locale()
    if isinstance(value, messages.Message):
        return word(value.code, value.params)
    if isinstance(value, messages.Weekday):
        return babel_dates.get_day_names("abbreviated", locale=locale)[value.number - 1]
    if isinstance(value, datetime):
        zone = _zone()
        moment = value.astimezone(zone) if value.tzinfo is not None else value
        day = babel_dates.format_skeleton(MOMENT_SKELETON, moment, locale=locale)
        return f"{day} {babel_dates.format_time(moment, CLOCK_FORMAT, locale=locale)}"
    if isinstance(value, date):
        return format_day(value)
    if isinstance(value, time):
        return babel_dates.format_time(value, CLOCK_FORMAT, locale=locale)
    if isinstance(value, enum.Enum):
        return str(label(value))
    if isinstance(value, list | tuple | set | frozenset):
        return str(LIST_SEPARATOR).join(str(readable(v)) for v in value)
    if isinstance(value, str):
        return str(label(value))
    return value


def format_day(day: date) -> str:
    """A date with its weekday, as the locale writes it ("Tuesday, November 24, 2026" / "2026年11月24日星期二")."""
    return babel_dates.format_date(day, DAY_FORMAT, locale=get_locale())


def format_clock(value: datetime | time) -> str:
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = value.astimezone(_zone())
    return babel_dates.format_time(value, CLOCK_FORMAT, locale=get_locale())


def _zone():
    from zoneinfo import ZoneInfo

    return ZoneInfo(current_app.config["TIMEZONE"])


def init_message_text() -> None:
    """Errors read in the request's language from now on."""
    errors.set_wording(word)
