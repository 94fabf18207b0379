"""Sending: one endpoint at a time under a lease, each message signed per Standard Webhooks, failures retried.

A delivery is marked delivered only after the receiver's 2xx is committed here. A sender killed between
the two sends that message again later with the same `webhook-id`, which is how receivers de-duplicate;
nothing is lost. One slow or dead receiver costs its own endpoint's run at most one timeout: the rest of
that run's deliveries wait for the retry, and other endpoints are sent by their own runs.
"""

from __future__ import annotations

import json
import logging
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
from flask import current_app
from sqlalchemy import or_, update
from standardwebhooks.webhooks import Webhook

from common.db import db, utcnow
from webhooks import rules
from webhooks.enums import DeliveryStatus
from webhooks.models import WebhookDelivery, WebhookEndpoint
from webhooks.service.deliveries import due_deliveries, endpoints_with_due_deliveries, fan_out_events

log = logging.getLogger(__name__)

SEND_BATCH = 50
# A run sends at most SEND_BATCH messages of CONNECT + READ seconds each, well inside its lease.
LEASE = timedelta(minutes=10)
USER_AGENT = "field-service-webhooks/1"
MAX_ERROR_CHARS = 500
_rng = random.Random()


@dataclass(frozen=True)
class Attempt:
    """What one POST to a receiver gave: 2xx or not, and what went wrong."""

    ok: bool
    status_code: int | None = None
    error: str | None = None
    unreachable: bool = False  # no HTTP answer at all (refused, timed out): the receiver is down


@dataclass
class SendReport:
    """What a sender run did."""

    delivered: int = 0
    failed: int = 0
    dead: int = 0
    deferred: int = 0  # not tried because the receiver was unreachable a moment before
    busy: int = 0  # endpoints another sender holds right now

    def add(self, other: SendReport) -> None:
        for name in ("delivered", "failed", "dead", "deferred", "busy"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def send_due_webhooks(*, now: datetime | None = None) -> SendReport:
    """Fan out new outbox events, then send what is due to every endpoint, one after the other."""
    fan_out_events(now=now)
    report = SendReport()
    for endpoint_id in endpoints_with_due_deliveries(now=now or utcnow()):
        report.add(send_to_endpoint(endpoint_id, now=now))
    return report


def send_to_endpoint(endpoint_id: int, *, now: datetime | None = None, limit: int = SEND_BATCH) -> SendReport:
    """Send an endpoint's due deliveries in event order; commits after each one."""
    clock: Callable[[], datetime] = (lambda: now) if now is not None else utcnow
    report = SendReport()
    if not _claim(endpoint_id, now=clock()):
        report.busy = 1
        return report
    try:
        endpoint = db.session.get(WebhookEndpoint, endpoint_id)
        failed_tickets: set[int] = set()
        tried: set[int] = set()
        down: WebhookDelivery | None = None
        with _client() as client:
            for delivery in _due_in_order(endpoint_id, clock=clock, limit=limit, tried=tried):
                if delivery.ticket_id is not None and delivery.ticket_id in failed_tickets:
                    continue  # an earlier event of this ticket just failed: keep the order
                if down is not None:
                    _defer(delivery, behind=down, now=clock())
                    report.deferred += 1
                else:
                    attempt = post_delivery(client, endpoint, delivery, at=clock())
                    _record(delivery, attempt, now=clock(), report=report)
                    if not attempt.ok:
                        if delivery.ticket_id is not None:
                            failed_tickets.add(delivery.ticket_id)
                        if attempt.unreachable:
                            down = delivery
                endpoint.lease_until = clock() + LEASE
                db.session.commit()
    except Exception:
        db.session.rollback()
        _release(endpoint_id)
        raise
    except BaseException:
        # Killed (or interrupted): leave the lease to run out, as a killed process would.
        db.session.rollback()
        raise
    _release(endpoint_id)
    return report


def _due_in_order(
    endpoint_id: int, *, clock: Callable[[], datetime], limit: int, tried: set[int]
) -> Iterator[WebhookDelivery]:
    """Due deliveries one by one; asked again once a batch is done, since a delivery sent frees its ticket's next."""
    while len(tried) < limit:
        fresh = [d for d in due_deliveries(endpoint_id, now=clock(), limit=limit) if d.id not in tried]
        if not fresh:
            return
        for delivery in fresh[: limit - len(tried)]:
            tried.add(delivery.id)
            yield delivery


def post_delivery(
    client: httpx.Client, endpoint: WebhookEndpoint, delivery: WebhookDelivery, *, at: datetime
) -> Attempt:
    """POST one message, signed with the endpoint's secret: webhook-id, webhook-timestamp, webhook-signature."""
    body = json.dumps(delivery.event.payload, ensure_ascii=False, separators=(",", ":"))
    message_id = delivery.event.message_id
    headers = {
        "content-type": "application/json; charset=utf-8",
        "user-agent": USER_AGENT,
        "webhook-id": message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(endpoint.secret).sign(message_id, at, body),
    }
    try:
        with client.stream("POST", endpoint.url, content=body.encode("utf-8"), headers=headers) as response:
            status = response.status_code
            if 200 <= status < 300:
                return Attempt(ok=True, status_code=status)
            answer = _first_bytes(response)
    except httpx.TimeoutException as error:
        return Attempt(
            ok=False,
            error=f"timed out ({type(error).__name__}) after "
            f"{_timeouts().connect:g} s to connect / {_timeouts().read:g} s to answer",
            unreachable=True,
        )
    except httpx.HTTPError as error:
        return Attempt(ok=False, error=f"{type(error).__name__}: {error}"[:MAX_ERROR_CHARS], unreachable=True)
    hint = " (redirects are not followed: register the final address)" if 300 <= status < 400 else ""
    return Attempt(ok=False, status_code=status, error=f"HTTP {status}{hint}: {answer}"[:MAX_ERROR_CHARS])


def _first_bytes(response: httpx.Response) -> str:
    # A receiver's error page may be large; the first bytes are enough for the admin page.
    chunk = b""
    for piece in response.iter_bytes():
        chunk += piece
        if len(chunk) >= MAX_ERROR_CHARS:
            break
    return chunk[:MAX_ERROR_CHARS].decode("utf-8", "replace").strip()


def _record(delivery: WebhookDelivery, attempt: Attempt, *, now: datetime, report: SendReport) -> None:
    delivery.attempts += 1
    delivery.last_attempt_at, delivery.last_status_code = now, attempt.status_code
    delivery.first_attempt_at = delivery.first_attempt_at or now
    if attempt.ok:
        delivery.status, delivery.delivered_at, delivery.last_error = DeliveryStatus.DELIVERED, now, None
        report.delivered += 1
        return
    delivery.last_error = attempt.error
    report.failed += 1
    if rules.gives_up(delivery.first_attempt_at, now, retry_for=_retry_for()):
        delivery.status = DeliveryStatus.DEAD
        report.dead += 1
        log.warning(
            "webhook delivery %s to %s is dead after %s attempts: %s",
            delivery.id,
            delivery.endpoint_id,
            delivery.attempts,
            attempt.error,
        )
    else:
        delivery.next_attempt_at = now + rules.retry_delay(delivery.attempts, rng=_rng)


def _defer(delivery: WebhookDelivery, *, behind: WebhookDelivery, now: datetime) -> None:
    """Wait with the delivery whose receiver just did not answer; its retry period starts now all the same."""
    delivery.first_attempt_at = delivery.first_attempt_at or now
    delivery.next_attempt_at = max(delivery.next_attempt_at, behind.next_attempt_at)
    delivery.last_error = (
        f"not tried: the receiver did not answer message {behind.event.message_id} ({behind.last_error})"[
            :MAX_ERROR_CHARS
        ]
    )


def _claim(endpoint_id: int, *, now: datetime) -> bool:
    """Take the endpoint's lease, so one sender at a time sends its deliveries (in order)."""
    result = db.session.execute(
        update(WebhookEndpoint)
        .where(
            WebhookEndpoint.id == endpoint_id,
            WebhookEndpoint.active.is_(True),
            or_(WebhookEndpoint.lease_until.is_(None), WebhookEndpoint.lease_until <= now),
        )
        .values(lease_until=now + LEASE)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount == 1


def _release(endpoint_id: int) -> None:
    db.session.execute(
        update(WebhookEndpoint)
        .where(WebhookEndpoint.id == endpoint_id)
        .values(lease_until=None)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def _timeouts() -> httpx.Timeout:
    config = current_app.config
    connect = float(config.get("WEBHOOK_CONNECT_TIMEOUT_S", 3))
    read = float(config.get("WEBHOOK_READ_TIMEOUT_S", 5))
    return httpx.Timeout(connect=connect, read=read, write=read, pool=connect)


def _retry_for() -> timedelta:
    return timedelta(hours=float(current_app.config.get("WEBHOOK_RETRY_HOURS", rules.RETRY_FOR.total_seconds() / 3600)))


def _client() -> httpx.Client:
    # No proxies from the environment and no redirects: the message goes to the registered address only.
    return httpx.Client(timeout=_timeouts(), follow_redirects=False, trust_env=False)
