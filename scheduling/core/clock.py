"""The solver's clocks: real elapsed time, always.

Tests that freeze the date (freezegun) replace `time.monotonic` and `time.time`, and a frozen clock
would make a solve's deadline never arrive. The operating system's clocks below are left alone.
"""

from __future__ import annotations

import time


def elapsed_clock_s() -> float:
    """Seconds on a monotonic clock, for deadlines and solve times within one process."""
    return time.clock_gettime(time.CLOCK_MONOTONIC)


def wall_clock_s() -> float:
    """Seconds since the epoch, for a deadline shared by several processes."""
    return time.clock_gettime(time.CLOCK_REALTIME)
