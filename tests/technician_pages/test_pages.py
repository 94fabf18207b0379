"""The technician's phone pages through the Flask test client: their day, their jobs only, phone privacy."""

from __future__ import annotations

import json
import re
from datetime import time, timedelta

import pytest

from technicians.service.route import local_today
from tests import factories
from tests.technician_pages.day import plan_visit


@pytest.fixture
def technician(app):
    return factories.make_user("technician")


def visit_ids_in(html: str) -> list[int]:
    return [int(v) for v in re.findall(r'<li class="stop card" data-visit-id="(\d+)"', html)]


def test_technician_sees_their_day_in_planned_order(technician, page_login):
    today = local_today()
    late = plan_visit(technician.technician, day=today, at=time(15))
    early = plan_visit(technician.technician, day=today, at=time(9))
    plan_visit(technician.technician, day=today + timedelta(days=1), at=time(9))
    plan_visit(factories.make_user("technician").technician, day=today, at=time(10))

    html = page_login(technician).get("/m/today").get_data(as_text=True)

    assert visit_ids_in(html) == [early.id, late.id]
    assert f'href="/m/visits/{early.id}"' in html
    assert "geo:31.239700,121.499800" in html


def test_root_sends_a_technician_to_today(technician, page_login):
    response = page_login(technician).get("/")

    assert response.status_code == 302
    assert response.headers["Location"].endswith("/m/today")


def test_another_technicians_job_page_is_not_found(technician, page_login):
    theirs = plan_visit(factories.make_user("technician").technician, day=local_today(), at=time(9))

    response = page_login(technician).get(f"/m/visits/{theirs.id}")

    assert response.status_code == 404
    assert theirs.ticket.customer.phone not in response.get_data(as_text=True)


def test_phone_shown_only_on_own_visits_of_today(technician, page_login):
    today_visit = plan_visit(technician.technician, day=local_today(), at=time(9))
    tomorrow_visit = plan_visit(technician.technician, day=local_today() + timedelta(days=1), at=time(9))
    client = page_login(technician)

    assert f'href="tel:{today_visit.ticket.customer.phone}"' in client.get(f"/m/visits/{today_visit.id}").get_data(
        as_text=True
    )
    assert f'href="tel:{today_visit.ticket.customer.phone}"' in client.get("/m/today").get_data(as_text=True)
    tomorrow = client.get(f"/m/visits/{tomorrow_visit.id}")
    assert tomorrow.status_code == 200
    assert "tel:" not in tomorrow.get_data(as_text=True)


def test_job_page_offers_the_next_step_only(technician, page_login):
    visit = plan_visit(technician.technician, day=local_today(), at=time(9), status="en_route")

    html = page_login(technician).get(f"/m/visits/{visit.id}").get_data(as_text=True)

    visible = re.findall(r'data-action="(\w+)" data-when="[\w ]+">', html)
    assert visible == ["arrived"]
    assert re.search(r'id="report-form" novalidate data-when="arrived" hidden', html)


def test_job_page_carries_the_catalogue_and_the_queue_settings(technician, page_login):
    factories.make_part("CAP-35UF", name="Capacitor 35uF")
    visit = plan_visit(technician.technician, day=local_today(), at=time(9))

    html = page_login(technician).get(f"/m/visits/{visit.id}").get_data(as_text=True)

    assert '<option value="CAP-35UF">Capacitor 35uF' in html
    config = json.loads(re.search(r'<script id="m-config" type="application/json">(.*?)</script>', html, re.S)[1])
    assert config["user_id"] == technician.id
    assert config["events_url"].replace("{id}", str(visit.id)) == f"/api/v1/visits/{visit.id}/events"
    assert config["max_photos"] == 6 and config["photo_types"] == ["image/jpeg", "image/png", "image/webp"]
    assert config["messages"]["moved"].startswith("This visit was moved to another technician")


def test_pages_are_for_technicians_only(page_login):
    response = page_login(factories.make_user("cs")).get("/m/today")

    assert response.status_code == 403


def test_logged_out_visitor_is_sent_to_the_login_page(client):
    response = client.get("/m/today")

    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_pages_speak_chinese_when_asked(technician, page_login):
    html = page_login(technician).get("/m/today?lang=zh_CN").get_data(as_text=True)

    assert '<html lang="zh-CN">' in html


def test_service_worker_is_served_from_the_mobile_scope_and_revalidated(client):
    response = client.get("/m/sw.js")

    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    assert b"caches.open" in response.data
