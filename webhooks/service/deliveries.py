"""Deliveries: turn outbox events into one delivery per subscribed endpoint, list them, replay dead ones."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, selectinload

from common.db import db, utcnow
from common.errors import Conflict, NotFound
from common.outbox import SESSION_FLAG, OutboxEvent
from common.transaction import transactional
from webhooks import message_codes  # noqa: F401 - the words of the codes raised here
from webhooks.enums import DeliveryStatus
from webhooks.models import WebhookDelivery, WebhookEndpoint

FAN_OUT_BATCH = 500


def fan_out_events(*, now: datetime | None = None, limit: int = FAN_OUT_BATCH) -> int:
    """Give each new outbox event a delivery to every active endpoint that wants it; how many events were taken.

    An endpoint gets the events recorded after it was registered. Two senders at once: PostgreSQL hands
    each its own events (SKIP LOCKED); on SQLite the write lock orders them, and the unique
    (endpoint, event) pair is the backstop either way.
    """
    now = now or utcnow()
    events = list(
        db.session.scalars(
            select(OutboxEvent)
            .where(OutboxEvent.fanned_out_at.is_(None))
            .order_by(OutboxEvent.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    )
    if not events:
        db.session.rollback()
        return 0
    endpoints = list(db.session.scalars(select(WebhookEndpoint).where(WebhookEndpoint.active.is_(True))))
    for event in events:
        for endpoint in endpoints:
            if event.type in endpoint.events and endpoint.created_at <= event.recorded_at:
                db.session.add(
                    WebhookDelivery(
                        endpoint_id=endpoint.id,
                        event_id=event.id,
                        ticket_id=event.ticket_id,
                        status=DeliveryStatus.PENDING,
                        next_attempt_at=event.recorded_at,
                        created_at=now,
                    )
                )
        event.fanned_out_at = now
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()  # another sender fanned these out first
        return 0
    return len(events)


def due_deliveries(endpoint_id: int, *, now: datetime, limit: int) -> list[WebhookDelivery]:
    """Pending deliveries of an endpoint whose time has come, oldest event first.

    A delivery waits while an earlier event of the same ticket is still pending for that endpoint, so a
    receiver never learns "visit done" before "technician on the way" (events without a ticket don't wait).
    """
    return list(
        db.session.scalars(
            select(WebhookDelivery)
            .options(selectinload(WebhookDelivery.event))
            .where(
                WebhookDelivery.endpoint_id == endpoint_id,
                WebhookDelivery.status == DeliveryStatus.PENDING,
                WebhookDelivery.next_attempt_at <= now,
                ~_waiting_for_earlier(),
            )
            .order_by(WebhookDelivery.event_id)
            .limit(limit)
        )
    )


def _waiting_for_earlier():
    """True for a delivery whose ticket has an earlier event still pending for the same endpoint."""
    earlier = aliased(WebhookDelivery)
    return (
        select(earlier.id)
        .where(
            earlier.endpoint_id == WebhookDelivery.endpoint_id,
            earlier.ticket_id == WebhookDelivery.ticket_id,
            earlier.status == DeliveryStatus.PENDING,
            earlier.event_id < WebhookDelivery.event_id,
        )
        .exists()
    )


def endpoints_with_due_deliveries(*, now: datetime) -> list[int]:
    """Ids of active endpoints that have a pending delivery due by `now`."""
    return list(
        db.session.scalars(
            select(WebhookDelivery.endpoint_id)
            .join(WebhookEndpoint)
            .where(
                WebhookEndpoint.active.is_(True),
                WebhookDelivery.status == DeliveryStatus.PENDING,
                WebhookDelivery.next_attempt_at <= now,
            )
            .group_by(WebhookDelivery.endpoint_id)
            .order_by(WebhookDelivery.endpoint_id)
        )
    )


def next_attempt_of(endpoint_id: int) -> datetime | None:
    """When the endpoint has something to send next (None when nothing is pending).

    Deliveries waiting behind an earlier event of their ticket don't count: they go when that one does.
    """
    return db.session.scalar(
        select(WebhookDelivery.next_attempt_at)
        .where(
            WebhookDelivery.endpoint_id == endpoint_id,
            WebhookDelivery.status == DeliveryStatus.PENDING,
            ~_waiting_for_earlier(),
        )
        .order_by(WebhookDelivery.next_attempt_at)
        .limit(1)
    )


def list_deliveries(
    *, status: DeliveryStatus | None = None, endpoint_id: int | None = None, limit: int = 100
) -> list[WebhookDelivery]:
    """Deliveries, newest event first, optionally of one status or one endpoint."""
    query = (
        select(WebhookDelivery)
        .options(selectinload(WebhookDelivery.event), selectinload(WebhookDelivery.endpoint))
        .order_by(WebhookDelivery.event_id.desc(), WebhookDelivery.id.desc())
        .limit(limit)
    )
    if status is not None:
        query = query.where(WebhookDelivery.status == status)
    if endpoint_id is not None:
        query = query.where(WebhookDelivery.endpoint_id == endpoint_id)
    return list(db.session.scalars(query))


@transactional
def replay_delivery(delivery_id: int, *, now: datetime | None = None) -> WebhookDelivery:
    """Send a dead delivery again, with the same message id, and give it a new retry period."""
    now = now or utcnow()
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery is None:
        raise NotFound("webhook_delivery_not_found", params={"delivery_id": delivery_id})
    if delivery.status is not DeliveryStatus.DEAD:
        raise Conflict(
            "webhook_delivery_not_dead",
            params={"delivery_id": delivery.id, "status": delivery.status},
            current=delivery.status.value,
        )
    delivery.status = DeliveryStatus.PENDING
    delivery.next_attempt_at, delivery.first_attempt_at = now, None
    db.session.info[SESSION_FLAG] = True  # wakes the sender after commit, as a new event does
    return delivery


def purge_delivered_events(*, keep: timedelta, now: datetime | None = None) -> int:
    """Delete outbox events older than `keep` that every endpoint has received; how many went.

    Events with a pending or dead delivery stay (a dead one may still be replayed), as do events not yet
    fanned out.
    """
    if keep <= timedelta(0):
        raise ValueError("keep must be longer than zero")
    cutoff = (now or utcnow()) - keep
    unfinished = select(WebhookDelivery.event_id).where(
        WebhookDelivery.status.in_([DeliveryStatus.PENDING, DeliveryStatus.DEAD])
    )
    old = select(OutboxEvent.id).where(OutboxEvent.fanned_out_at < cutoff, OutboxEvent.id.not_in(unfinished))
    ids = list(db.session.scalars(old))
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        db.session.execute(delete(WebhookDelivery).where(WebhookDelivery.event_id.in_(chunk)))
        db.session.execute(delete(OutboxEvent).where(OutboxEvent.id.in_(chunk)))
    db.session.commit()
    return len(ids)
