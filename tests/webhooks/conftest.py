"""Fixtures for webhook tests: local receivers, an admin who registers endpoints, tickets that make events."""

from __future__ import annotations

import pytest

from tests.steps import register_ticket
from tests.webhooks.receiver import start_receiver


@pytest.fixture
def receivers(app, monkeypatch):
    """`receivers(**options)` starts a receiver on 127.0.0.1; loopback receivers are allowed for the test."""
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOW_LOOPBACK", True)
    # Short timeouts keep a test with a slow receiver quick.
    monkeypatch.setitem(app.config, "WEBHOOK_READ_TIMEOUT_S", 0.5)
    servers = []

    def start(**options):
        receiver, server = start_receiver(**options)
        servers.append(server)
        return receiver

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def admin(login_as):
    return login_as("admin")


@pytest.fixture
def register(admin):
    """Register an endpoint through the API; returns its JSON (with the secret)."""

    def _register(url: str, events: list[str] | None = None, **extra) -> dict:
        response = admin.post(
            "/api/v1/webhook-endpoints", json={"url": url, "events": events or ["ticket.registered"], **extra}
        )
        assert response.status_code == 201, response.json
        return response.json

    return _register


@pytest.fixture
def new_ticket(login_as):
    """Register a ticket through the API as CS; returns its JSON."""
    cs = login_as("cs")

    def _new(**overrides) -> dict:
        return register_ticket(cs, **overrides)

    _new.cs = cs
    return _new
