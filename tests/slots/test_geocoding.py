"""Addresses get coordinates: from the configured geopy geocoder, else the offline district centres (approximate)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from geopy.exc import GeocoderTimedOut
from sqlalchemy import func, select

from common.db import db
from dispatch import gazetteer
from dispatch.models import TimelineEvent
from tests import factories
from tests.slots.conftest import technician


@dataclass
class FakeLocation:
    latitude: float
    longitude: float


class FakeGeocoder:
    """Answers like a geopy geocoder, from a table; records what it was asked."""

    def __init__(self, answers: dict[str, tuple[float, float]] | None = None, error: Exception | None = None):
        self.answers, self.error, self.calls = answers or {}, error, []

    def geocode(self, query, timeout=None):
        self.calls.append((query, timeout))
        if self.error is not None:
            raise self.error
        found = self.answers.get(query)
        return FakeLocation(*found) if found else None


@pytest.fixture
def geocoder(app):
    """Install a fake geocoder for one test (and forget the cache of earlier tests)."""
    installed = []

    def _install(fake):
        app.config.update(GEOCODER=fake, GEOCODER_TIMEOUT_S=2)
        app.extensions.pop("geocoder_cache", None)
        installed.append(fake)
        return fake

    yield _install
    app.config.pop("GEOCODER", None)
    app.extensions.pop("geocoder_cache", None)


def register(cs, address: str, **customer):
    body = factories.ticket_payload(
        customer={"name": "李娜", "phone": "13912345678", "address": address, **customer}, region="shanghai"
    )
    return cs.post("/api/v1/tickets", json=body)


def test_without_a_geocoder_the_address_is_placed_at_its_district_centre_and_says_approximate(cs):
    response = register(cs, "上海市徐汇区漕溪北路88号")

    assert response.status_code == 201, response.json
    customer = response.json["customer"]
    xuhui = next(p for p in gazetteer.districts() if p.name == "徐汇区")
    assert (customer["lat"], customer["lon"]) == (xuhui.lat, xuhui.lon)
    assert customer["approximate"] is True and customer["location_precision"] == "district"
    assert customer["district"] == "徐汇区"
    listed = cs.get("/api/v1/tickets").json[0]["customer"]
    assert listed["lat"] == xuhui.lat and listed["approximate"] is True


def test_the_configured_geocoder_is_used_with_its_timeout_and_asked_once_per_address(cs, geocoder):
    fake = geocoder(FakeGeocoder({"上海市闵行区七莘路1号": (31.1201, 121.3702)}))

    first = register(cs, "闵行区七莘路1号").json["customer"]
    second = register(cs, "闵行区七莘路1号", name="李娜的先生").json["customer"]

    assert (first["lat"], first["lon"]) == (31.1201, 121.3702)
    assert first["approximate"] is False and first["location_precision"] == "address"
    assert first["district"] == "闵行区" and second["lat"] == 31.1201
    assert fake.calls == [("上海市闵行区七莘路1号", 2)]


def test_a_geocoder_that_times_out_falls_back_to_the_district_centre(cs, geocoder):
    geocoder(FakeGeocoder(error=GeocoderTimedOut("no answer in 2 s")))
    customer = register(cs, "上海市浦东新区世纪大道100号").json["customer"]
    assert customer["location_precision"] == "district" and customer["district"] == "浦东新区"


def test_an_address_naming_no_district_still_gets_offers_from_the_city_centre(cs):
    technician("Wang Lei")
    ticket = register(cs, "人民大道200号").json
    assert ticket["customer"]["location_precision"] == "city" and ticket["customer"]["approximate"] is True

    offers = cs.get(f"/api/v1/visits/{ticket['visits'][0]['id']}/slots?days=1")

    assert offers.status_code == 200 and offers.json["offers"]


def test_correcting_the_address_locates_it_again_and_writes_the_timeline(cs):
    ticket = register(cs, "上海市徐汇区漕溪北路88号").json
    response = cs.patch(
        f"/api/v1/tickets/{ticket['id']}/customer", json={"address": "上海市杨浦区黄兴路1号", "phone": "021-65431234"}
    )

    assert response.status_code == 200, response.json
    customer = response.json["customer"]
    assert customer["district"] == "杨浦区" and customer["phone"] == "021-65431234"
    yangpu = next(p for p in gazetteer.districts() if p.name == "杨浦区")
    assert (customer["lat"], customer["lon"]) == (yangpu.lat, yangpu.lon)
    timeline = cs.get(f"/api/v1/tickets/{ticket['id']}").json["timeline"]
    assert timeline[-1]["action"] == "customer_updated" and timeline[-1]["detail"]["district"] == "杨浦区"


def test_a_bad_correction_names_the_field_and_changes_nothing(cs):
    ticket = register(cs, "上海市徐汇区漕溪北路88号").json
    count = db.session.scalar(select(func.count()).select_from(TimelineEvent))

    bad_phone = cs.patch(f"/api/v1/tickets/{ticket['id']}/customer", json={"phone": "abc"})
    nothing = cs.patch(f"/api/v1/tickets/{ticket['id']}/customer", json={})

    assert bad_phone.status_code == 422 and "phone" in bad_phone.json["errors"]["json"]
    assert nothing.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(TimelineEvent)) == count
    assert cs.get(f"/api/v1/tickets/{ticket['id']}").json["customer"]["phone"] == "13912345678"
