"""Limits of day planning that the API, the command line and the database all enforce."""

from __future__ import annotations

# A dispatcher waits for the plan: past five minutes a longer search buys little on a day of visits.
MIN_TIME_LIMIT_S = 1
MAX_TIME_LIMIT_S = 300
DEFAULT_TIME_LIMIT_S = 10
