"""Words people read for the codes we store: each domain registers its tables here (see `register_labels`).

The tables themselves live with the enums they word (`dispatch/labels.py`, `technicians/labels.py`), so this
bottom layer knows no domain; `create_app` registers them.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

ENUM_LABELS: dict[type[enum.Enum], dict[str, Any]] = {}
TIMELINE_ACTIONS: dict[str, Any] = {}
DETAIL_KEYS: dict[str, Any] = {}
# Ids and coordinates help support staff, not the reader of the timeline.
HIDDEN_DETAIL_KEYS: set[str] = set()
_ALL_VALUES: dict[str, Any] = {}
# Stored values made of a code and an id, e.g. a timeline's source "plan 12": (pattern, template), the
# template's placeholders named after the pattern's groups (each group's value is itself worded).
VALUE_PATTERNS: list[tuple[re.Pattern, Any]] = []


def register_labels(
    *,
    enums: Mapping[type[enum.Enum], Mapping[str, Any]] | None = None,
    timeline_actions: Mapping[str, Any] | None = None,
    detail_keys: Mapping[str, Any] | None = None,
    hidden_detail_keys: Iterable[str] = (),
    codes: Mapping[str, Any] | None = None,
    value_patterns: Iterable[tuple[str, Any]] = (),
) -> None:
    """Add a domain's words: per-enum tables, timeline actions, detail keys, the detail keys to hide, and words
    for bare codes that belong to no enum (e.g. skill codes)."""
    _ALL_VALUES.update(codes or {})
    for enum_type, table in (enums or {}).items():
        ENUM_LABELS.setdefault(enum_type, {}).update(table)
        for code, word in table.items():
            _ALL_VALUES.setdefault(code, word)
    TIMELINE_ACTIONS.update(timeline_actions or {})
    DETAIL_KEYS.update(detail_keys or {})
    HIDDEN_DETAIL_KEYS.update(hidden_detail_keys)
    VALUE_PATTERNS.extend((re.compile(pattern), template) for pattern, template in value_patterns)


def label(value: Any) -> Any:
    """The word for an enum member (by its own enum's table), or for a bare code found in any table."""
    if isinstance(value, enum.Enum):
        return ENUM_LABELS.get(type(value), {}).get(value.value, value.value)
    if value is None:
        return ""
    return _ALL_VALUES.get(value, TIMELINE_ACTIONS.get(value, value))


def timeline_detail(detail: dict[str, Any], to_local) -> list[tuple[Any, str]]:
    """Readable (key, value) pairs of a timeline entry: local times, words for codes, internals left out."""
    pairs = []
    for key, value in (detail or {}).items():
        if key in HIDDEN_DETAIL_KEYS or value in (None, "", [], {}):
            continue
        pairs.append((DETAIL_KEYS.get(key, key), _readable(value, to_local)))
    return pairs


def _readable(value: Any, to_local) -> str:
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return _worded_value(value)
        if moment.tzinfo is not None:
            return to_local(moment).strftime("%m-%d %H:%M")
        return value
    if isinstance(value, list | tuple):
        return ", ".join(_readable(v, to_local) for v in value)
    if isinstance(value, bool):
        return "✓" if value else "✗"
    return str(value)


def _worded_value(value: str) -> str:
    for pattern, template in VALUE_PATTERNS:
        found = pattern.fullmatch(value)
        if found:
            return str(template) % {k: str(label(v)) for k, v in found.groupdict().items()}
    return str(label(value))
