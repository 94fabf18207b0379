"""Request and response schemas of the webhooks API: endpoints in and out (the secret only once), deliveries."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from common.messages import N_
from common.schemas import AwareDateTime
from webhooks.enums import DeliveryStatus, OutboundEvent

EVENT_TYPES = [e.value for e in OutboundEvent]


def _events(*, required: bool) -> fields.List:
    return fields.List(
        fields.String(
            validate=validate.OneOf(EVENT_TYPES, error=N_("Unknown event type {input}; choose from {choices}."))
        ),
        required=required,
        validate=validate.Length(min=1, error=N_("Choose at least one event.")),
        metadata={"description": "The event types this endpoint receives: " + ", ".join(EVENT_TYPES) + "."},
    )


class WebhookEndpointCreateSchema(ma.Schema):
    url = fields.String(
        required=True,
        validate=validate.Length(min=1, max=2000),
        metadata={
            "description": "Where the events are POSTed: http(s), not this app itself (nor loopback unless the "
            "deployment allows it)."
        },
    )
    events = _events(required=True)
    description = fields.String(
        load_default="",
        validate=validate.Length(max=200),
        metadata={"description": "Who receives it, e.g. 'Tmall CS console'."},
    )

    @ma.post_load
    def _unique_events(self, data, **kwargs):
        data["events"] = [e for e in EVENT_TYPES if e in set(data["events"])]
        return data


class WebhookEndpointUpdateSchema(ma.Schema):
    active = fields.Boolean(metadata={"description": "False pauses deliveries to this endpoint."})
    events = _events(required=False)
    description = fields.String(validate=validate.Length(max=200))

    @ma.validates_schema
    def _something(self, data, **kwargs):
        if not data:
            raise ma.ValidationError(N_("Send at least one of active, events, description."), field_name="_schema")

    @ma.post_load
    def _unique_events(self, data, **kwargs):
        if "events" in data:
            data["events"] = [e for e in EVENT_TYPES if e in set(data["events"])]
        return data


class DeliveryCountsSchema(ma.Schema):
    pending = fields.Integer()
    delivered = fields.Integer()
    dead = fields.Integer()


class WebhookEndpointSchema(ma.Schema):
    id = fields.Integer()
    url = fields.String()
    description = fields.String()
    events = fields.List(fields.String())
    active = fields.Boolean()
    secret_hint = fields.String(
        metadata={
            "description": "The secret's last characters (the secret itself is "
            "shown only when the endpoint is registered)."
        }
    )
    created_at = AwareDateTime()
    created_by = fields.Function(lambda e: e.created_by.username if e.created_by else None)


class WebhookEndpointCreatedSchema(WebhookEndpointSchema):
    secret = fields.String(
        metadata={
            "description": "The signing secret (Standard Webhooks, whsec_...). Shown "
            "this once: store it in the receiver now."
        }
    )


class WebhookEndpointListItemSchema(WebhookEndpointSchema):
    counts = fields.Nested(DeliveryCountsSchema, metadata={"description": "Deliveries to it by status."})


class WebhookDeliveryQueryArgsSchema(ma.Schema):
    status = fields.Enum(DeliveryStatus, by_value=True, metadata={"description": "Only deliveries in this state."})
    endpoint_id = fields.Integer(validate=validate.Range(min=1))
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))


class WebhookDeliverySchema(ma.Schema):
    id = fields.Integer()
    endpoint_id = fields.Integer()
    endpoint_url = fields.Function(lambda d: d.endpoint.url)
    message_id = fields.Function(
        lambda d: d.event.message_id, metadata={"description": "The webhook-id header: the same on every retry."}
    )
    type = fields.Function(lambda d: d.event.type)
    ticket_id = fields.Integer(allow_none=True)
    status = fields.Enum(DeliveryStatus, by_value=True)
    attempts = fields.Integer()
    next_attempt_at = AwareDateTime(metadata={"description": "When a pending delivery is tried next."})
    first_attempt_at = AwareDateTime(allow_none=True)
    last_attempt_at = AwareDateTime(allow_none=True)
    last_status_code = fields.Integer(allow_none=True)
    last_error = fields.String(allow_none=True)
    delivered_at = AwareDateTime(allow_none=True)
    created_at = AwareDateTime()


class WebhookEventTypeSchema(ma.Schema):
    type = fields.String()
