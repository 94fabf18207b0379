"""Tickets: registering one (order, customer, product, availability), the list's query, changes with a reason,
and the ticket as answered."""

from __future__ import annotations

from datetime import timedelta

import marshmallow as ma
from marshmallow import fields, validate

from common.db import utcnow
from common.images import MAX_PHOTOS
from common.input_limits import MAX_ID
from common.messages import N_
from common.schemas import AwareDateTime, photo_uploads, within_calendar
from dispatch import labels, rules
from dispatch.enums import (
    Cause,
    CloseReason,
    Platform,
    ProductCategory,
    Responsibility,
    TicketStatus,
    TicketType,
    WarrantyStatus,
)
from dispatch.schemas._fields import enum_field, text_field
from dispatch.schemas.nested import CustomerSchema, ProductSchema, UserRefSchema
from dispatch.schemas.visits import VisitSchema

MAX_ORDER_VALUE_YUAN = 10_000_000
PHONE_FORMAT_MESSAGE = N_(
    "Give a mainland mobile number (11 digits, e.g. 13812345678) or a landline with its area code (e.g. 021-65432100)."
)


class OrderInSchema(ma.Schema):
    platform = enum_field(Platform, required=True, description="Sales platform of the order.")
    order_no = text_field(64, description="Order number on that platform.")
    order_value = fields.Decimal(
        required=True,
        places=2,
        allow_nan=False,
        validate=validate.Range(min=0, max=MAX_ORDER_VALUE_YUAN),
        metadata={"description": "Order value in yuan; decides the on-site visit quota."},
    )
    purchase_date = fields.Date(
        required=True, metadata={"description": "Purchase date (YYYY-MM-DD); starts the warranty."}
    )

    @ma.validates("purchase_date")
    def _not_in_future(self, value, **kwargs):
        # A day of slack covers the time-zone difference between the shop's platform and us.
        if value > (utcnow() + timedelta(days=1)).date():
            raise ma.ValidationError(N_("The purchase date is in the future; give the date on the order."))


class CustomerInSchema(ma.Schema):
    name = text_field(120, description="Customer name.")
    phone = text_field(32, description="Mainland mobile (13812345678) or landline with area code (021-65432100).")

    @ma.validates("phone")
    def _mainland_phone(self, value, **kwargs):
        if not rules.is_mainland_phone(value):
            raise ma.ValidationError(PHONE_FORMAT_MESSAGE)

    address = text_field(300, description="Service address.")
    lat = fields.Float(
        allow_none=True,
        validate=validate.Range(min=-90, max=90),
        metadata={"description": "Latitude of the address (WGS84)."},
    )
    lon = fields.Float(
        allow_none=True,
        validate=validate.Range(min=-180, max=180),
        metadata={"description": "Longitude of the address (WGS84)."},
    )

    @ma.validates_schema
    def _both_coordinates(self, data, **kwargs):
        if (data.get("lat") is None) != (data.get("lon") is None):
            raise ma.ValidationError(N_("Give both lat and lon, or neither."), field_name="lat")


class ProductInSchema(ma.Schema):
    category = enum_field(ProductCategory, required=True, description="Product category; decides the warranty.")
    brand = text_field(64, description="Brand.")
    sku = text_field(64, description="Model / SKU.")
    serial_no = text_field(64, description="Serial number identifying the unit.")


class WindowSchema(ma.Schema):
    start = AwareDateTime(required=True, metadata={"description": "Start, ISO 8601 with offset."})
    end = AwareDateTime(required=True, metadata={"description": "End, ISO 8601 with offset."})

    @ma.validates_schema
    def _ends_after_start(self, data, **kwargs):
        if "start" in data and "end" in data and data["end"] <= data["start"]:
            raise ma.ValidationError(N_("The window must end after it starts."), field_name="end")


class TicketCreateSchema(ma.Schema):
    order = fields.Nested(OrderInSchema, required=True)
    customer = fields.Nested(CustomerInSchema, required=True)
    product = fields.Nested(ProductInSchema, required=True)
    type = enum_field(TicketType, required=True, description="What the customer needs done.")
    description = text_field(2000, description="The problem as the customer describes it.")
    availability = fields.List(
        fields.Nested(WindowSchema),
        load_default=list,
        validate=validate.Length(max=20),
        metadata={"description": "When the customer is at home (up to 20 windows)."},
    )
    priority = fields.Integer(
        load_default=3,
        validate=validate.Range(min=1, max=5),
        metadata={"description": "1 (low) to 5 (urgent); default 3."},
    )
    cause = enum_field(
        Cause,
        load_default=None,
        allow_none=True,
        description="Why: decides who pays (quality/wrong_item/missing_item -> seller, "
        "change_of_mind -> customer, transport_damage -> logistics).",
    )
    district = text_field(
        64, required=False, load_default=None, allow_none=True, description="District of the address."
    )
    region = text_field(64, required=False, load_default="default", description="Planning region, e.g. shanghai.")
    required_skills = fields.List(
        fields.String(validate=validate.Length(min=1, max=64)),
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=10),
        metadata={
            "description": "Skill codes the visit needs; default from type and "
            "category (see dispatch/rules.py DEFAULT_SKILLS)."
        },
    )
    duration_min = fields.Integer(
        load_default=None,
        allow_none=True,
        validate=validate.Range(min=10, max=600),
        metadata={"description": "Minutes on site; default by type."},
    )
    photos = photo_uploads(f"Photos of the problem from the customer (JPEG, PNG or WebP, at most {MAX_PHOTOS}).")


class TicketQueryArgsSchema(ma.Schema):
    status = enum_field(TicketStatus, description="Only tickets in this status.")
    owner = fields.Integer(
        validate=validate.Range(min=1, max=MAX_ID), metadata={"description": "Only tickets of this CS owner (user id)."}
    )
    date = fields.Date(
        validate=within_calendar,
        metadata={"description": "Only tickets registered on this local date (YYYY-MM-DD)."},
    )
    q = fields.String(
        validate=validate.Length(min=1, max=64),
        metadata={
            "description": "Search: the customer's phone (any part of the digits) or name, the order number, the unit's "
            "serial number, or the ticket number."
        },
    )
    needs_rebooking = fields.Boolean(
        metadata={"description": "true: only open tickets whose visit failed or was reopened and waits for a new slot."}
    )
    overdue = fields.Boolean(metadata={"description": "true: only open tickets past their due time."})


class TicketCancelSchema(ma.Schema):
    reason = text_field(500, description="Why the ticket is cancelled (kept on the timeline).")


class CustomerUpdateSchema(CustomerInSchema):
    """A correction of the customer's contact or address; only the fields sent change."""

    district = text_field(
        64,
        required=False,
        allow_none=True,
        description="District of the address; found from a new address when left out.",
    )

    @ma.validates_schema
    def _something_to_change(self, data, **kwargs):
        if not data:
            raise ma.ValidationError(
                N_("Send at least one of name, phone, address, district, lat and lon."), field_name="_schema"
            )


class ReasonInSchema(ma.Schema):
    reason = text_field(500, description="Why (kept on the timeline, and said to the customer where it matters).")


# --- Out ---------------------------------------------------------------------------------------------------


class OrderSchema(ma.Schema):
    platform = enum_field(Platform, description="Sales platform.")
    order_no = fields.String()
    order_value = fields.Decimal(
        attribute="order_value_yuan",
        places=2,
        as_string=True,
        metadata={"description": 'Order value in yuan, as a string ("4599.00").'},
    )
    purchase_date = fields.Date()


class WarrantySchema(ma.Schema):
    status = enum_field(WarrantyStatus, attribute="warranty", description="in_warranty or out_of_warranty.")
    until = fields.Date(attribute="warranty_until", metadata={"description": "Last day covered."})


class TimelineEventSchema(ma.Schema):
    at = AwareDateTime()
    action = fields.String(
        metadata={
            "description": "created, status_changed, visit_scheduled, follow_up_attempt, "
            "closed, reopened, cancelled, ..."
        }
    )
    actor = fields.String(
        attribute="actor.display_name",
        allow_none=True,
        metadata={"description": "Who made the change; null for the system."},
    )
    actor_id = fields.Integer(allow_none=True)
    detail = fields.Dict()
    visit_id = fields.Integer(allow_none=True)


class AvailabilityOutSchema(ma.Schema):
    start = AwareDateTime()
    end = AwareDateTime()


class TicketSummarySchema(ma.Schema):
    """A ticket in a list."""

    id = fields.Integer()
    status = enum_field(TicketStatus, description="Ticket status.")
    type = enum_field(TicketType, description="Ticket type.")
    priority = fields.Integer()
    owner = fields.Nested(UserRefSchema)
    customer = fields.Nested(CustomerSchema)
    due_at = AwareDateTime(metadata={"description": "Handle by this time (3 days for returns, else 5)."})
    overdue = fields.Method("_overdue", metadata={"description": "True when an open ticket is past due_at."})
    created_at = AwareDateTime()

    def _overdue(self, ticket) -> bool:
        return rules.is_overdue(ticket.due_at, status=ticket.status, now=utcnow())


class TicketSchema(TicketSummarySchema):
    """A ticket with its order, product, rules outcome, visits and (on its own page) timeline."""

    description = fields.String()
    order = fields.Nested(OrderSchema)
    product = fields.Nested(ProductSchema)
    cause = enum_field(Cause, allow_none=True, description="Why the customer asked for service.")
    responsibility = enum_field(Responsibility, description="Who pays: seller, customer, logistics or undetermined.")
    warranty = fields.Method("_warranty", metadata={"description": "{status, until}"})
    visit_quota = fields.Integer(metadata={"description": "On-site visits the order value allows."})
    visits_used = fields.Method("_visits_used", metadata={"description": "Visits counted against the quota."})
    availability = fields.List(fields.Nested(AvailabilityOutSchema))
    visits = fields.List(fields.Nested(VisitSchema))
    close_reason = enum_field(CloseReason, allow_none=True, description="resolved, unreachable or cancelled.")
    close_note = fields.Method(
        "_close_note",
        metadata={"type": "string", "nullable": True, "description": "Why it closed, in the reader's language."},
    )
    closed_at = AwareDateTime(allow_none=True)

    def _warranty(self, ticket) -> dict:
        return WarrantySchema().dump(ticket)

    def _visits_used(self, ticket) -> int:
        return rules.quota_standing(ticket.visits, ticket.visit_quota).used

    def _close_note(self, ticket) -> str | None:
        return labels.close_note(ticket)


class TicketDetailSchema(TicketSchema):
    photos = fields.List(fields.String(), metadata={"description": "Stored photo names; the ticket page shows them."})
    timeline = fields.List(fields.Nested(TimelineEventSchema), metadata={"description": "Every change, oldest first."})
