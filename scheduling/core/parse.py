"""`parse_problem`: validate problem.json and build the frozen Problem, listing every mistake at once."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Literal

from scheduling.core.problem import (
    DEFAULT_DETOUR_FACTOR,
    DEFAULT_PRIORITY,
    DEFAULT_SPEED_KMH,
    OBJECTIVES,
    PRIORITIES,
    Break,
    Location,
    Matrix,
    Options,
    Pin,
    Problem,
    ProblemError,
    Technician,
    TravelSettings,
    Visit,
)
from scheduling.core.travel import build_matrix


def parse_problem(data: Any) -> Problem:
    """Validate problem.json (as a dict) and build a Problem; raises ProblemError listing every mistake."""
    parser = _Parser()
    problem = parser.parse(data)
    if parser.errors:
        raise ProblemError(parser.errors)
    assert problem is not None
    return problem


class _Parser:
    """Collects every validation error instead of stopping at the first, so one round trip fixes them all."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def error(self, message: str) -> None:
        self.errors.append(message)

    # -- scalars -------------------------------------------------------------------------------

    def integer(self, value: Any, where: str, *, minimum: int | None = None) -> int | None:
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or (isinstance(value, float) and not value.is_integer())
        ):
            self.error(f"{where} must be a whole number, not {value!r}")
            return None
        value = int(value)
        if minimum is not None and value < minimum:
            self.error(f"{where} must be >= {minimum}, not {value}")
            return None
        return value

    def number(self, value: Any, where: str, *, positive: bool = False) -> float | None:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            self.error(f"{where} must be a number, not {value!r}")
            return None
        if positive and value <= 0:
            self.error(f"{where} must be > 0, not {value}")
            return None
        return float(value)

    def interval(self, value: Any, where: str) -> tuple[int, int] | None:
        if not isinstance(value, (list, tuple)) or len(value) != 2:
            self.error(f"{where} must be [start, end] in seconds from midnight, not {value!r}")
            return None
        start = self.integer(value[0], f"{where}[0]", minimum=0)
        end = self.integer(value[1], f"{where}[1]", minimum=0)
        if start is None or end is None:
            return None
        if end < start:
            self.error(f"{where} ends ({end}) before it starts ({start})")
            return None
        return start, end

    def skills(self, value: Any, where: str) -> frozenset[str]:
        if value is None:
            return frozenset()
        if not isinstance(value, (list, tuple)) or not all(isinstance(s, str) and s for s in value):
            self.error(f"{where} must be a list of skill names")
            return frozenset()
        return frozenset(value)

    def items(self, data: Mapping, key: str, *, required: bool = True) -> list:
        value = data.get(key)
        if value is None:
            if required:
                self.error(f"{key} is missing; expected a list")
            return []
        if not isinstance(value, list):
            self.error(f"{key} must be a list")
            return []
        return value

    def unique_id(self, item: Any, where: str, seen: set[str]) -> str | None:
        if not isinstance(item, Mapping):
            self.error(f"{where} must be an object")
            return None
        value = item.get("id")
        if not isinstance(value, str) or not value:
            self.error(f"{where}.id must be a non-empty string")
            return None
        if value in seen:
            self.error(f"{where}.id {value!r} is used twice")
            return None
        seen.add(value)
        return value

    # -- sections ------------------------------------------------------------------------------

    def parse(self, data: Any) -> Problem | None:
        if not isinstance(data, Mapping):
            self.error("the problem must be a JSON object")
            return None
        date = data.get("date")
        if date is not None and not isinstance(date, str):
            self.error("date must be a string like '2026-11-23'")
        has_matrix = data.get("matrix") is not None
        locations = self.locations(data, need_coordinates=not has_matrix)
        location_index = {loc.id: i for i, loc in enumerate(locations)}
        travel = self.travel(data.get("travel"))
        technicians = self.technicians(data, location_index)
        tech_ids = {t.id for t in technicians}
        visits = self.visits(data, location_index, tech_ids)
        options = self.options(data.get("options"))
        matrix = self.matrix(data["matrix"], len(locations)) if has_matrix else None
        if self.errors:
            return None
        if matrix is None:
            matrix = build_matrix(locations, speed_kmh=travel.speed_kmh, detour_factor=travel.detour_factor)
        return Problem(
            locations=tuple(locations),
            technicians=tuple(technicians),
            visits=tuple(visits),
            matrix=matrix,
            travel=travel,
            options=options,
            date=date,
            location_index=location_index,
        )

    def locations(self, data: Mapping, *, need_coordinates: bool) -> list[Location]:
        result: list[Location] = []
        seen: set[str] = set()
        items = self.items(data, "locations")
        if not items and "locations" in data:
            self.error("locations is empty; give at least the technicians' start places")
        for i, item in enumerate(items):
            where = f"locations[{i}]"
            loc_id = self.unique_id(item, where, seen)
            if loc_id is None:
                continue
            lat, lon = item.get("lat"), item.get("lon")
            if lat is None or lon is None:
                if need_coordinates:
                    self.error(f"{where} needs lat and lon (or give a matrix)")
                result.append(Location(loc_id))
                continue
            lat = self.number(lat, f"{where}.lat")
            lon = self.number(lon, f"{where}.lon")
            if lat is not None and not -90 <= lat <= 90:
                self.error(f"{where}.lat must be between -90 and 90, not {lat}")
            if lon is not None and not -180 <= lon <= 180:
                self.error(f"{where}.lon must be between -180 and 180, not {lon}")
            result.append(Location(loc_id, lat, lon))
        return result

    def matrix(self, data: Any, size: int) -> Matrix | None:
        if not isinstance(data, Mapping):
            self.error("matrix must be an object with durations_s and distances_m")
            return None
        tables: list[tuple[tuple[int, ...], ...] | None] = []
        for key in ("durations_s", "distances_m"):
            rows = data.get(key)
            where = f"matrix.{key}"
            if not isinstance(rows, list):
                self.error(f"{where} is missing; expected {size} rows of {size} whole numbers")
                tables.append(None)
                continue
            if len(rows) != size:
                self.error(f"{where} has {len(rows)} rows; expected {size} (one per location)")
                tables.append(None)
                continue
            table = []
            for i, row in enumerate(rows):
                if not isinstance(row, list) or len(row) != size:
                    count = len(row) if isinstance(row, list) else "no"
                    self.error(f"{where}[{i}] has {count} values; expected {size} (one per location)")
                    continue
                if any(isinstance(v, bool) or not isinstance(v, int) or v < 0 for v in row):
                    bad = next(v for v in row if isinstance(v, bool) or not isinstance(v, int) or v < 0)
                    self.error(f"{where}[{i}] must hold whole numbers >= 0; found {bad!r}")
                    continue
                table.append(tuple(row))
            tables.append(tuple(table) if len(table) == size else None)
        if tables[0] is None or tables[1] is None:
            return None
        return Matrix(durations_s=tables[0], distances_m=tables[1])

    def travel(self, data: Any) -> TravelSettings:
        if data is None:
            return TravelSettings()
        if not isinstance(data, Mapping):
            self.error("travel must be an object like {'speed_kmh': 30, 'detour_factor': 1.3}")
            return TravelSettings()
        speed = self.number(data.get("speed_kmh", DEFAULT_SPEED_KMH), "travel.speed_kmh", positive=True)
        detour = self.number(data.get("detour_factor", DEFAULT_DETOUR_FACTOR), "travel.detour_factor", positive=True)
        return TravelSettings(speed or DEFAULT_SPEED_KMH, detour or DEFAULT_DETOUR_FACTOR)

    def known_location(self, value: Any, where: str, location_index: Mapping[str, int]) -> str | None:
        if value not in location_index:
            self.error(f"{where} {value!r} is not a known location id")
            return None
        return value

    def technicians(self, data: Mapping, location_index: Mapping[str, int]) -> list[Technician]:
        result: list[Technician] = []
        seen: set[str] = set()
        for i, item in enumerate(self.items(data, "technicians")):
            where = f"technicians[{i}]"
            tech_id = self.unique_id(item, where, seen)
            if tech_id is None:
                continue
            start = self.known_location(item.get("start"), f"{where}.start", location_index)
            end = self.known_location(item.get("end", item.get("start")), f"{where}.end", location_index)
            shift = self.interval(item.get("shift"), f"{where}.shift")
            breaks = []
            raw_breaks = item.get("breaks") or []
            if not isinstance(raw_breaks, list):
                self.error(f"{where}.breaks must be a list")
                raw_breaks = []
            for j, raw in enumerate(raw_breaks):
                brk = self.brk(raw, f"{where}.breaks[{j}]", shift)
                if brk is not None:
                    breaks.append(brk)
            max_visits = item.get("max_visits")
            if max_visits is not None:
                max_visits = self.integer(max_visits, f"{where}.max_visits", minimum=0)
            capacity = item.get("capacity")
            if capacity is not None:
                capacity = self.integer(capacity, f"{where}.capacity", minimum=0)
            skills = self.skills(item.get("skills"), f"{where}.skills")
            if start is None or end is None or shift is None:
                continue
            result.append(Technician(tech_id, start, end, shift, skills, tuple(breaks), max_visits, capacity))
        return result

    def brk(self, raw: Any, where: str, shift: tuple[int, int] | None) -> Break | None:
        if not isinstance(raw, Mapping):
            self.error(f"{where} must be an object like {{'window': [41400, 48600], 'duration_s': 2700}}")
            return None
        window = self.interval(raw.get("window"), f"{where}.window")
        duration = self.integer(raw.get("duration_s"), f"{where}.duration_s", minimum=0)
        if window is None or duration is None:
            return None
        if window[1] - window[0] < duration:
            self.error(f"{where}: a {duration} s break does not fit in its window {list(window)}")
            return None
        if shift is not None and (window[0] < shift[0] or window[1] > shift[1]):
            self.error(f"{where}.window {list(window)} must lie within the shift {list(shift)}")
            return None
        return Break(window, duration)

    def visits(self, data: Mapping, location_index: Mapping[str, int], tech_ids: set[str]) -> list[Visit]:
        result: list[Visit] = []
        seen: set[str] = set()
        for i, item in enumerate(self.items(data, "visits")):
            where = f"visits[{i}]"
            visit_id = self.unique_id(item, where, seen)
            if visit_id is None:
                continue
            location = self.known_location(item.get("location"), f"{where}.location", location_index)
            duration = self.integer(item.get("duration_s"), f"{where}.duration_s", minimum=0)
            windows = []
            raw_windows = item.get("windows") or []
            if not isinstance(raw_windows, list):
                self.error(f"{where}.windows must be a list of [start, end]")
                raw_windows = []
            for j, raw in enumerate(raw_windows):
                window = self.interval(raw, f"{where}.windows[{j}]")
                if window is not None:
                    windows.append(window)
            priority = self.integer(item.get("priority", DEFAULT_PRIORITY), f"{where}.priority")
            if priority is not None and priority not in PRIORITIES:
                self.error(f"{where}.priority must be 1 (can wait) to 5 (most urgent), not {priority}")
                priority = None
            demand = self.integer(item.get("demand", 0), f"{where}.demand", minimum=0)
            overdue = self.integer(item.get("overdue_s", 0) or 0, f"{where}.overdue_s", minimum=0)
            must_serve = item.get("must_serve", False)
            if not isinstance(must_serve, bool):
                self.error(f"{where}.must_serve must be true or false")
            pinned = self.pin(item.get("pinned"), f"{where}.pinned", tech_ids)
            skills = self.skills(item.get("skills"), f"{where}.skills")
            if location is None or duration is None or priority is None or demand is None or overdue is None:
                continue  # each one's error is listed
            if pinned is False:
                continue
            result.append(
                Visit(
                    visit_id,
                    location,
                    duration,
                    skills,
                    tuple(sorted(windows)),
                    priority,
                    demand,
                    pinned,
                    bool(must_serve),
                    overdue,
                )
            )
        return result

    def pin(self, raw: Any, where: str, tech_ids: set[str]) -> Pin | None | Literal[False]:
        """The visit's pin; None when it has none; False when the pin given is wrong (its error is listed)."""
        if raw is None:
            return None
        if not isinstance(raw, Mapping):
            self.error(f"{where} must be null or {{'technician': id, 'sequence': n}}")
            return False
        technician = raw.get("technician")
        if technician not in tech_ids:
            self.error(f"{where}.technician {technician!r} is not a known technician id")
            return False
        sequence = raw.get("sequence")
        if sequence is not None:
            sequence = self.integer(sequence, f"{where}.sequence")
            if sequence is None:
                return False
        return Pin(technician, sequence)

    def options(self, data: Any) -> Options:
        if data is None:
            return Options()
        if not isinstance(data, Mapping):
            self.error("options must be an object")
            return Options()
        objective = data.get("objective", "travel_time")
        if objective not in OBJECTIVES:
            self.error(f"options.objective must be one of {', '.join(OBJECTIVES)}, not {objective!r}")
            objective = "travel_time"
        time_limit = data.get("time_limit_s")
        if time_limit is not None:
            time_limit = self.number(time_limit, "options.time_limit_s", positive=True)
        balance = data.get("balance", True)
        if not isinstance(balance, bool):
            self.error("options.balance must be true or false")
            balance = True
        return Options(objective, time_limit, balance)
