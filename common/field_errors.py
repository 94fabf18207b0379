"""marshmallow's field messages in the request's language.

marshmallow words its messages in English when it validates (4.x has no translation hook), so the answer
translates them afterwards: each default message (of the field classes and validators the schemas use)
is recognised, exactly or by its pattern, and replaced by the translated template with the same values.
A message the schemas word themselves is looked up in the catalogue as it is.
"""

from __future__ import annotations

import re
from typing import Any

from flask import has_request_context, request
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from common.labels import label

EXACT = {
    "Missing data for required field.": _l("Missing data for required field."),
    "Field may not be null.": _l("Field may not be null."),
    "Invalid value.": _l("Invalid value."),
    "Invalid input.": _l("Invalid input."),
    "Invalid type.": _l("Invalid type."),
    "Invalid input type.": _l("Invalid input type."),
    "Unknown field.": _l("Unknown field."),
    "Not a valid string.": _l("Not a valid string."),
    "Not a valid utf-8 string.": _l("Not a valid utf-8 string."),
    "Not a valid integer.": _l("Not a valid integer."),
    "Not a valid number.": _l("Not a valid number."),
    "Number too large.": _l("Number too large."),
    "Special numeric values (nan or infinity) are not permitted.": _l("Not a finite number."),
    "Not a valid boolean.": _l("Not a valid boolean."),
    "Not a valid datetime.": _l("Not a valid date and time."),
    "Not a valid date.": _l("Not a valid date."),
    "Not a valid time.": _l("Not a valid time."),
    "Not a valid aware datetime.": _l("Give a date and time with its time zone."),
    "Not a valid naive datetime.": _l("Give a date and time without a time zone."),
    "Not a valid list.": _l("Not a valid list."),
    "Not a valid delimited list.": _l("Not a valid list."),
    "Not a valid tuple.": _l("Not a valid list."),
    "Not a valid mapping type.": _l("Not a valid object."),
    "Not a valid email address.": _l("Not a valid email address."),
    "Not a valid URL.": _l("Not a valid URL."),
    "Not a valid UUID.": _l("Not a valid UUID."),
    "String does not match expected pattern.": _l("Not in the expected format."),
}

PATTERNS = [
    (re.compile(r"Shorter than minimum length (?P<min>\d+)\."), _l("Shorter than minimum length %(min)s.")),
    (re.compile(r"Longer than maximum length (?P<max>\d+)\."), _l("Longer than maximum length %(max)s.")),
    (
        re.compile(r"Length must be between (?P<min>\d+) and (?P<max>\d+)\."),
        _l("Length must be between %(min)s and %(max)s."),
    ),
    (re.compile(r"Length must be (?P<equal>\d+)\."), _l("Length must be %(equal)s.")),
    (
        re.compile(r"Must be greater than or equal to (?P<min>\S+) and less than or equal to (?P<max>\S+)\."),
        _l("Must be between %(min)s and %(max)s."),
    ),
    (
        re.compile(r"Must be greater than (?P<min>\S+) and less than or equal to (?P<max>\S+)\."),
        _l("Must be greater than %(min)s and at most %(max)s."),
    ),
    (
        re.compile(r"Must be greater than or equal to (?P<min>\S+) and less than (?P<max>\S+)\."),
        _l("Must be at least %(min)s and less than %(max)s."),
    ),
    (
        re.compile(r"Must be greater than (?P<min>\S+) and less than (?P<max>\S+)\."),
        _l("Must be greater than %(min)s and less than %(max)s."),
    ),
    (re.compile(r"Must be greater than or equal to (?P<min>\S+)\."), _l("Must be at least %(min)s.")),
    (re.compile(r"Must be greater than (?P<min>\S+)\."), _l("Must be greater than %(min)s.")),
    (re.compile(r"Must be less than or equal to (?P<max>\S+)\."), _l("Must be at most %(max)s.")),
    (re.compile(r"Must be less than (?P<max>\S+)\."), _l("Must be less than %(max)s.")),
    (re.compile(r"Must be equal to (?P<other>.*)\."), _l("Must be %(other)s.")),
    # common.schemas.within_calendar
    (
        re.compile(r"Give a day between (?P<first>\S+) and (?P<last>\S+)\."),
        _l("Give a day between %(first)s and %(last)s."),
    ),
    (re.compile(r"\"(?P<input>.*)\" cannot be formatted as a datetime\."), _l("%(input)s is not a date and time.")),
    (re.compile(r"\"(?P<input>.*)\" cannot be formatted as a date\."), _l("%(input)s is not a date.")),
    (re.compile(r"\"(?P<input>.*)\" cannot be formatted as a time\."), _l("%(input)s is not a time of day.")),
]


ONE_OF = re.compile(r"Must be one of: (?P<choices>.*)\.")
ONE_OF_TEMPLATE = _l("Must be one of: %(choices)s.")
LIST_SEPARATOR = _l(", ")


def translate_message(message: str) -> str:
    """One field message in the request's language."""
    if not has_request_context():
        return message
    known = EXACT.get(message)
    if known is not None:
        return str(known)
    one_of = ONE_OF.fullmatch(message)
    if one_of:
        return str(ONE_OF_TEMPLATE) % {"choices": _choices(one_of["choices"].split(", "))}
    for pattern, template in PATTERNS:
        found = pattern.fullmatch(message)
        if found:
            return str(template) % found.groupdict()
    return gettext(message) if message else message


def _choices(codes: list[str]) -> str:
    """The allowed values by their labels in the reader's language; an API client also gets the code to send."""
    for_api = request.path.startswith("/api/")
    words = []
    for code in codes:
        word = str(label(code))
        words.append(f"{word} ({code})" if for_api and word != code else word)
    return str(LIST_SEPARATOR).join(words)


def translate_field_errors(errors: Any) -> Any:
    """A schema's error messages (nested dicts and lists of strings) in the request's language."""
    if isinstance(errors, dict):
        return {key: translate_field_errors(value) for key, value in errors.items()}
    if isinstance(errors, list):
        return [translate_field_errors(value) for value in errors]
    if isinstance(errors, str):
        return translate_message(errors)
    return errors
