"""Travel times and distances from coordinates: vectorised haversine times a detour factor, rounded up."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from geopy.distance import EARTH_RADIUS  # km; the checker uses the same sphere

from scheduling.core.problem import Location, Matrix

METRES_PER_KM = 1000.0
KMH_PER_M_PER_S = 3.6  # 1 m/s = 3.6 km/h


def great_circle_m(lats: npt.ArrayLike, lons: npt.ArrayLike) -> np.ndarray:
    """Great-circle distances in metres between every pair of points (haversine formula)."""
    lat = np.radians(np.asarray(lats, dtype=float))
    lon = np.radians(np.asarray(lons, dtype=float))
    dlat = lat[:, None] - lat[None, :]
    dlon = lon[:, None] - lon[None, :]
    a = np.sin(dlat / 2) ** 2 + np.cos(lat)[:, None] * np.cos(lat)[None, :] * np.sin(dlon / 2) ** 2
    return 2 * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0))) * EARTH_RADIUS * METRES_PER_KM


def build_matrix(locations: Sequence[Location], *, speed_kmh: float, detour_factor: float) -> Matrix:
    """Road distance = great circle x detour factor; time at `speed_kmh`; both rounded up, never down."""
    lats, lons = _coordinates(locations)
    road_m = great_circle_m(lats, lons) * detour_factor
    np.fill_diagonal(road_m, 0.0)
    distances = np.ceil(road_m).astype(np.int64)
    durations = np.ceil(road_m / (speed_kmh / KMH_PER_M_PER_S)).astype(np.int64)
    return Matrix(
        durations_s=tuple(map(tuple, durations.tolist())),
        distances_m=tuple(map(tuple, distances.tolist())),
    )


def _coordinates(locations: Sequence[Location]) -> tuple[list[float], list[float]]:
    """Every location's latitude and longitude; a place without them has no travel time to compute."""
    lats, lons = [], []
    for loc in locations:
        if loc.lat is None or loc.lon is None:
            # parse_problem asks for a matrix instead; a missing coordinate would become NaN and a nonsense time
            raise ValueError(f"location {loc.id!r} has no coordinates")
        lats.append(loc.lat)
        lons.append(loc.lon)
    return lats, lons
