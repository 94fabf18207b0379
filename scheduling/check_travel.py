"""Travel as the plan checker recomputes it: the problem's matrix, or great-circle distance from lat/lon.

Part of the independent checker (`scheduling.check`): it imports nothing from `scheduling.core`, so the
solver's own travel model is checked against a second one written apart from it.
"""

from __future__ import annotations

import math
from typing import Any

EARTH_RADIUS_KM = 6371.009  # geopy.distance.EARTH_RADIUS (mean radius): the sphere the planner's travel model uses too
DEFAULT_SPEED_KMH = 30.0
DEFAULT_DETOUR_FACTOR = 1.3
# Travel from lat/lon is float maths rounded up; the solver may use another formula (e.g. atan2 instead
# of asin), so ceil() may land one unit apart per leg. Matrix travel is compared exactly.
GEO_TOLERANCE = 1


class Travel:
    """Leg durations and distances between location ids: the matrix when given, else great-circle distance."""

    def __init__(self, problem: dict):
        self.locations = list(problem.get("locations") or [])
        self.index = {loc.get("id"): i for i, loc in enumerate(self.locations)}
        matrix = problem.get("matrix") or None
        self.durations = matrix.get("durations_s") if matrix else None
        self.distances = matrix.get("distances_m") if matrix else None
        travel = problem.get("travel") or {}
        self.speed_ms = float(travel.get("speed_kmh") or DEFAULT_SPEED_KMH) / 3.6
        self.detour = float(travel.get("detour_factor") or DEFAULT_DETOUR_FACTOR)
        self.tolerance = 0 if matrix else GEO_TOLERANCE
        self.source = "matrix" if matrix else "lat/lon"
        self._legs: dict[tuple[str, str], tuple[int, int]] = {}

    def knows(self, location: Any) -> bool:
        return location is None or location in self.index

    def leg(self, origin: str | None, destination: str | None) -> tuple[int, int]:
        """(duration_s, distance_m) from origin to destination; (0, 0) when either end is open (None)."""
        if origin is None or destination is None:
            return 0, 0
        key = (origin, destination)
        if key not in self._legs:
            i, j = self.index[origin], self.index[destination]
            if self.durations is not None and self.distances is not None:
                self._legs[key] = (int(self.durations[i][j]), int(self.distances[i][j]))
            elif i == j:
                self._legs[key] = (0, 0)
            else:
                road_m = _haversine_m(self.locations[i], self.locations[j]) * self.detour
                self._legs[key] = (math.ceil(road_m / self.speed_ms), math.ceil(road_m))
        return self._legs[key]


def _haversine_m(a: dict, b: dict) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (a["lat"], a["lon"], b["lat"], b["lon"]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * 1000 * math.asin(min(1.0, math.sqrt(h)))


def route_legs(problem: dict, plan_route: dict, travel: Travel | None = None) -> list[tuple[int, int]]:
    """(duration_s, distance_m) of every leg of a route: start -> each stop -> end; [] for an empty route."""
    travel = travel or Travel(problem)
    technician = by_id(problem.get("technicians"))[plan_route["technician"]]
    visits = by_id(problem.get("visits"))
    places = [visits[stop["visit"]]["location"] for stop in plan_route.get("stops") or []]
    if not places:
        return []
    places = [technician.get("start")] + places + [technician.get("end")]
    return [travel.leg(a, b) for a, b in zip(places, places[1:])]


def route_distance_m(problem: dict, plan_route: dict) -> int:
    """Recomputed road distance of a route in metres (start -> stops -> end; 0 for an empty route)."""
    return sum(distance for _, distance in route_legs(problem, plan_route))


def by_id(items: Any) -> dict:
    """The problem's technicians or visits by their id."""
    return {item["id"]: item for item in items or []}
