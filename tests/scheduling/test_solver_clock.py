"""A solve keeps its time limit even when a test has frozen Python's clock (freezegun)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SOLVE_UNDER_FROZEN_TIME = textwrap.dedent("""
    from freezegun import freeze_time
    from scheduling.core import parse_problem, solve

    # A small day with enough visits for the improvement search to run, not just the first plan.
    locations = [{"id": "H", "lat": 31.23, "lon": 121.47}]
    locations += [{"id": f"L{i}", "lat": 31.20 + 0.01 * (i % 6), "lon": 121.44 + 0.012 * (i // 6)} for i in range(12)]
    problem = {
        "date": "2026-11-23",
        "locations": locations,
        "technicians": [{"id": f"t{n}", "start": "H", "end": "H", "skills": [], "shift": [30600, 64800],
                         "breaks": [{"window": [41400, 48600], "duration_s": 2700}]} for n in range(3)],
        "visits": [{"id": f"v{i}", "location": f"L{i}", "duration_s": 2400, "skills": [],
                    "windows": [[32400 + 7200 * (i % 4), 39600 + 7200 * (i % 4)]]} for i in range(12)],
    }
    with freeze_time("2026-11-23 02:00:00"):
        plan = solve(parse_problem(problem), time_limit_s=1)
    print(sum(len(route.stops) for route in plan.routes))
""")


def test_a_solve_under_a_frozen_clock_still_ends_at_its_time_limit():
    # A deadline read from a frozen clock never arrives; the solver must use the OS clock instead.
    started = time.perf_counter()
    finished = subprocess.run(
        [sys.executable, "-c", SOLVE_UNDER_FROZEN_TIME], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert finished.returncode == 0, finished.stderr
    assert finished.stdout.strip() == "12"
    assert time.perf_counter() - started < 120
