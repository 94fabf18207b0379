"""The offline gazetteer: which Shanghai district an address names, and that district's centre.

Pure (no Flask, no database): the table ships with the app in dispatch/data/shanghai_districts.csv, so
an address is placed even with no network and no geocoding service. A place found here is approximate.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

TABLE = Path(__file__).resolve().parent / "data" / "shanghai_districts.csv"
CITY_CODE = "310100"


@dataclass(frozen=True)
class Place:
    """A district (or the whole city) and its centre."""

    code: str
    name: str  # as the address writes it, e.g. 浦东新区
    lat: float
    lon: float

    @property
    def is_city(self) -> bool:
        return self.code == CITY_CODE


@lru_cache(maxsize=1)
def _table() -> tuple[tuple[Place, tuple[str, ...]], ...]:
    with TABLE.open(encoding="utf-8") as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        return tuple(
            (
                Place(r["adcode"], r["name"], float(r["lat"]), float(r["lon"])),
                (r["name"], r["short"], r["pinyin"].lower()),
            )
            for r in rows
        )


def districts() -> list[Place]:
    """Every district of the table (the city row left out)."""
    return [place for place, _ in _table() if not place.is_city]


def city() -> Place:
    """The city centre: where an address naming no district is placed."""
    return next(place for place, _ in _table() if place.is_city)


def find_district(address: str) -> Place | None:
    """The district an address names, by full name (浦东新区), short name (浦东) or pinyin (Pudong).

    Full names are looked for first, so a road named after another district (宝山路 in 静安区) does not
    decide; among short names the one written first wins, as addresses go from large to small.
    """
    text = address.lower()
    for form in (0, 1, 2):
        found = [
            (text.find(names[form].lower()), place)
            for place, names in _table()
            if not place.is_city and names[form].lower() in text
        ]
        if found:
            return min(found, key=lambda hit: hit[0])[1]
    return None
