"""The sender on the Redis job queue: a commit with events wakes it, failures are scheduled again, cron is the fallback."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from common.db import db
from tests.services import private_queue
from webhooks.enums import DeliveryStatus
from webhooks.models import WebhookDelivery


@pytest.fixture
def webhook_queue(app, monkeypatch):
    """Jobs go to a private queue on the test Redis instead of nowhere (JOBS_EAGER); removed afterwards."""
    yield from private_queue(app, monkeypatch, "WEBHOOK_QUEUE", "webhooks")


def work(queue) -> None:
    from rq import SimpleWorker

    SimpleWorker([queue], connection=queue.connection, name=f"{queue.name}-{uuid.uuid4().hex[:6]}").work(burst=True)


def test_a_committed_event_wakes_a_worker_that_delivers_it(webhook_queue, receivers, register, new_ticket):
    receiver = receivers()
    register(receiver.url)
    assert webhook_queue.count == 0  # registering an endpoint writes no event
    new_ticket()
    assert webhook_queue.count == 1 and receiver.received == []  # queued, not sent by the request

    work(webhook_queue)

    assert len(receiver.received) == 1
    db.session.expire_all()
    assert db.session.scalar(select(WebhookDelivery.status)) is DeliveryStatus.DELIVERED


def test_a_failed_delivery_is_scheduled_again_for_its_retry_time(webhook_queue, receivers, register, new_ticket):
    from rq.registry import ScheduledJobRegistry

    receiver = receivers(default_status=500)
    register(receiver.url)
    new_ticket()
    work(webhook_queue)

    db.session.expire_all()
    delivery = db.session.scalar(select(WebhookDelivery))
    assert delivery.status is DeliveryStatus.PENDING and delivery.attempts == 1
    registry = ScheduledJobRegistry(queue=webhook_queue)
    [job_id] = registry.get_job_ids()
    scheduled_at = registry.get_scheduled_time(job_id)
    assert abs((scheduled_at - delivery.next_attempt_at).total_seconds()) < 1


def test_without_redis_the_request_succeeds_and_the_cron_command_sends(
    app, monkeypatch, receivers, register, new_ticket
):
    monkeypatch.setitem(app.config, "JOBS_EAGER", False)
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:1/0")  # nothing listens on port 1
    receiver = receivers()
    register(receiver.url)
    new_ticket()  # its commit cannot queue the sender, and says so only in the log

    result = app.test_cli_runner().invoke(args=["webhooks", "send"], catch_exceptions=False)

    assert "delivered 1" in result.output
    assert len(receiver.received) == 1


def test_the_next_send_job_waits_for_the_retry_not_for_events_queued_behind_it(
    webhook_queue, receivers, register, new_ticket
):
    from rq.registry import ScheduledJobRegistry

    receiver = receivers(script=[500])
    register(receiver.url, events=["ticket.registered", "visit.cancelled", "ticket.closed"])
    ticket = new_ticket()
    new_ticket.cs.post(f"/api/v1/tickets/{ticket['id']}/cancel", json={"reason": "customer moved"})
    work(webhook_queue)

    db.session.expire_all()
    first = db.session.scalar(select(WebhookDelivery).order_by(WebhookDelivery.event_id))
    assert first.attempts == 1 and len(receiver.received) == 1  # the two behind it wait, untried
    registry = ScheduledJobRegistry(queue=webhook_queue)
    [job_id] = registry.get_job_ids()
    assert abs((registry.get_scheduled_time(job_id) - first.next_attempt_at).total_seconds()) < 1
