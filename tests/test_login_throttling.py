"""Guessing passwords is slowed down per account and per address, and the answer never tells which usernames exist."""

from __future__ import annotations

import uuid

import common.auth
from common.auth import authenticate, hash_password
from tests import factories
from tests.services import REDIS_URL, redis_connection

TOKEN = "/api/v1/auth/token"


def _try_token(client, username: str, password: str = "wrong", address: str = "203.0.113.7"):
    return client.post(TOKEN, json={"username": username, "password": password}, environ_base={"REMOTE_ADDR": address})


def test_wrong_passwords_for_one_account_end_in_429_with_retry_after(app, client):
    factories.make_user("cs", username="li.na")
    for _ in range(5):
        assert _try_token(client, "li.na").status_code == 401

    refused = _try_token(client, "li.na", password="secret-pass")  # even the right one, for now
    assert refused.status_code == 429
    body = refused.get_json()
    assert {"code", "status", "message"} <= set(body) and body["code"] == 429
    assert "Too many failed logins" in body["message"]
    assert 1 <= int(refused.headers["Retry-After"]) <= 60


def test_an_account_under_attack_from_many_addresses_is_still_protected(app, client):
    factories.make_user("cs", username="li.na")
    for n in range(5):
        assert _try_token(client, "li.na", address=f"198.51.100.{n}").status_code == 401
    assert _try_token(client, "LI.NA ", address="198.51.100.99").status_code == 429


def test_colleagues_behind_the_same_address_still_log_in(app, client):
    factories.make_user("cs", username="li.na")
    factories.make_user("cs", username="wang.fang")
    for _ in range(5):
        _try_token(client, "li.na")
    assert _try_token(client, "wang.fang", password="secret-pass").status_code == 200


def test_successful_logins_are_not_counted(app, client):
    factories.make_user("cs", username="li.na")
    for _ in range(12):
        assert _try_token(client, "li.na", password="secret-pass").status_code == 200


def test_one_address_trying_many_usernames_is_throttled(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_LIMIT_PER_ADDRESS", "3 per minute")
    for name in ("a.one", "b.two", "c.three"):
        assert _try_token(client, name).status_code == 401
    assert _try_token(client, "d.four").status_code == 429
    assert _try_token(client, "d.four", address="192.0.2.50").status_code == 401  # another address is not


def test_the_login_page_and_the_api_share_one_count(app, client):
    factories.make_user("cs", username="li.na")
    for _ in range(3):
        assert client.post("/login", data={"username": "li.na", "password": "wrong"}).status_code == 401
    for _ in range(2):
        assert _try_token(client, "li.na", address="127.0.0.1").status_code == 401
    page = client.post("/login?lang=zh_CN", data={"username": "li.na", "password": "secret-pass"})
    assert page.status_code == 429 and int(page.headers["Retry-After"]) >= 1
    assert "登录失败次数过多" in page.get_data(as_text=True)
    assert 'name="username"' in page.get_data(as_text=True)  # the form is still there to try later


def test_the_page_login_still_works_for_a_first_try(app, client):
    user = factories.make_user("cs", username="li.na")
    response = client.post("/login", data={"username": user.username, "password": "secret-pass"})
    assert response.status_code == 302


def test_an_unknown_username_costs_the_same_password_check_as_a_known_one(app, monkeypatch):
    factories.make_user("cs", username="li.na")
    inactive = factories.make_user("cs", username="gone.user", active=False)
    checked: list[str] = []
    real_check = common.auth.check_password_hash

    def spy(stored_hash: str, password: str) -> bool:
        checked.append(stored_hash)
        return real_check(stored_hash, password)

    monkeypatch.setattr(common.auth, "check_password_hash", spy)
    assert authenticate("nobody", "secret-pass") is None
    assert authenticate(inactive.username, "secret-pass") is None
    assert authenticate("li.na", "wrong") is None
    assert len(checked) == 3
    # Same method and cost (e.g. "scrypt:32768:8:1") as a password stored today.
    method = hash_password("x").split("$", 1)[0]
    assert checked[0].split("$", 1)[0] == method


def _app_with_limit_storage(tmp_path, storage_uri: str, prefix: str):
    from app import create_app
    from common.db import db

    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'limits.db'}",
            "WTF_CSRF_ENABLED": False,
            "SECRET_KEY": "test",
            "RATELIMIT_STORAGE_URI": storage_uri,
            "RATELIMIT_KEY_PREFIX": prefix,
            "BABEL_DEFAULT_LOCALE": "en",
        }
    )
    with app.app_context():
        db.create_all()
        factories.make_user("cs", username="li.na")
    return app


def test_failed_logins_are_counted_on_redis_when_configured(tmp_path):
    redis = redis_connection()
    prefix = f"limits-test-{uuid.uuid4().hex[:8]}"
    app = _app_with_limit_storage(tmp_path, REDIS_URL, prefix)
    try:
        client = app.test_client()
        for _ in range(5):
            assert _try_token(client, "li.na").status_code == 401
        assert _try_token(client, "li.na").status_code == 429
        assert any(prefix in key.decode() for key in redis.scan_iter(match="*" + prefix + "*"))
    finally:
        for key in redis.scan_iter(match="*" + prefix + "*"):
            redis.delete(key)


def test_without_redis_logins_are_still_counted_in_memory(tmp_path):
    # Nothing listens on port 1.
    app = _app_with_limit_storage(tmp_path, "redis://:not-for-clients@127.0.0.1:1/0", "limits-down")
    client = app.test_client()
    assert _try_token(client, "li.na", password="secret-pass").status_code == 200
    for _ in range(5):
        assert _try_token(client, "li.na").status_code == 401
    refused = _try_token(client, "li.na")
    assert refused.status_code == 429
    assert "not-for-clients" not in refused.get_data(as_text=True)
