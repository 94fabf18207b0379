"""Endpoint use cases: an admin registers a receiver (its secret shown once), pauses, changes or removes it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import func, select

from common.db import db, utcnow
from common.errors import NotFound, RuleViolation
from common.models import User
from common.transaction import transactional
from webhooks import message_codes, rules  # noqa: F401 - the words of the codes raised here
from webhooks.enums import DeliveryStatus
from webhooks.models import WebhookDelivery, WebhookEndpoint


@dataclass(frozen=True)
class RegisteredEndpoint:
    """A new endpoint and its secret, which is shown this once."""

    endpoint: WebhookEndpoint
    secret: str

    def __getattr__(self, name: str):
        return getattr(self.endpoint, name)


@dataclass(frozen=True)
class EndpointWithCounts:
    """An endpoint and how many of its deliveries are pending, delivered and dead."""

    endpoint: WebhookEndpoint
    counts: dict[str, int]

    def __getattr__(self, name: str):
        return getattr(self.endpoint, name)


def own_hosts(request_host: str | None = None, *, scheme: str = "http") -> frozenset[tuple[str, int]]:
    """Where this app answers: the request's Host, config SERVER_NAME and WEBHOOK_OWN_HOSTS ("host:port" list)."""
    names = [request_host, current_app.config.get("SERVER_NAME"), *current_app.config.get("WEBHOOK_OWN_HOSTS", ())]
    return frozenset(rules.host_and_port(name, scheme=scheme) for name in names if name)


def check_endpoint_url(url: str, *, own: frozenset[tuple[str, int]]) -> None:
    """Refuse a receiver URL that is not http(s), points at this app, or at loopback when not allowed (422 on url)."""
    problem = rules.url_problem(
        url, own_hosts=own, allow_loopback=bool(current_app.config.get("WEBHOOK_ALLOW_LOOPBACK", False))
    )
    if problem is None:
        return
    raise RuleViolation(f"webhook_url_{problem.code}", field="url", params={"host": problem.host})


@transactional
def register_endpoint(
    url: str,
    *,
    events: list[str],
    description: str = "",
    by: User,
    own: frozenset[tuple[str, int]],
    now: datetime | None = None,
) -> RegisteredEndpoint:
    """Register a receiver for `events`; it gets events recorded from now on, signed with a new secret."""
    url = url.strip()
    check_endpoint_url(url, own=own)
    secret = rules.new_secret()
    endpoint = WebhookEndpoint(
        url=url,
        events=list(events),
        description=description.strip(),
        secret=secret,
        active=True,
        created_by_id=by.id,
        created_at=now or utcnow(),
    )
    db.session.add(endpoint)
    return RegisteredEndpoint(endpoint=endpoint, secret=secret)


def list_endpoints() -> list[EndpointWithCounts]:
    """Every endpoint, newest first, with its deliveries counted by status."""
    endpoints = list(db.session.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.id.desc())))
    rows = db.session.execute(
        select(WebhookDelivery.endpoint_id, WebhookDelivery.status, func.count()).group_by(
            WebhookDelivery.endpoint_id, WebhookDelivery.status
        )
    ).all()
    counts = {e.id: {s.value: 0 for s in DeliveryStatus} for e in endpoints}
    for endpoint_id, status, n in rows:
        if endpoint_id in counts:
            counts[endpoint_id][DeliveryStatus(status).value] = n
    return [EndpointWithCounts(endpoint=e, counts=counts[e.id]) for e in endpoints]


def get_endpoint(endpoint_id: int) -> WebhookEndpoint:
    """One endpoint (404 when there is none)."""
    endpoint = db.session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None:
        raise NotFound("webhook_endpoint_not_found", params={"endpoint_id": endpoint_id})
    return endpoint


def update_endpoint(
    endpoint_id: int,
    *,
    active: bool | None = None,
    events: list[str] | None = None,
    description: str | None = None,
) -> WebhookEndpoint:
    """Pause or resume an endpoint, or change the events it gets; a paused endpoint gets no new events."""
    endpoint = get_endpoint(endpoint_id)
    if active is not None:
        endpoint.active = active
    if events is not None:
        endpoint.events = list(events)
    if description is not None:
        endpoint.description = description.strip()
    db.session.commit()
    return endpoint


def delete_endpoint(endpoint_id: int) -> None:
    """Remove an endpoint with its deliveries, sent or not."""
    endpoint = get_endpoint(endpoint_id)
    db.session.execute(WebhookDelivery.__table__.delete().where(WebhookDelivery.endpoint_id == endpoint.id))
    db.session.delete(endpoint)
    db.session.commit()
