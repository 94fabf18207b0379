"""Input the database cannot hold is refused up front (404 or 422 naming the field), and every error has one shape."""

from __future__ import annotations

import pytest

ERROR_KEYS = {"code", "status", "message", "errors"}


def test_an_id_beyond_the_integer_column_is_simply_not_found(app, login_as):
    dispatcher = login_as("dispatcher")
    for url in ("/api/v1/visits/469429967637", "/api/v1/tickets/2251799813685247", "/api/v1/plans/4294967296"):
        response = dispatcher.get(url)
        assert response.status_code == 404, (url, response.json)
        assert set(response.json) >= ERROR_KEYS and response.json["errors"] == {}


def test_an_integer_filter_beyond_the_column_is_refused_naming_it(app, login_as):
    response = login_as("cs").get("/api/v1/tickets?owner=2251799813685247")
    assert response.status_code == 422
    assert set(response.json["errors"]["query"]) == {"owner"}


@pytest.mark.parametrize("username", ["wang\x00lei", "wang\x07lei"])
def test_a_control_character_in_the_login_is_refused_naming_the_field(client, username):
    response = client.post("/api/v1/auth/token", json={"username": username, "password": "secret-pass"})
    assert response.status_code == 422
    assert list(response.json["errors"]["json"]) == ["username"]
    assert "control character" in response.json["message"]


def test_a_nul_byte_deep_in_a_ticket_or_in_a_query_is_refused_naming_it(app, login_as):
    from tests import factories

    cs = login_as("cs")
    body = factories.ticket_payload(
        customer={"name": "王芳", "phone": "13812345678", "lat": 31.2, "lon": 121.4, "address": "上海市\x00浦东新区"}
    )
    response = cs.post("/api/v1/tickets", json=body)
    assert response.status_code == 422
    assert response.json["errors"] == {"json": {"customer.address": [response.json["message"]]}}
    response = cs.get("/api/v1/tickets?status=open\x00")
    assert response.status_code == 422 and list(response.json["errors"]["query"]) == ["status"]


def test_a_note_may_still_span_several_lines(app, login_as):
    from tests import factories

    body = factories.ticket_payload(description="Wall mount.\r\nBedroom,\tsecond floor.")
    assert login_as("cs").post("/api/v1/tickets", json=body).status_code == 201


def test_unauthenticated_and_forbidden_answers_carry_all_four_keys(app, client, login_as):
    unauthenticated = client.get("/api/v1/tickets")
    forbidden = login_as("technician").get("/api/v1/tickets")
    for response, code in ((unauthenticated, 401), (forbidden, 403)):
        assert response.status_code == code
        assert set(response.json) >= ERROR_KEYS and response.json["errors"] == {}


@pytest.mark.parametrize(
    "method, url, body",
    [
        ("post", "/api/v1/plans", {"date": "0001-01-01", "region": "shanghai"}),
        ("get", "/api/v1/board?date=9999-12-31", None),
        ("get", "/api/v1/plans?date=0001-01-01", None),
        ("get", "/api/v1/visits?date=0001-01-01", None),
        ("get", "/api/v1/kpis?from=0001-01-01&to=0001-01-02", None),
    ],
)
def test_a_day_at_the_edge_of_the_calendar_is_refused_naming_the_field(login_as, method, url, body):
    """0001-01-01 cannot be shifted to UTC: it answered 500 (found by the contract test)."""
    api = login_as("manager")
    response = api.post(url, json=body) if method == "post" else api.get(url)
    assert response.status_code == 422, response.json
    assert "between 2000-01-01 and 2099-12-31" in str(response.json["errors"])
