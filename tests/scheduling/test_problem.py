"""problem.json validation: every mistake is reported at once, naming its place and what to fix."""

from __future__ import annotations

import pytest

from scheduling.core import ProblemError, parse_problem


def problem(**overrides) -> dict:
    """A valid two-location, one-technician, one-visit day; override any top-level key."""
    data = {
        "date": "2026-11-23",
        "locations": [{"id": "L0", "lat": 31.23, "lon": 121.47}, {"id": "L1", "lat": 31.25, "lon": 121.49}],
        "technicians": [
            {
                "id": "t1",
                "start": "L0",
                "end": "L0",
                "skills": ["ac_install"],
                "shift": [30600, 64800],
                "breaks": [{"window": [41400, 48600], "duration_s": 2700}],
                "max_visits": 8,
                "capacity": None,
            }
        ],
        "visits": [
            {"id": "v1", "location": "L1", "duration_s": 3600, "skills": ["ac_install"], "windows": [[32400, 39600]]}
        ],
    }
    data.update(overrides)
    return data


def errors_of(data: dict) -> list[str]:
    with pytest.raises(ProblemError) as info:
        parse_problem(data)
    return info.value.errors


def test_a_valid_problem_gets_its_defaults():
    parsed = parse_problem(problem())
    visit = parsed.visits[0]
    assert (visit.priority, visit.demand, visit.pinned, visit.must_serve, visit.overdue_s) == (3, 0, None, False, 0)
    assert (parsed.travel.speed_kmh, parsed.travel.detour_factor) == (30.0, 1.3)
    assert (parsed.options.objective, parsed.options.balance) == ("travel_time", True)
    assert parsed.technicians[0].capacity is None
    assert parsed.matrix.durations_s[0][0] == 0 and parsed.matrix.durations_s[0][1] > 0


def test_unknown_location_is_named_with_its_place():
    data = problem()
    data["visits"][0]["location"] = "L99"
    assert errors_of(data) == ["visits[0].location 'L99' is not a known location id"]


def test_window_that_ends_before_it_starts_is_refused():
    data = problem()
    data["visits"][0]["windows"] = [[32400, 39600], [36000, 32000]]
    assert errors_of(data) == ["visits[0].windows[1] ends (32000) before it starts (36000)"]


def test_matrix_must_have_one_row_per_location():
    data = problem(matrix={"durations_s": [[0, 1], [1, 0], [2, 2]], "distances_m": [[0, 5], [5, 0]]})
    assert errors_of(data) == ["matrix.durations_s has 3 rows; expected 2 (one per location)"]


def test_matrix_rows_must_be_whole_numbers_per_location():
    data = problem(matrix={"durations_s": [[0, 1], [1]], "distances_m": [[0, -5], [5, 0]]})
    assert errors_of(data) == [
        "matrix.durations_s[1] has 1 values; expected 2 (one per location)",
        "matrix.distances_m[0] must hold whole numbers >= 0; found -5",
    ]


def test_negative_duration_is_refused():
    data = problem()
    data["visits"][0]["duration_s"] = -1
    assert errors_of(data) == ["visits[0].duration_s must be >= 0, not -1"]


def test_duplicate_ids_are_refused():
    data = problem()
    data["visits"].append(dict(data["visits"][0]))
    data["locations"].append({"id": "L0", "lat": 31.0, "lon": 121.0})
    assert errors_of(data) == ["locations[2].id 'L0' is used twice", "visits[1].id 'v1' is used twice"]


def test_pin_to_an_unknown_technician_is_refused():
    data = problem()
    data["visits"][0]["pinned"] = {"technician": "t9", "sequence": 1}
    assert errors_of(data) == ["visits[0].pinned.technician 't9' is not a known technician id"]


def test_all_mistakes_are_reported_together():
    data = problem(options={"objective": "fastest"})
    data["visits"][0]["priority"] = 7
    data["technicians"][0]["shift"] = [64800, 30600]
    errors = errors_of(data)
    assert errors == [
        "technicians[0].shift ends (30600) before it starts (64800)",
        "visits[0].priority must be 1 (can wait) to 5 (most urgent), not 7",
        "options.objective must be one of travel_time, distance, not 'fastest'",
    ]
    assert str(ProblemError(errors)) == "; ".join(errors)


def test_break_must_fit_its_window_and_the_shift():
    data = problem()
    data["technicians"][0]["breaks"] = [
        {"window": [41400, 42000], "duration_s": 2700},
        {"window": [20000, 30000], "duration_s": 600},
    ]
    assert errors_of(data) == [
        "technicians[0].breaks[0]: a 2700 s break does not fit in its window [41400, 42000]",
        "technicians[0].breaks[1].window [20000, 30000] must lie within the shift [30600, 64800]",
    ]


def test_coordinates_are_needed_without_a_matrix():
    data = problem(locations=[{"id": "L0"}, {"id": "L1", "lat": 31.25, "lon": 121.49}])
    assert errors_of(data) == ["locations[0] needs lat and lon (or give a matrix)"]


def test_a_matrix_wins_over_coordinates():
    matrix = {"durations_s": [[0, 700], [800, 0]], "distances_m": [[0, 5000], [6000, 0]]}
    parsed = parse_problem(problem(matrix=matrix))
    assert parsed.duration_s("L1", "L0") == 800 and parsed.distance_m("L0", "L1") == 5000


def test_a_visit_nobody_can_do_is_not_a_validation_error():
    data = problem()
    data["visits"][0]["skills"] = ["gas_heater"]
    assert parse_problem(data).visits[0].skills == frozenset({"gas_heater"})
