"""How far ahead slots are offered."""

from __future__ import annotations

DEFAULT_DAYS = 7
MAX_DAYS = 14
