"""Finding coordinates for an address: the configured geopy geocoder, else the offline gazetteer.

Config: GEOCODER is a geopy geocoder object, or its dotted class path ("geopy.geocoders:Baidu") built with
GEOCODER_OPTIONS (a dict) plus the API key from the environment variable GEOCODER_API_KEY; GEOCODER_TIMEOUT_S
bounds each call (default 3 s); GEOCODER_QUERY_PREFIX ("上海市" by default) is put before an address that
does not start with it. Answers are cached per process (GEOCODER_CACHE_SIZE addresses), failures are not, so a
service that comes back is used again. With no geocoder, or when it fails or finds nothing, the gazetteer
places the address at its district's centre (or the city centre) and the place is marked approximate.
"""

from __future__ import annotations

import importlib
import logging
import os
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from flask import current_app

from dispatch import gazetteer
from dispatch.enums import APPROXIMATE_PRECISIONS, LocationPrecision

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT_S = 3
DEFAULT_CACHE_SIZE = 2000
DEFAULT_QUERY_PREFIX = "上海市"


@dataclass(frozen=True)
class Location:
    """Where an address is, how exactly, and the district it lies in (when known)."""

    lat: float
    lon: float
    precision: LocationPrecision
    district: str | None

    @property
    def approximate(self) -> bool:
        return self.precision.value in APPROXIMATE_PRECISIONS


def locate_address(address: str) -> Location:
    """Coordinates for `address`: the geocoding service's when it answers, else the district's (or city's) centre."""
    district = gazetteer.find_district(address)
    found = _geocode(address)
    if found is not None:
        return Location(found[0], found[1], LocationPrecision.ADDRESS, district.name if district else None)
    if district is not None:
        return Location(district.lat, district.lon, LocationPrecision.DISTRICT, district.name)
    city = gazetteer.city()
    return Location(city.lat, city.lon, LocationPrecision.CITY, None)


def _geocode(address: str) -> tuple[float, float] | None:
    geocoder = _geocoder()
    if geocoder is None:
        return None
    config = current_app.config
    prefix = config.get("GEOCODER_QUERY_PREFIX", DEFAULT_QUERY_PREFIX)
    query = address if not prefix or address.startswith(prefix) else prefix + address
    cache = _cache()
    if query in cache:
        cache.move_to_end(query)
        return cache[query]
    try:
        answer = geocoder.geocode(query, timeout=config.get("GEOCODER_TIMEOUT_S", DEFAULT_TIMEOUT_S))
    except Exception as error:
        log.warning("geocoding %r failed (%s: %s); using the district centre", query, type(error).__name__, error)
        return None
    result = (float(answer.latitude), float(answer.longitude)) if answer is not None else None
    cache[query] = result
    while len(cache) > config.get("GEOCODER_CACHE_SIZE", DEFAULT_CACHE_SIZE):
        cache.popitem(last=False)
    return result


def _geocoder() -> Any | None:
    """The configured geocoder object, built once per app from a dotted class path if need be."""
    configured = current_app.config.get("GEOCODER")
    if not configured:
        return None
    if not isinstance(configured, str):
        return configured
    state = current_app.extensions.setdefault("geocoder", {})
    if configured not in state:
        module_name, _, name = configured.partition(":") if ":" in configured else configured.rpartition(".")
        options = dict(current_app.config.get("GEOCODER_OPTIONS") or {})
        key = os.environ.get("GEOCODER_API_KEY")
        if key:
            options.setdefault("api_key", key)
        state[configured] = getattr(importlib.import_module(module_name), name)(**options)
    return state[configured]


def _cache() -> OrderedDict:
    return current_app.extensions.setdefault("geocoder_cache", OrderedDict())
