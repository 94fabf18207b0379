"""What every API client relies on: the OpenAPI document, the docs page, logging in and out, error shapes."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests import factories

# The paths outside CS systems code against; they must stay exactly as they are.
PUBLISHED_PATHS = {
    "/api/v1/auth/token": {"post"},
    "/api/v1/technicians": {"get", "post"},
    "/api/v1/technicians/{technician_id}": {"get", "patch"},
    "/api/v1/skills": {"get", "post"},
    "/api/v1/tickets": {"get", "post"},
    "/api/v1/tickets/{ticket_id}": {"get"},
    "/api/v1/tickets/{ticket_id}/cancel": {"post"},
    "/api/v1/visits": {"get"},
    "/api/v1/visits/{visit_id}/assignment": {"post"},
    "/api/v1/visits/{visit_id}/events": {"post"},
    "/api/v1/visits/{visit_id}/report": {"post"},
    "/api/v1/followups": {"get"},
    "/api/v1/followups/{follow_up_id}/attempts": {"post"},
    "/api/v1/plans": {"post"},
    "/api/v1/plans/{plan_id}": {"get"},
    "/api/v1/plans/{plan_id}/publish": {"post"},
}


def _normalise(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "{id}", path)


def test_openapi_document_lists_every_published_path(client):
    spec = client.get("/api/openapi.json").get_json()
    served = {_normalise(path): set(ops) for path, ops in spec["paths"].items()}
    for path, methods in PUBLISHED_PATHS.items():
        assert _normalise(path) in served, f"{path} is missing from the OpenAPI document"
        assert methods <= served[_normalise(path)], f"{path} lacks {methods - served[_normalise(path)]}"
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_docs_page_loads_its_scripts_from_this_server_not_a_cdn(client):
    page = client.get("/api/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "/api/docs/assets/swagger-ui-bundle.js" in html
    assert not re.search(r"(src|href)=\"(https?:)?//", html), "the docs page must not load anything from outside"
    assert client.get("/api/docs/assets/swagger-ui-bundle.js").status_code == 200


def test_wrong_method_answers_405_with_the_allowed_methods(client):
    response = client.put("/api/v1/auth/token")
    assert response.status_code == 405
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"POST", "DELETE"}
    assert response.get_json()["code"] == 405


def test_api_without_a_token_answers_401_saying_how_to_log_in(client):
    response = client.get("/api/v1/tickets")
    assert response.status_code == 401
    assert "POST /api/v1/auth/token" in response.get_json()["message"]


def test_login_gives_a_token_that_logout_revokes(app, client):
    factories.make_user("cs", username="li.na")
    response = client.post("/api/v1/auth/token", json={"username": "li.na", "password": "secret-pass"})
    assert response.status_code == 200
    token = response.get_json()["token"]
    auth = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/tickets", headers=auth).status_code == 200
    assert client.delete("/api/v1/auth/token", headers=auth).status_code == 204
    assert client.get("/api/v1/tickets", headers=auth).status_code == 401


def test_a_token_stops_working_when_it_expires(app, client, clock):
    factories.make_user("cs", username="li.na")
    token = client.post("/api/v1/auth/token", json={"username": "li.na", "password": "secret-pass"}).get_json()["token"]
    auth = {"Authorization": f"Bearer {token}"}
    clock.tick(timedelta(hours=app.config["API_TOKEN_TTL_HOURS"]) - timedelta(minutes=1))
    assert client.get("/api/v1/tickets", headers=auth).status_code == 200
    clock.tick(timedelta(minutes=2))
    assert client.get("/api/v1/tickets", headers=auth).status_code == 401


@pytest.mark.parametrize("body", [{"username": "li.na", "password": "wrong"}, {"username": "nobody", "password": "x"}])
def test_wrong_credentials_answer_401_without_saying_which_part_was_wrong(app, client, body):
    factories.make_user("cs", username="li.na")
    response = client.post("/api/v1/auth/token", json=body)
    assert response.status_code == 401
    assert response.get_json()["message"] == "Wrong username or password."


def test_a_body_that_is_not_json_is_refused_with_a_readable_message(client):
    response = client.post("/api/v1/auth/token", data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["message"] == "Invalid JSON body."


def test_missing_fields_are_each_named(client):
    response = client.post("/api/v1/auth/token", json={})
    assert response.status_code == 422
    body = response.get_json()
    assert set(body["errors"]["json"]) == {"username", "password"}
    assert "json.username" in body["message"] and "json.password" in body["message"]


def test_a_logged_out_session_cookie_stops_working(app, client, page_login):
    user = factories.make_user("cs", username="wang.fang")
    page_login(user)
    assert client.get("/tickets").status_code == 200
    client.post("/logout")
    assert client.get("/tickets").status_code == 302  # back to the login page


def test_page_calls_to_the_api_with_the_session_cookie_need_the_csrf_header(app):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        browser = app.test_client()
        factories.make_user("cs", username="zhao.min")
        login_page = browser.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', login_page).group(1)
        browser.post("/login", data={"username": "zhao.min", "password": "secret-pass", "csrf_token": token})
        refused = browser.post("/api/v1/tickets", json=factories.ticket_payload())
        assert refused.status_code == 400 and "CSRF" in refused.get_json()["message"]
        page = browser.get("/tickets").get_data(as_text=True)
        meta = re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)
        accepted = browser.post("/api/v1/tickets", json=factories.ticket_payload(), headers={"X-CSRFToken": meta})
        assert accepted.status_code != 400, accepted.get_json()
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
