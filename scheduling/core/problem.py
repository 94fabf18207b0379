"""The problem a plan is made for, as frozen dataclasses (`parse.parse_problem` builds it from problem.json)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

OBJECTIVES = ("travel_time", "distance")
DEFAULT_SPEED_KMH = 30.0
DEFAULT_DETOUR_FACTOR = 1.3
DEFAULT_PRIORITY = 3
PRIORITIES = range(1, 6)  # 1 = can wait, 5 = most urgent


class ProblemError(ValueError):
    """problem.json is invalid; `errors` lists every problem found, each naming its place."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = list(errors)


@dataclass(frozen=True)
class Location:
    id: str
    lat: float | None = None
    lon: float | None = None


@dataclass(frozen=True)
class Matrix:
    """Travel between locations, indexed like `Problem.locations`."""

    durations_s: tuple[tuple[int, ...], ...]
    distances_m: tuple[tuple[int, ...], ...]


@dataclass(frozen=True)
class TravelSettings:
    speed_kmh: float = DEFAULT_SPEED_KMH
    detour_factor: float = DEFAULT_DETOUR_FACTOR


@dataclass(frozen=True)
class Break:
    window: tuple[int, int]
    duration_s: int


@dataclass(frozen=True)
class Technician:
    id: str
    start: str
    end: str
    shift: tuple[int, int]
    skills: frozenset[str] = frozenset()
    breaks: tuple[Break, ...] = ()
    max_visits: int | None = None
    capacity: int | None = None


@dataclass(frozen=True)
class Pin:
    technician: str
    sequence: int | None = None


@dataclass(frozen=True)
class Visit:
    id: str
    location: str
    duration_s: int
    skills: frozenset[str] = frozenset()
    windows: tuple[tuple[int, int], ...] = ()  # empty = any time in the shift
    priority: int = DEFAULT_PRIORITY
    demand: int = 0
    pinned: Pin | None = None
    must_serve: bool = False
    overdue_s: int = 0


@dataclass(frozen=True)
class Options:
    objective: str = "travel_time"
    time_limit_s: float | None = None
    balance: bool = True


@dataclass(frozen=True)
class Problem:
    """A day to plan; `matrix` is always filled (given, or computed from coordinates)."""

    locations: tuple[Location, ...]
    technicians: tuple[Technician, ...]
    visits: tuple[Visit, ...]
    matrix: Matrix = field(repr=False)
    travel: TravelSettings = TravelSettings()
    options: Options = Options()
    date: str | None = None
    location_index: Mapping[str, int] = field(default_factory=dict, repr=False, compare=False)

    def duration_s(self, from_location: str, to_location: str) -> int:
        """Travel time between two location ids."""
        return self.matrix.durations_s[self.location_index[from_location]][self.location_index[to_location]]

    def distance_m(self, from_location: str, to_location: str) -> int:
        """Road distance between two location ids."""
        return self.matrix.distances_m[self.location_index[from_location]][self.location_index[to_location]]

    def technician(self, technician_id: str) -> Technician:
        """The technician with this id."""
        return next(t for t in self.technicians if t.id == technician_id)
