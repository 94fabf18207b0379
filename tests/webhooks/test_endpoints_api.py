"""Registering endpoints: admins only, the secret shown once, and addresses that are not outside receivers refused."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from common.db import db
from webhooks.models import WebhookDelivery
from webhooks.service.sending import send_due_webhooks

ENDPOINTS = "/api/v1/webhook-endpoints"


def test_the_secret_is_shown_when_registered_and_never_again(admin):
    created = admin.post(
        ENDPOINTS, json={"url": "https://crm.example.com/hooks", "events": ["visit.done"], "description": "Own CRM"}
    )
    assert created.status_code == 201, created.json
    secret = created.json["secret"]
    assert secret.startswith("whsec_") and created.json["secret_hint"] == "…" + secret[-4:]

    listed = admin.get(ENDPOINTS).json
    one = admin.get(f"{ENDPOINTS}/{created.json['id']}").json
    assert secret not in str(listed) and secret not in str(one)
    assert listed[0]["counts"] == {"pending": 0, "delivered": 0, "dead": 0}
    assert one["events"] == ["visit.done"] and one["created_by"] == admin.user.username


@pytest.mark.parametrize(
    "url",
    [
        "ftp://crm.example.com/hooks",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "crm.example.com/hooks",
        "gopher://crm.example.com/",
    ],
)
def test_an_address_that_is_not_http_is_refused_naming_the_url(admin, url):
    response = admin.post(ENDPOINTS, json={"url": url, "events": ["visit.done"]})
    assert response.status_code == 422
    assert list(response.json["errors"]["json"]) == ["url"]
    assert "http://" in response.json["errors"]["json"]["url"][0]


def test_the_apps_own_address_is_refused_even_where_loopback_receivers_are_allowed(admin, app, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOW_LOOPBACK", True)
    # The test client calls the app as http://localhost (port 80).
    for url in ("http://localhost/api/v1/tickets", "http://127.0.0.1:80/", "http://LOCALHOST.:80/x"):
        response = admin.post(ENDPOINTS, json={"url": url, "events": ["visit.done"]})
        assert response.status_code == 422, url
        assert "this application itself" in response.json["errors"]["json"]["url"][0]
    monkeypatch.setitem(app.config, "WEBHOOK_OWN_HOSTS", ["dispatch.example.com:443"])
    response = admin.post(ENDPOINTS, json={"url": "https://dispatch.example.com/api", "events": ["visit.done"]})
    assert response.status_code == 422
    # Another port on this machine is a local receiver, allowed in this configuration.
    assert (
        admin.post(ENDPOINTS, json={"url": "http://127.0.0.1:8999/hooks", "events": ["visit.done"]}).status_code == 201
    )


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8999/hooks", "http://localhost:8999/", "http://[::1]:8999/", "http://0.0.0.0:8999/"]
)
def test_loopback_receivers_are_refused_by_default(admin, url):
    response = admin.post(ENDPOINTS, json={"url": url, "events": ["visit.done"]})
    assert response.status_code == 422
    assert "loopback" in response.json["errors"]["json"]["url"][0]


def test_a_link_local_address_is_refused_always(admin, app, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOW_LOOPBACK", True)
    response = admin.post(ENDPOINTS, json={"url": "http://169.254.169.254/latest/meta-data", "events": ["visit.done"]})
    assert response.status_code == 422 and "link-local" in response.json["errors"]["json"]["url"][0]


def test_the_refusal_is_in_the_readers_language(admin):
    response = admin.post(
        ENDPOINTS,
        json={"url": "ftp://crm.example.com/", "events": ["visit.done"]},
        headers={"Accept-Language": "zh-CN"},
    )
    assert response.status_code == 422
    assert "http://" in response.json["errors"]["json"]["url"][0]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in response.json["errors"]["json"]["url"][0])


def test_unknown_or_missing_events_are_refused(admin):
    unknown = admin.post(ENDPOINTS, json={"url": "https://crm.example.com/", "events": ["visit.exploded"]})
    assert unknown.status_code == 422 and "events" in unknown.json["errors"]["json"]
    empty = admin.post(ENDPOINTS, json={"url": "https://crm.example.com/", "events": []})
    assert empty.status_code == 422 and "events" in empty.json["errors"]["json"]


@pytest.mark.parametrize("role", ["cs", "dispatcher", "manager", "technician"])
def test_only_admins_register_endpoints(login_as, role):
    response = login_as(role).post(ENDPOINTS, json={"url": "https://crm.example.com/", "events": ["visit.done"]})
    assert response.status_code == 403


def test_managers_may_look_but_cs_may_not(login_as, admin):
    admin.post(ENDPOINTS, json={"url": "https://crm.example.com/", "events": ["visit.done"]})
    assert len(login_as("manager").get(ENDPOINTS).json) == 1
    assert login_as("manager").get("/api/v1/webhook-deliveries").status_code == 200
    assert login_as("cs").get(ENDPOINTS).status_code == 403


def test_a_retried_registration_with_the_same_key_registers_one_endpoint(admin):
    body = {"url": "https://crm.example.com/hooks", "events": ["visit.done"]}
    first = admin.post(ENDPOINTS, json=body, headers={"Idempotency-Key": "reg-1"})
    again = admin.post(ENDPOINTS, json=body, headers={"Idempotency-Key": "reg-1"})
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.headers["Idempotent-Replayed"] == "true" and again.json["id"] == first.json["id"]
    assert len(admin.get(ENDPOINTS).json) == 1


def test_an_endpoint_gets_only_its_events_and_nothing_while_paused(receivers, register, new_ticket, admin):
    wants_registrations = receivers()
    wants_closures = receivers()
    paused = receivers()
    register(wants_registrations.url, events=["ticket.registered"])
    register(wants_closures.url, events=["ticket.closed"])
    pause = register(paused.url, events=["ticket.registered"])
    assert admin.patch(f"{ENDPOINTS}/{pause['id']}", json={"active": False}).json["active"] is False

    new_ticket()
    send_due_webhooks()

    assert len(wants_registrations.received) == 1
    assert wants_closures.received == [] and paused.received == []


def test_an_endpoint_gets_events_from_its_registration_on(receivers, register, new_ticket):
    receiver = receivers()
    new_ticket()
    register(receiver.url)
    new_ticket()
    send_due_webhooks()
    assert len(receiver.received) == 1


def test_removing_an_endpoint_removes_its_deliveries(receivers, register, new_ticket, admin):
    receiver = receivers(default_status=500)
    endpoint = register(receiver.url)
    new_ticket()
    send_due_webhooks()
    assert admin.delete(f"{ENDPOINTS}/{endpoint['id']}").status_code == 204
    assert db.session.scalars(select(WebhookDelivery)).all() == []
    assert admin.get(f"{ENDPOINTS}/{endpoint['id']}").status_code == 404


def test_the_openapi_document_describes_the_webhook_api(client):
    spec = client.get("/api/openapi.json").json
    paths = [p for p in spec["paths"] if "webhook" in p]
    assert {
        "/api/v1/webhook-endpoints",
        "/api/v1/webhook-endpoints/{endpoint_id}",
        "/api/v1/webhook-deliveries",
        "/api/v1/webhook-deliveries/{delivery_id}/replay",
        "/api/v1/webhook-event-types",
    } <= set(paths)
    created = spec["paths"]["/api/v1/webhook-endpoints"]["post"]["responses"]["201"]
    schema_name = created["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert "secret" in spec["components"]["schemas"][schema_name]["properties"]
