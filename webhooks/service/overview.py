"""What the webhooks page shows in one go: endpoints with their counts, recent deliveries, the dead letters."""

from __future__ import annotations

from dataclasses import dataclass

from webhooks.enums import DeliveryStatus
from webhooks.models import WebhookDelivery
from webhooks.service.deliveries import list_deliveries
from webhooks.service.endpoints import EndpointWithCounts, list_endpoints

RECENT = 30
DEAD_SHOWN = 100


@dataclass(frozen=True)
class WebhookOverview:
    endpoints: list[EndpointWithCounts]
    recent: list[WebhookDelivery]
    dead: list[WebhookDelivery]


def show_webhooks() -> WebhookOverview:
    """Every endpoint, the latest deliveries and every dead delivery (newest first) for the admin page."""
    return WebhookOverview(
        endpoints=list_endpoints(),
        recent=list_deliveries(limit=RECENT),
        dead=list_deliveries(status=DeliveryStatus.DEAD, limit=DEAD_SHOWN),
    )
