"""Fixtures: an app per database backend, a clean database per test, and role-based API clients."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import g, has_app_context
from flask.testing import FlaskClient
from freezegun import freeze_time
from sqlalchemy import text

from tests.clock import MONDAY_10_LOCAL
from tests.services import create_postgres_database

ROOT = Path(__file__).resolve().parent.parent
ALL_BACKENDS = ("sqlite", "postgresql")
BACKENDS = tuple(b for b in os.environ.get("TEST_BACKENDS", ",".join(ALL_BACKENDS)).split(",") if b)


def pytest_sessionstart(session):
    """Build the translation catalogues the pages use (compiled .mo files are not committed)."""
    if any((ROOT / "translations").glob("*/LC_MESSAGES/messages.po")):
        subprocess.run(
            [sys.executable, "-m", "babel.messages.frontend", "compile", "-d", str(ROOT / "translations")],
            check=True,
            capture_output=True,
        )


def _database_url(backend: str, tmp_path_factory) -> tuple[str, Any]:
    if backend == "sqlite":
        return "sqlite:///" + str(tmp_path_factory.mktemp("sqlite") / "test.db"), None
    return create_postgres_database()


class FreshRequestClient(FlaskClient):
    """A test client whose every request starts with an empty `g`, as on a real server.

    Test requests reuse the test's app context, and with it whatever earlier requests cached in `g`:
    Flask-Login's user, Flask-Babel's locale.
    """

    def open(self, *args, **kwargs):
        if has_app_context():  # a thread of a concurrency test starts without one
            app_globals = g._get_current_object()
            for name in list(vars(app_globals)):
                delattr(app_globals, name)
        return super().open(*args, **kwargs)


@pytest.fixture(scope="session", params=BACKENDS)
def _backend_app(request, tmp_path_factory):
    """One app and one freshly created schema per backend for the whole run."""
    from app import create_app
    from common.db import db

    url, drop = _database_url(request.param, tmp_path_factory)
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "WTF_CSRF_ENABLED": False,
            "JOBS_EAGER": True,
            "SECRET_KEY": "test",
            "UPLOAD_DIR": str(tmp_path_factory.mktemp("uploads")),
            "BABEL_DEFAULT_LOCALE": "en",
        }
    )
    app.config["BACKEND"] = request.param
    app.test_client_class = FreshRequestClient
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    if drop:
        drop()


def _empty_all_tables(app) -> None:
    from common.db import db

    db.session.rollback()
    tables = db.metadata.sorted_tables
    if app.config["BACKEND"] == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in reversed(tables):
            db.session.execute(table.delete())
    db.session.commit()


@pytest.fixture
def app(_backend_app):
    """The app inside an app context, with empty tables after the test."""
    from common.db import db

    with _backend_app.app_context():
        yield _backend_app
        db.session.remove()
        _empty_all_tables(_backend_app)
        db.session.remove()
        # Failed logins of one test must not throttle the next (all come from 127.0.0.1).
        _backend_app.extensions["login_limiter"].reset()


@pytest.fixture
def client(app):
    return app.test_client()


@dataclass
class ApiClient:
    """A test client that sends one user's Bearer token with every request."""

    client: Any
    user: Any
    token: str

    def _headers(self, headers: dict | None) -> dict:
        return {"Authorization": f"Bearer {self.token}", **(headers or {})}

    def get(self, url: str, **kw):
        return self.client.get(url, headers=self._headers(kw.pop("headers", None)), **kw)

    def post(self, url: str, json: Any = None, **kw):
        return self.client.post(url, json=json, headers=self._headers(kw.pop("headers", None)), **kw)

    def patch(self, url: str, json: Any = None, **kw):
        return self.client.patch(url, json=json, headers=self._headers(kw.pop("headers", None)), **kw)

    def put(self, url: str, json: Any = None, **kw):
        return self.client.put(url, json=json, headers=self._headers(kw.pop("headers", None)), **kw)

    def delete(self, url: str, **kw):
        return self.client.delete(url, headers=self._headers(kw.pop("headers", None)), **kw)


@pytest.fixture
def login_as(app, client):
    """`login_as("cs")` or `login_as(user)`: an API client acting as that user."""
    from common.auth import issue_token
    from tests import factories

    def _login(who, **overrides) -> ApiClient:
        user = factories.make_user(role=who, **overrides) if isinstance(who, str) else who
        return ApiClient(client=client, user=user, token=issue_token(user))

    return _login


@pytest.fixture
def page_login(app, client):
    """Log the test client's browser session in as a user (for page tests)."""

    def _login(user, password: str = "secret-pass"):
        response = client.post("/login", data={"username": user.username, "password": password})
        assert response.status_code == 302, response.data
        return client

    return _login


@pytest.fixture
def clock(app):
    """Time frozen at MONDAY_10_LOCAL (a module may override it); `clock.move_to(...)` / `.tick(...)` move it."""
    with freeze_time(MONDAY_10_LOCAL) as frozen:
        yield frozen


@pytest.fixture
def cs(clock, login_as):
    """A CS agent's API client, on the frozen clock."""
    return login_as("cs")


@pytest.fixture
def dispatcher(clock, login_as):
    """A dispatcher's API client, on the frozen clock."""
    return login_as("dispatcher")


@pytest.fixture
def manager(clock, login_as):
    """A manager's API client, on the frozen clock."""
    return login_as("manager")


@pytest.fixture
def crew(clock, login_as):
    """CS, dispatcher and a technician who installs large appliances, each with an API client."""
    from common.db import db
    from tests import factories

    technician = factories.make_user("technician")
    technician.technician.skills = [factories.make_skill("large_appliance_install")]
    db.session.commit()
    return login_as("cs"), login_as("dispatcher"), login_as(technician)
