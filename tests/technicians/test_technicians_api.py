"""Technicians, skills and parts through the API: who may do what, and what input is refused."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from common.db import db
from common.models import Role, User
from technicians.models import Technician
from tests import factories


def technician_body(**overrides) -> dict:
    body = {
        "name": "李强",
        "phone": "13900001234",
        "region": "shanghai",
        "home_address": "上海市徐汇区漕溪北路1号",
        "home_lat": 31.19,
        "home_lon": 121.43,
        "shift_start": "08:30",
        "shift_end": "18:00",
        "break_start": "11:30",
        "break_end": "13:30",
        "break_duration_min": 45,
        "working_days": [1, 2, 3, 4, 5],
        "service_districts": ["xuhui", "minhang"],
        "max_visits_per_day": 7,
        "skills": ["ac_install"],
    }
    body.update(overrides)
    return body


@pytest.fixture
def skills(app):
    return [factories.make_skill("ac_install"), factories.make_skill("washer_repair")]


def test_dispatcher_registers_technician_with_login_that_can_get_a_token(dispatcher, client, skills):
    response = dispatcher.post(
        "/api/v1/technicians",
        json=technician_body(skills=["washer_repair", "ac_install"], username="liqiang", password="long-enough-1"),
    )
    assert response.status_code == 201, response.json
    created = response.json
    assert created["shift_start"] == "08:30" and created["break_end"] == "13:30"
    assert created["skills"] == ["ac_install", "washer_repair"]
    assert created["username"] == "liqiang" and "password" not in created
    user = db.session.scalar(select(User).where(User.username == "liqiang"))
    assert user.role is Role.TECHNICIAN and user.technician.id == created["id"]
    token = client.post("/api/v1/auth/token", json={"username": "liqiang", "password": "long-enough-1"})
    assert token.status_code == 200 and token.json["technician_id"] == created["id"]


def test_manager_and_admin_may_register_technicians_but_cs_and_technicians_may_not(login_as, skills):
    for role, status in (("manager", 201), ("admin", 201), ("cs", 403), ("technician", 403)):
        response = login_as(role).post("/api/v1/technicians", json=technician_body())
        assert response.status_code == status, (role, response.json)


def test_anonymous_caller_is_told_to_log_in(client):
    response = client.get("/api/v1/technicians")
    assert response.status_code == 401 and "Bearer" in response.json["message"]


def test_unknown_skill_codes_are_refused_naming_each_of_them(dispatcher, skills):
    response = dispatcher.post(
        "/api/v1/technicians", json=technician_body(skills=["ac_install", "gas_heater", "solar"])
    )
    # The one error shape every client parses, pinned here.
    assert response.status_code == 422
    assert response.json == {
        "code": 422,
        "status": "Unprocessable Entity",
        "message": "Unknown skill codes: gas_heater, solar; add them with POST /api/v1/skills or fix the spelling.",
        "errors": {"json": {"skills": [response.json["message"]]}},
        "unknown": ["gas_heater", "solar"],
        "message_code": "unknown_skills",
    }
    assert db.session.scalar(select(Technician.id)) is None


@pytest.mark.parametrize(
    "overrides, field",
    [
        (dict(shift_start="18:00", shift_end="08:30"), "shift_end"),
        (dict(break_start="07:00"), "break_start"),
        (dict(break_start="12:00", break_end="12:30"), "break_duration_min"),
        (dict(working_days=[0, 8]), "working_days"),
    ],
    ids=["shift-ends-before-start", "break-outside-shift", "break-shorter-than-lunch", "weekday-out-of-range"],
)
def test_hours_that_do_not_fit_are_refused_naming_the_field(dispatcher, skills, overrides, field):
    response = dispatcher.post("/api/v1/technicians", json=technician_body(**overrides))
    assert response.status_code == 422
    assert field in response.json["errors"]["json"]


@pytest.mark.parametrize(
    "overrides, field",
    [
        (dict(shift_start="8:30"), "shift_start"),
        (dict(shift_start="25:00"), "shift_start"),
        (dict(shift_start=830), "shift_start"),
        (dict(home_lat="north"), "home_lat"),
        (dict(home_lat=91), "home_lat"),
        (dict(working_days="weekdays"), "working_days"),
        (dict(working_days=["1"]), "working_days"),
        (dict(max_visits_per_day=0), "max_visits_per_day"),
        (dict(name="x" * 10_000), "name"),
        (dict(phone="call me"), "phone"),
        (dict(skills="ac_install"), "skills"),
        (dict(username="liqiang"), "password"),
        (dict(colour="blue"), "colour"),
    ],
    ids=[
        "hour-without-leading-zero",
        "hour-25",
        "time-as-number",
        "lat-as-text",
        "lat-out-of-range",
        "days-as-text",
        "days-as-strings",
        "no-visits",
        "huge-name",
        "phone-as-words",
        "skills-as-text",
        "username-without-password",
        "unknown-field",
    ],
)
def test_malformed_fields_are_refused_by_the_schema(dispatcher, skills, overrides, field):
    response = dispatcher.post("/api/v1/technicians", json=technician_body(**overrides))
    assert response.status_code == 422, response.json
    assert field in response.json["errors"]["json"]
    assert "Fix these fields" in response.json["message"]


def test_body_that_is_not_json_is_refused(dispatcher):
    response = dispatcher.post("/api/v1/technicians", data="{not json", headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json["code"] == 400 and response.json["message"]


def test_taken_username_is_a_conflict_and_nothing_is_saved(dispatcher, skills):
    factories.make_user("cs", username="liqiang")
    response = dispatcher.post(
        "/api/v1/technicians", json=technician_body(username="liqiang", password="long-enough-1")
    )
    assert response.status_code == 409 and "liqiang" in response.json["message"]
    assert db.session.scalar(select(Technician.id)) is None


def test_staff_list_technicians_filtered_by_region_skill_and_active(login_as, app):
    a = factories.make_technician(name="A", region="shanghai", skills=("ac_install",))
    b = factories.make_technician(name="B", region="shanghai", skills=("washer_repair",))
    factories.make_technician(name="C", region="beijing", skills=("ac_install",))
    factories.make_technician(name="D", region="shanghai", skills=("ac_install",), active=False)
    cs = login_as("cs")
    assert [t["name"] for t in cs.get("/api/v1/technicians").json] == ["A", "B", "C", "D"]
    assert [t["name"] for t in cs.get("/api/v1/technicians?region=shanghai&skill=ac_install&active=true").json] == ["A"]
    assert [t["id"] for t in cs.get("/api/v1/technicians?skill=washer_repair").json] == [b.id]
    assert a.id not in [t["id"] for t in cs.get("/api/v1/technicians?active=false").json]


def test_technician_may_not_list_colleagues(technician):
    assert technician.get("/api/v1/technicians").status_code == 403


def test_technician_sees_own_profile_and_no_one_elses(technician):
    colleague = factories.make_technician()
    own_id = technician.user.technician.id
    assert technician.get(f"/api/v1/technicians/{own_id}").json["id"] == own_id
    response = technician.get(f"/api/v1/technicians/{colleague.id}")
    assert response.status_code == 404


def test_patch_changes_only_the_fields_sent_and_checks_hours_as_a_whole(dispatcher, app):
    tech = factories.make_technician(skills=("ac_install",))
    factories.make_skill("gas_heater")
    url = f"/api/v1/technicians/{tech.id}"
    response = dispatcher.patch(url, json={"shift_end": "19:00", "skills": ["gas_heater"]})
    assert response.status_code == 200, response.json
    assert response.json["shift_end"] == "19:00" and response.json["shift_start"] == "08:30"
    assert response.json["skills"] == ["gas_heater"] and response.json["name"] == tech.name
    # The stored shift starts 08:30; a new end before it is refused even though only shift_end was sent.
    refused = dispatcher.patch(url, json={"shift_end": "08:00"})
    assert refused.status_code == 422 and "shift_end" in refused.json["errors"]["json"]
    assert dispatcher.get(url).json["shift_end"] == "19:00"


def test_patch_refuses_unknown_skills_and_unknown_technicians(dispatcher, app):
    tech = factories.make_technician()
    response = dispatcher.patch(f"/api/v1/technicians/{tech.id}", json={"skills": ["teleport"]})
    assert response.status_code == 422 and "teleport" in response.json["message"]
    assert dispatcher.patch("/api/v1/technicians/999999", json={"name": "X"}).status_code == 404


def test_deactivating_a_technician_also_blocks_their_login(dispatcher, login_as):
    tech_api = login_as("technician")
    tech_id = tech_api.user.technician.id
    assert dispatcher.patch(f"/api/v1/technicians/{tech_id}", json={"active": False}).json["active"] is False
    assert tech_api.get(f"/api/v1/technicians/{tech_id}").status_code == 401


def test_cs_may_not_change_technicians(login_as, app):
    tech = factories.make_technician()
    assert login_as("cs").patch(f"/api/v1/technicians/{tech.id}", json={"name": "X"}).status_code == 403


def test_skills_are_listed_for_everyone_and_added_by_dispatchers(login_as, dispatcher):
    created = dispatcher.post("/api/v1/skills", json={"code": "gas_heater", "name": "Gas water heater"})
    assert created.status_code == 201 and created.json["code"] == "gas_heater"
    assert [s["code"] for s in login_as("technician").get("/api/v1/skills").json] == [
        "ac_install",
        "gas_heater",
        "washer_repair",
    ]  # the technician factory brings two skills
    assert login_as("cs").post("/api/v1/skills", json={"code": "x", "name": "X"}).status_code == 403


def test_skill_code_is_unique(dispatcher):
    dispatcher.post("/api/v1/skills", json={"code": "gas_heater", "name": "Gas water heater"})
    again = dispatcher.post("/api/v1/skills", json={"code": "gas_heater", "name": "Another"})
    assert again.status_code == 409 and "gas_heater" in again.json["message"]


@pytest.mark.parametrize("code", ["Gas-Heater", "gas heater", "", "燃气", "x" * 65])
def test_skill_code_is_lower_case_letters_digits_and_underscores(dispatcher, code):
    response = dispatcher.post("/api/v1/skills", json={"code": code, "name": "Gas"})
    assert response.status_code == 422 and "code" in response.json["errors"]["json"]


def test_parts_catalogue_lists_active_parts_to_any_logged_in_user(login_as):
    factories.make_part("CAP-35UF", name="Capacitor 35uF", price_yuan="45.00")
    factories.make_part("OLD-1", active=False)
    parts = login_as("technician").get("/api/v1/parts")
    assert parts.status_code == 200
    assert parts.json == [
        {"id": parts.json[0]["id"], "sku": "CAP-35UF", "name": "Capacitor 35uF", "price_yuan": "45.00"}
    ]
