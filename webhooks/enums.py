"""The states of a webhook delivery, and the event types endpoints subscribe to."""

from __future__ import annotations

import enum

from common.outbox import OutboundEvent

__all__ = ["DeliveryStatus", "OutboundEvent"]


class DeliveryStatus(str, enum.Enum):
    PENDING = "pending"  # waiting for its first attempt or its next retry
    DELIVERED = "delivered"  # the receiver answered 2xx
    DEAD = "dead"  # retried for the whole retry period without success; an admin may replay it
