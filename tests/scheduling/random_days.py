"""Random small days for property tests: whatever the planner is given, its plan must pass the checker."""

from __future__ import annotations

import math

from hypothesis import strategies as st

SKILLS = ("ac_install", "washer_repair", "tv_mount")
HOUR = 3600


@st.composite
def problems(draw) -> dict:
    """2-4 technicians, 5-15 visits; skills, windows, lunch, pins, limits; a matrix or Shanghai lat/lon."""
    n_tech, n_visits = draw(st.integers(2, 4)), draw(st.integers(5, 15))
    n_places = n_tech + n_visits
    use_matrix = draw(st.booleans())
    coords = draw(st.lists(st.tuples(st.floats(0, 1), st.floats(0, 1)), min_size=n_places, max_size=n_places))
    if use_matrix:
        locations = [{"id": f"L{i}"} for i in range(n_places)]
        # points on a 8 km square; 30 km/h -> 120 s per km; distances a bit longer than straight lines
        km = [[math.dist(a, b) * 8 for b in coords] for a in coords]
        matrix = {
            "durations_s": [[round(d * 120) for d in row] for row in km],
            "distances_m": [[round(d * 1300) for d in row] for row in km],
        }
    else:
        locations = [
            {"id": f"L{i}", "lat": 31.15 + 0.1 * y, "lon": 121.35 + 0.1 * x} for i, (x, y) in enumerate(coords)
        ]
        matrix = None
    technicians = []
    for i in range(n_tech):
        start = draw(st.sampled_from([28800, 30600, 32400]))
        lunch = draw(st.sampled_from([None, 1800, 2700]))
        technicians.append(
            {
                "id": f"t{i}",
                "start": f"L{i}",
                "end": draw(st.sampled_from([f"L{i}", f"L{(i + 1) % n_tech}"])),
                "skills": sorted(draw(st.sets(st.sampled_from(SKILLS)))),
                "shift": [start, start + draw(st.sampled_from([6, 8, 9])) * HOUR],
                "breaks": [{"window": [41400, 48600], "duration_s": lunch}] if lunch else [],
                "max_visits": draw(st.one_of(st.none(), st.integers(1, 6))),
                "capacity": draw(st.one_of(st.none(), st.integers(3, 15))),
            }
        )
    visits = []
    for j in range(n_visits):
        slots = draw(st.lists(st.integers(8, 17), max_size=2, unique=True))
        length = draw(st.sampled_from([1, 2, 3]))
        pinned = None
        if draw(st.integers(0, 9)) == 0:
            pinned = {
                "technician": f"t{draw(st.integers(0, n_tech - 1))}",
                "sequence": draw(st.one_of(st.none(), st.integers(1, 3))),
            }
        visits.append(
            {
                "id": f"v{j}",
                "location": f"L{n_tech + j}",
                "duration_s": draw(st.sampled_from([900, 1800, 3600, 5400])),
                "skills": sorted(draw(st.sets(st.sampled_from(SKILLS), max_size=1))),
                "windows": sorted([[h * HOUR, (h + length) * HOUR] for h in slots]),
                "priority": draw(st.integers(1, 5)),
                "demand": draw(st.integers(0, 4)),
                "pinned": pinned,
                "must_serve": draw(st.integers(0, 4)) == 0,
                "overdue_s": draw(st.sampled_from([0, 0, 86400])),
            }
        )
    problem = {
        "date": "2026-11-23",
        "locations": locations,
        "technicians": technicians,
        "visits": visits,
        "travel": {"speed_kmh": 30, "detour_factor": 1.3},
        "options": {
            "objective": draw(st.sampled_from(["travel_time", "distance"])),
            "time_limit_s": 1,
            "balance": draw(st.booleans()),
        },
    }
    if matrix:
        problem["matrix"] = matrix
    return problem
