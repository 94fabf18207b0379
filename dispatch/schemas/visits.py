"""Visits: the listing's query, a manager's quota decision, a manual assignment; a visit as staff and as its
technician see it."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from common.input_limits import MAX_ID
from common.messages import N_
from common.schemas import AwareDateTime, within_calendar
from dispatch import rules
from dispatch.enums import TicketType, VisitStatus
from dispatch.schemas._fields import enum_field, text_field
from dispatch.schemas.nested import ProductSchema


class QuotaDecisionSchema(ma.Schema):
    decision = fields.String(
        required=True,
        validate=validate.OneOf(("approve", "refuse")),
        metadata={"description": "approve: the visit may be booked and planned; refuse: it is cancelled."},
    )
    reason = text_field(
        500,
        required=False,
        load_default=None,
        allow_none=True,
        description="Why; required when refusing (CS tells the customer).",
    )

    @ma.validates_schema
    def _refusal_says_why(self, data, **kwargs):
        if data.get("decision") == "refuse" and not (data.get("reason") or "").strip():
            raise ma.ValidationError(N_("Say why the visit is refused."), field_name="reason")


class AssignmentSchema(ma.Schema):
    technician_id = fields.Integer(
        required=True,
        validate=validate.Range(min=1, max=MAX_ID),
        metadata={"description": "The technician who does the visit."},
    )
    start = AwareDateTime(required=True, metadata={"description": "Planned start, ISO 8601 with offset."})


class VisitQueryArgsSchema(ma.Schema):
    date = fields.Date(
        validate=within_calendar, metadata={"description": "Only visits planned on this local date (YYYY-MM-DD)."}
    )
    technician_id = fields.Integer(
        validate=validate.Range(min=1, max=MAX_ID),
        metadata={"description": "Only this technician's visits (ignored for technicians)."},
    )
    status = enum_field(VisitStatus, description="Only visits in this status.")
    limit = fields.Integer(
        load_default=200,
        validate=validate.Range(min=1, max=500),
        metadata={"description": "At most this many visits, earliest planned first (max 500)."},
    )


# --- Out ---------------------------------------------------------------------------------------------------


class _VisitBaseSchema(ma.Schema):
    id = fields.Integer()
    ticket_id = fields.Integer()
    sequence_no = fields.Integer(metadata={"description": "1 for the first visit of the ticket, 2 for the next..."})
    status = enum_field(VisitStatus, description="Visit status.")
    ticket_type = enum_field(TicketType, attribute="ticket.type", description="What is to be done.")
    priority = fields.Integer(attribute="ticket.priority")
    required_skills = fields.List(fields.String())
    duration_s = fields.Integer(metadata={"description": "Planned time on site, seconds."})
    promised_start = AwareDateTime(allow_none=True, metadata={"description": "Slot promised to the customer."})
    promised_end = AwareDateTime(allow_none=True)
    technician_id = fields.Integer(allow_none=True)
    technician_name = fields.String(attribute="technician.name", allow_none=True)
    planned_start = AwareDateTime(allow_none=True)
    planned_end = AwareDateTime(allow_none=True)
    customer_name = fields.String(attribute="ticket.customer.name")
    address = fields.String(attribute="ticket.customer.address")
    lat = fields.Float(attribute="ticket.customer.lat", allow_none=True)
    lon = fields.Float(attribute="ticket.customer.lon", allow_none=True)
    district = fields.String(attribute="ticket.customer.district", allow_none=True)
    product = fields.Nested(ProductSchema, attribute="ticket.product")
    description = fields.String(attribute="ticket.description")
    failure_reason = fields.String(allow_none=True)
    started_at = AwareDateTime(allow_none=True)
    finished_at = AwareDateTime(allow_none=True)


class VisitSchema(_VisitBaseSchema):
    """A visit as staff (CS, dispatchers, managers) see it."""

    customer_phone = fields.String(attribute="ticket.customer.phone")
    counts_against_quota = fields.Boolean()
    approved_by_id = fields.Integer(
        allow_none=True, metadata={"description": "Manager who approved a visit beyond quota."}
    )
    awaiting_quota_approval = fields.Method(
        "_awaiting_approval",
        metadata={
            "type": "boolean",
            "description": "True while the visit is beyond the order's quota and no manager has approved it: "
            "nothing books or plans it until then.",
        },
    )

    def _awaiting_approval(self, visit) -> bool:
        return rules.quota_standing(visit.ticket.visits, visit.ticket.visit_quota).needs_approval(visit.id)


class VisitForTechnicianSchema(_VisitBaseSchema):
    """A visit as its technician sees it: the phone only for their own visits of today (the service decides)."""

    customer_phone = fields.String(metadata={"description": "Only on the technician's own visits planned for today."})

    @ma.post_dump
    def _drop_hidden_phone(self, data, **kwargs):
        if data.get("customer_phone") is None:
            data.pop("customer_phone", None)
        return data
