"""What a browser and an attacker see: CSRF on every cookie write, cookie flags, security headers, clean 503s."""

from __future__ import annotations

import base64
import re

import pytest

from tests import factories
from tests.scheduling_app.builders import DAY, make_crew, make_visit

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def csrf_on(app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)


def _browser_logged_in(app, username: str):
    """A test client logged in through the login page, as a person's browser is."""
    browser = app.test_client()
    login_page = browser.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', login_page).group(1)
    response = browser.post("/login", data={"username": username, "password": "secret-pass", "csrf_token": token})
    assert response.status_code == 302
    return browser


@pytest.mark.parametrize("authorization", ["Basic eDp4", "Bearer not-a-real-token", "Bearer"])
def test_a_cookie_session_needs_the_csrf_token_whatever_authorization_header_comes_with_it(app, csrf_on, authorization):
    factories.make_user("cs", username="zhao.min")
    browser = _browser_logged_in(app, "zhao.min")
    refused = browser.post("/api/v1/tickets", json=factories.ticket_payload(), headers={"Authorization": authorization})
    assert refused.status_code == 400 and "CSRF" in refused.get_json()["message"]


def test_a_cookie_session_with_a_valid_token_beside_it_still_needs_the_csrf_token(app, csrf_on, login_as):
    user = factories.make_user("cs", username="zhao.min")
    browser = _browser_logged_in(app, "zhao.min")
    token = login_as(user).token
    refused = browser.post(
        "/api/v1/tickets", json=factories.ticket_payload(), headers={"Authorization": f"Bearer {token}"}
    )
    assert refused.status_code == 400


def test_a_bearer_token_alone_needs_no_csrf_token(app, csrf_on, login_as):
    cs = login_as("cs")
    response = cs.post("/api/v1/tickets", json=factories.ticket_payload())
    assert response.status_code == 201, response.get_json()


def test_the_session_cookie_is_httponly_and_samesite_lax(app, client):
    user = factories.make_user("cs")
    response = client.post("/login", data={"username": user.username, "password": "secret-pass"})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain http on a developer's machine would lose the session


def test_behind_https_the_cookie_is_secure_and_hsts_is_sent(tmp_path):
    from app import create_app
    from common.db import db

    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'https.db'}",
            "WTF_CSRF_ENABLED": False,
            "SECRET_KEY": "test",
            "HTTPS": True,
            "TRUSTED_PROXIES": 1,
        }
    )
    with app.app_context():
        db.create_all()
        user = factories.make_user("cs")
        response = app.test_client().post(
            "/login",
            data={"username": user.username, "password": "secret-pass"},
            headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.4"},
        )
    assert response.status_code == 302
    assert "Secure" in response.headers["Set-Cookie"]
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_pages_and_api_answers_carry_the_security_headers(app, client):
    for response in (client.get("/login"), client.get("/api/v1/tickets")):
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self';" in csp and "frame-ancestors 'none'" in csp and "object-src 'none'" in csp


def test_the_docs_page_may_run_its_own_inline_start_script(client):
    csp = client.get("/api/docs").headers["Content-Security-Policy"]
    assert "script-src 'self' 'unsafe-inline'" in csp


def test_uploaded_photos_are_served_with_nosniff(app, cs, login_as):
    photo = {"filename": "a.png", "content_type": "image/png", "data_base64": base64.b64encode(PNG).decode()}
    created = cs.post("/api/v1/tickets", json=factories.ticket_payload(photos=[photo])).get_json()
    ticket = cs.get(f"/api/v1/tickets/{created['id']}").get_json()
    served = login_as("dispatcher").get(f"/api/v1/tickets/{ticket['id']}/photos/{ticket['photos'][0]}")
    assert served.status_code == 200 and served.mimetype == "image/png"
    assert served.headers["X-Content-Type-Options"] == "nosniff"


@pytest.fixture
def app_without_database(tmp_path):
    """An app whose PostgreSQL is not there (nothing listens on port 1); the URL carries a password."""
    from app import create_app

    return create_app(
        {
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://dispatch:db-secret@127.0.0.1:1/dispatch",
            "UPLOAD_DIR": str(tmp_path),
            "BABEL_DEFAULT_LOCALE": "en",
        }
    )


def test_a_database_that_is_down_answers_503_with_retry_after_and_no_connection_details(app_without_database):
    client = app_without_database.test_client()
    response = client.get("/api/v1/tickets", headers={"Authorization": "Bearer some-token"})
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    body = response.get_json()
    assert body["code"] == 503 and "try again" in body["message"]
    text = response.get_data(as_text=True)
    assert "db-secret" not in text and "127.0.0.1" not in text and "psycopg" not in text


def test_a_database_that_is_down_shows_a_page_saying_to_try_again(app_without_database):
    client = app_without_database.test_client()
    response = client.post("/login?lang=zh_CN", data={"username": "li.na", "password": "secret-pass"})
    assert response.status_code == 503 and "Retry-After" in response.headers
    page = response.get_data(as_text=True)
    assert "数据库暂时无法响应" in page and "db-secret" not in page


def test_an_unreachable_job_queue_answers_503_without_its_address(app, login_as, monkeypatch):
    monkeypatch.setitem(app.config, "JOBS_EAGER", False)
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://:queue-secret@127.0.0.1:1/0")  # nothing on port 1
    make_crew(1)
    make_visit()
    response = login_as("dispatcher").post("/api/v1/plans", json={"date": DAY.isoformat(), "region": "shanghai"})
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    text = response.get_data(as_text=True)
    assert "queue-secret" not in text and "127.0.0.1:1" not in text and "redis://" not in text
