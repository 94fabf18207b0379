"""Moments the tests freeze time at, written in UTC with their Shanghai wall-clock time."""

from __future__ import annotations

from datetime import UTC, datetime

# Monday 2026-11-23, 10:00 in Shanghai (02:00 UTC): inside the follow-up call window and a working day.
MONDAY_10_LOCAL = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
# Tuesday 2026-11-24, 09:00 in Shanghai: inside the factory technicians' 08:30-18:00 shift.
TUESDAY_9_LOCAL = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)
