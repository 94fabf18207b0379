"""Travel from coordinates: haversine on geopy's sphere, times the detour factor, rounded up."""

from __future__ import annotations

import math

import pytest
from geopy.distance import great_circle

from scheduling.core.problem import Location
from scheduling.core.travel import build_matrix, great_circle_m

SHANGHAI = [  # People's Square, Lujiazui, Hongqiao station, Songjiang, Pudong airport
    Location("square", 31.2304, 121.4737),
    Location("lujiazui", 31.2397, 121.4998),
    Location("hongqiao", 31.1940, 121.3200),
    Location("songjiang", 31.0320, 121.2270),
    Location("pvg", 31.1443, 121.8083),
]


def test_vectorised_haversine_matches_geopy_great_circle():
    lats = [loc.lat for loc in SHANGHAI]
    lons = [loc.lon for loc in SHANGHAI]
    ours = great_circle_m(lats, lons)
    for i, a in enumerate(SHANGHAI):
        for j, b in enumerate(SHANGHAI):
            expected = great_circle((a.lat, a.lon), (b.lat, b.lon)).meters
            assert math.isclose(ours[i][j], expected, abs_tol=1e-6)


def test_road_distance_and_time_round_up_with_detour_and_speed():
    matrix = build_matrix(SHANGHAI, speed_kmh=30, detour_factor=1.3)
    gc_m = great_circle((31.2304, 121.4737), (31.2397, 121.4998)).meters  # about 2.67 km
    road_m = gc_m * 1.3
    # 30 km/h = 8.333 m/s
    assert matrix.distances_m[0][1] == math.ceil(road_m)
    assert matrix.durations_s[0][1] == math.ceil(road_m / (30 / 3.6))
    assert 3400 < matrix.distances_m[0][1] < 3600 and 410 < matrix.durations_s[0][1] < 430


def test_diagonal_is_zero_and_matrix_is_symmetric():
    matrix = build_matrix(SHANGHAI, speed_kmh=25, detour_factor=1.4)
    n = len(SHANGHAI)
    assert all(matrix.durations_s[i][i] == 0 and matrix.distances_m[i][i] == 0 for i in range(n))
    assert all(matrix.distances_m[i][j] == matrix.distances_m[j][i] for i in range(n) for j in range(n))


def test_same_place_twice_costs_nothing():
    here = Location("a", 31.2304, 121.4737)
    matrix = build_matrix([here, Location("b", 31.2304, 121.4737)], speed_kmh=30, detour_factor=1.3)
    assert matrix.durations_s == ((0, 0), (0, 0))


def test_a_place_without_coordinates_has_no_travel_time_rather_than_a_made_up_one():
    with pytest.raises(ValueError, match="'nowhere' has no coordinates"):
        build_matrix([SHANGHAI[0], Location("nowhere")], speed_kmh=30, detour_factor=1.3)
