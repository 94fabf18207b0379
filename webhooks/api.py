"""REST API of the webhooks: endpoints (admins register and change them; managers may look) and deliveries."""

from __future__ import annotations

from flask import request
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint

from common.auth import role_required
from common.idempotency import idempotent
from common.models import Role
from webhooks.enums import OutboundEvent
from webhooks.schemas import (
    WebhookDeliveryQueryArgsSchema,
    WebhookDeliverySchema,
    WebhookEndpointCreatedSchema,
    WebhookEndpointCreateSchema,
    WebhookEndpointListItemSchema,
    WebhookEndpointSchema,
    WebhookEndpointUpdateSchema,
    WebhookEventTypeSchema,
)
from webhooks.service import deliveries, endpoints

endpoints_blp = Blueprint(
    "webhook_endpoints",
    __name__,
    url_prefix="/api/v1/webhook-endpoints",
    description="Outside systems' receivers of signed webhooks (Standard Webhooks: webhook-id, webhook-timestamp, "
    "webhook-signature headers; verify with the endpoint's secret).",
)
deliveries_blp = Blueprint(
    "webhook_deliveries",
    __name__,
    url_prefix="/api/v1/webhook-deliveries",
    description="Each event on its way to each endpoint: retries, dead deliveries, replay",
)
event_types_blp = Blueprint(
    "webhook_event_types",
    __name__,
    url_prefix="/api/v1/webhook-event-types",
    description="The event types an endpoint may subscribe to",
)


@endpoints_blp.route("")
class WebhookEndpoints(MethodView):
    @role_required(Role.MANAGER)
    @endpoints_blp.response(200, WebhookEndpointListItemSchema(many=True))
    def get(self):
        """Every endpoint with its deliveries counted by status (managers and admins)."""
        return endpoints.list_endpoints()

    @role_required(Role.ADMIN)
    @idempotent
    @endpoints_blp.arguments(WebhookEndpointCreateSchema)
    @endpoints_blp.response(201, WebhookEndpointCreatedSchema)
    def post(self, data: dict):
        """Register a receiver for some event types; the answer holds its signing secret, shown this once."""
        return endpoints.register_endpoint(
            data["url"],
            events=data["events"],
            description=data["description"],
            by=current_user,
            own=endpoints.own_hosts(request.host, scheme=request.scheme),
        )


@endpoints_blp.route("/<int:endpoint_id>")
class WebhookEndpointById(MethodView):
    @role_required(Role.MANAGER)
    @endpoints_blp.response(200, WebhookEndpointSchema)
    def get(self, endpoint_id: int):
        """One endpoint (without its secret)."""
        return endpoints.get_endpoint(endpoint_id)

    @role_required(Role.ADMIN)
    @endpoints_blp.arguments(WebhookEndpointUpdateSchema)
    @endpoints_blp.response(200, WebhookEndpointSchema)
    def patch(self, data: dict, endpoint_id: int):
        """Pause or resume an endpoint (active), or change its events or description."""
        return endpoints.update_endpoint(endpoint_id, **data)

    @role_required(Role.ADMIN)
    @endpoints_blp.response(204)
    def delete(self, endpoint_id: int):
        """Remove an endpoint and its deliveries."""
        endpoints.delete_endpoint(endpoint_id)


@deliveries_blp.route("")
class WebhookDeliveries(MethodView):
    @role_required(Role.MANAGER)
    @deliveries_blp.arguments(WebhookDeliveryQueryArgsSchema, location="query")
    @deliveries_blp.response(200, WebhookDeliverySchema(many=True))
    def get(self, args: dict):
        """Deliveries, newest event first; `status=dead` is the dead-letter list."""
        return deliveries.list_deliveries(**args)


@deliveries_blp.route("/<int:delivery_id>/replay")
class WebhookDeliveryReplay(MethodView):
    @role_required(Role.ADMIN)
    @idempotent
    @deliveries_blp.response(200, WebhookDeliverySchema)
    @deliveries_blp.alt_response(409, description="The delivery is not dead (pending or delivered).")
    def post(self, delivery_id: int):
        """Send a dead delivery again (same webhook-id, so the receiver can de-duplicate), with a new retry period."""
        return deliveries.replay_delivery(delivery_id)


@event_types_blp.route("")
class WebhookEventTypes(MethodView):
    @role_required(Role.MANAGER)
    @event_types_blp.response(200, WebhookEventTypeSchema(many=True))
    def get(self):
        """The event types, each message's `type`; its `data` holds the ticket (and visit, report, follow-up)."""
        return [{"type": e.value} for e in OutboundEvent]


blueprints = [endpoints_blp, deliveries_blp, event_types_blp]
