"""Delivering the outbox to real local receivers: signed, retried with backoff, dead after a day, replayed, in order."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from common.db import db, utcnow
from common.outbox import OutboxEvent
from webhooks.enums import DeliveryStatus
from webhooks.models import WebhookDelivery
from webhooks.service import sending
from webhooks.service.sending import LEASE, send_due_webhooks


def deliveries() -> list[WebhookDelivery]:
    db.session.expire_all()
    return list(db.session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.event_id)))


def test_a_signed_delivery_verifies_with_the_receivers_library(receivers, register, new_ticket):
    receiver = receivers()
    endpoint = register(receiver.url)
    ticket = new_ticket()

    report = send_due_webhooks()

    assert report.delivered == 1
    [request] = receiver.received
    message = Webhook(endpoint["secret"]).verify(request.body, request.headers)
    assert message["type"] == "ticket.registered"
    assert message["data"]["ticket"]["id"] == ticket["id"]
    assert message["data"]["ticket"]["order_no"] == ticket["order"]["order_no"]
    assert message["data"]["visit"]["status"] == "unscheduled"
    stored = db.session.scalar(select(OutboxEvent))
    assert request.headers["webhook-id"] == stored.message_id
    assert abs(int(request.headers["webhook-timestamp"]) - utcnow().timestamp()) < 60
    # A receiver holding another secret, or a body changed on the way, does not verify.
    other = Webhook("whsec_" + "QUJD" * 8)
    with pytest.raises(WebhookVerificationError):
        other.verify(request.body, request.headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(endpoint["secret"]).verify(request.body.replace(b"ticket", b"tickeT"), request.headers)


def test_nothing_is_sent_from_inside_the_request(receivers, register, new_ticket):
    receiver = receivers()
    register(receiver.url)
    new_ticket()
    assert receiver.received == []
    assert [d.status for d in deliveries()] == []  # not even fanned out until a sender runs


def test_a_receiver_failing_three_times_gets_the_event_exactly_once_in_the_end(receivers, register, new_ticket):
    receiver = receivers(script=[500, 500, 500])
    register(receiver.url)
    new_ticket()

    now = utcnow()
    send_due_webhooks(now=now)
    waits = []
    for _ in range(3):
        [delivery] = deliveries()
        assert delivery.status is DeliveryStatus.PENDING
        waits.append(delivery.next_attempt_at - (delivery.last_attempt_at))
        # Not before its time: a sender running in between sends nothing.
        assert send_due_webhooks(now=delivery.next_attempt_at - timedelta(seconds=1)).delivered == 0
        send_due_webhooks(now=delivery.next_attempt_at)

    [delivery] = deliveries()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (DeliveryStatus.DELIVERED, 4, 200)
    assert len(receiver.received) == 4 and len(receiver.unique_ids()) == 1
    # Backoff: 30 s, 60 s, 120 s after the 1st, 2nd, 3rd failure, each with up to half of it as jitter.
    for wait, base_s in zip(waits, (30, 60, 120)):
        assert timedelta(seconds=base_s / 2) <= wait <= timedelta(seconds=base_s)
    # Delivered is final: later runs send nothing more.
    send_due_webhooks(now=delivery.next_attempt_at + timedelta(days=1))
    assert len(receiver.received) == 4


def test_a_delivery_is_retried_for_a_day_then_dead_and_an_admin_replays_it(receivers, register, new_ticket, admin):
    receiver = receivers(default_status=503)
    register(receiver.url)
    new_ticket()

    first = utcnow()
    send_due_webhooks(now=first)
    attempts_made = 1
    while True:
        [delivery] = deliveries()
        if delivery.status is DeliveryStatus.DEAD:
            break
        assert delivery.next_attempt_at - first < timedelta(hours=30)
        send_due_webhooks(now=delivery.next_attempt_at)
        attempts_made += 1

    assert delivery.last_attempt_at - first >= timedelta(hours=24)
    assert attempts_made == delivery.attempts >= 10
    assert "HTTP 503" in delivery.last_error
    dead = admin.get("/api/v1/webhook-deliveries?status=dead").json
    assert [(d["id"], d["last_status_code"]) for d in dead] == [(delivery.id, 503)]
    assert dead[0]["message_id"] == receiver.received[0].message_id

    receiver.default_status = 200
    replayed = admin.post(f"/api/v1/webhook-deliveries/{delivery.id}/replay")
    assert replayed.status_code == 200, replayed.json
    assert replayed.json["status"] == "pending"
    send_due_webhooks()
    [delivery] = deliveries()
    assert delivery.status is DeliveryStatus.DELIVERED
    assert len(receiver.unique_ids()) == 1  # the replay carries the same webhook-id
    # Only dead deliveries are replayed.
    again = admin.post(f"/api/v1/webhook-deliveries/{delivery.id}/replay")
    assert again.status_code == 409


class SenderKilled(BaseException):
    """The sender process dies (a kill, an out-of-memory): not an error the sender itself handles."""


def test_a_sender_killed_mid_batch_loses_nothing_and_repeats_only_what_carries_the_same_id(
    receivers, register, new_ticket, monkeypatch
):
    receiver = receivers()
    register(receiver.url)
    for _ in range(5):
        new_ticket()
    message_ids = list(db.session.scalars(select(OutboxEvent.message_id).order_by(OutboxEvent.id)))

    real_post = sending.post_delivery
    posted = []

    def dies_after_the_third_answer(*args, **kwargs):
        attempt = real_post(*args, **kwargs)
        posted.append(attempt)
        if len(posted) == 3:
            raise SenderKilled()  # the receiver has the 3rd message; the sender never records it
        return attempt

    monkeypatch.setattr(sending, "post_delivery", dies_after_the_third_answer)
    now = utcnow()
    with pytest.raises(SenderKilled):
        send_due_webhooks(now=now)
    monkeypatch.setattr(sending, "post_delivery", real_post)

    assert [d.status for d in deliveries()] == [DeliveryStatus.DELIVERED] * 2 + [DeliveryStatus.PENDING] * 3
    # The dead sender's lease on the endpoint holds until it runs out; meanwhile nobody sends.
    assert send_due_webhooks(now=now + timedelta(seconds=5)).busy == 1
    send_due_webhooks(now=now + LEASE + timedelta(seconds=1))

    assert [d.status for d in deliveries()] == [DeliveryStatus.DELIVERED] * 5
    assert receiver.unique_ids() == message_ids  # nothing lost, in order
    repeats = [r.message_id for r in receiver.received]
    assert len(repeats) == 6 and repeats.count(message_ids[2]) == 2  # the one in flight, same id


def test_a_tickets_events_reach_an_endpoint_in_order_even_across_retries(receivers, register, new_ticket):
    receiver = receivers(script=[500])
    register(receiver.url, events=["ticket.registered", "visit.cancelled", "ticket.closed"])
    first = new_ticket()
    second = new_ticket()
    cancelled = new_ticket.cs.post(f"/api/v1/tickets/{first['id']}/cancel", json={"reason": "customer moved"})
    assert cancelled.status_code == 200, cancelled.json

    now = utcnow()
    send_due_webhooks(now=now)
    # The first ticket's registration failed: its cancellation waits; the other ticket goes ahead.
    sent = [(json.loads(r.body)["type"], json.loads(r.body)["data"]["ticket"]["id"]) for r in receiver.received]
    assert sent == [("ticket.registered", first["id"]), ("ticket.registered", second["id"])]

    [retry] = [d for d in deliveries() if d.status is DeliveryStatus.PENDING and d.attempts == 1]
    send_due_webhooks(now=retry.next_attempt_at)
    sent = [(json.loads(r.body)["type"], json.loads(r.body)["data"]["ticket"]["id"]) for r in receiver.received]
    assert sent[2:] == [
        ("ticket.registered", first["id"]),
        ("visit.cancelled", first["id"]),
        ("ticket.closed", first["id"]),
    ]
    assert json.loads(receiver.received[-1].body)["data"]["ticket"]["close_reason"] == "cancelled"


def test_a_slow_receiver_does_not_hold_back_another_endpoint(receivers, register, new_ticket):
    slow = receivers(delay_s=2.0)  # longer than the test's 0.5 s read timeout
    fast = receivers()
    register(slow.url)
    register(fast.url)
    new_ticket()
    new_ticket()

    report = send_due_webhooks()

    assert len(fast.received) == 2
    # The slow one was tried once; its second message waits behind the timeout instead of costing another.
    assert len(slow.received) == 1
    assert (report.delivered, report.failed, report.deferred) == (2, 1, 1)
    by_status = {d.endpoint.url: d for d in deliveries() if d.status is DeliveryStatus.PENDING}
    assert "timed out" in by_status[slow.url].last_error


def test_purging_removes_old_delivered_events_and_keeps_what_may_still_be_sent(receivers, register, new_ticket, app):
    good = receivers()
    bad = receivers(default_status=500)
    register(good.url)
    new_ticket()
    register(bad.url)
    new_ticket()
    now = utcnow()
    send_due_webhooks(now=now)  # the first event is delivered everywhere; the second waits for `bad`

    result = app.test_cli_runner().invoke(args=["webhooks", "purge", "--keep-days", "30"])
    assert "deleted 0" in result.output  # too young

    from webhooks.service.deliveries import purge_delivered_events

    assert purge_delivered_events(keep=timedelta(days=30), now=now + timedelta(days=31)) == 1
    [left] = db.session.scalars(select(OutboxEvent)).all()
    assert {d.event_id for d in deliveries()} == {left.id}
