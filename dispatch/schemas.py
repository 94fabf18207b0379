"""Request and response schemas of the CS side: one schema per purpose and per audience."""

from __future__ import annotations

from datetime import timedelta

import marshmallow as ma
from marshmallow import fields, validate

from common.db import utcnow
from common.images import MAX_PHOTOS
from common.input_limits import MAX_ID
from common.messages import N_
from common.schemas import AwareDateTime, PhotoUploadSchema, within_calendar
from dispatch import rules
from dispatch.enums import (
    APPROXIMATE_PRECISIONS,
    CallOutcome,
    Cause,
    CloseReason,
    FollowUpStatus,
    Platform,
    ProductCategory,
    Responsibility,
    TicketStatus,
    TicketType,
    VisitStatus,
    WarrantyStatus,
)

MAX_ORDER_VALUE_YUAN = 10_000_000
PHONE_FORMAT_MESSAGE = N_(
    "Give a mainland mobile number (11 digits, e.g. 13812345678) or a landline with its area code (e.g. 021-65432100)."
)


def _text(
    max_len: int, *, required: bool = True, description: str, min_len: int = 1, also: tuple = (), **kw
) -> fields.String:
    return fields.String(
        required=required,
        validate=[validate.Length(min=min_len, max=max_len), *also],
        metadata={"description": description},
        **kw,
    )


def _enum(enum_cls, *, description: str, **kw) -> fields.Enum:
    return fields.Enum(enum_cls, by_value=True, metadata={"description": description}, **kw)


# --- In ---------------------------------------------------------------------------------------------------


class OrderInSchema(ma.Schema):
    platform = _enum(Platform, required=True, description="Sales platform of the order.")
    order_no = _text(64, description="Order number on that platform.")
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
    name = _text(120, description="Customer name.")
    phone = _text(32, description="Mainland mobile (13812345678) or landline with area code (021-65432100).")

    @ma.validates("phone")
    def _mainland_phone(self, value, **kwargs):
        if not rules.is_mainland_phone(value):
            raise ma.ValidationError(PHONE_FORMAT_MESSAGE)

    address = _text(300, description="Service address.")
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
    category = _enum(ProductCategory, required=True, description="Product category; decides the warranty.")
    brand = _text(64, description="Brand.")
    sku = _text(64, description="Model / SKU.")
    serial_no = _text(64, description="Serial number identifying the unit.")


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
    type = _enum(TicketType, required=True, description="What the customer needs done.")
    description = _text(2000, description="The problem as the customer describes it.")
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
    cause = _enum(
        Cause,
        load_default=None,
        allow_none=True,
        description="Why: decides who pays (quality/wrong_item/missing_item -> seller, "
        "change_of_mind -> customer, transport_damage -> logistics).",
    )
    district = _text(64, required=False, load_default=None, allow_none=True, description="District of the address.")
    region = _text(64, required=False, load_default="default", description="Planning region, e.g. shanghai.")
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
    photos = fields.List(
        fields.Nested(PhotoUploadSchema),
        load_default=list,
        validate=validate.Length(max=MAX_PHOTOS),
        metadata={"description": f"Photos of the problem from the customer (JPEG, PNG or WebP, at most {MAX_PHOTOS})."},
    )


class TicketQueryArgsSchema(ma.Schema):
    status = _enum(TicketStatus, description="Only tickets in this status.")
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
    reason = _text(500, description="Why the ticket is cancelled (kept on the timeline).")


class CustomerUpdateSchema(CustomerInSchema):
    """A correction of the customer's contact or address; only the fields sent change."""

    district = _text(
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
    reason = _text(500, description="Why (kept on the timeline, and said to the customer where it matters).")


class QuotaDecisionSchema(ma.Schema):
    decision = fields.String(
        required=True,
        validate=validate.OneOf(("approve", "refuse")),
        metadata={"description": "approve: the visit may be booked and planned; refuse: it is cancelled."},
    )
    reason = _text(
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
    status = _enum(VisitStatus, description="Only visits in this status.")
    limit = fields.Integer(
        load_default=200,
        validate=validate.Range(min=1, max=500),
        metadata={"description": "At most this many visits, earliest planned first (max 500)."},
    )


class FollowUpQueryArgsSchema(ma.Schema):
    owner = fields.Integer(
        validate=validate.Range(min=1, max=MAX_ID),
        metadata={"description": "Managers: only this CS owner's queue (user id)."},
    )


class CallAttemptCreateSchema(ma.Schema):
    outcome = _enum(CallOutcome, required=True, description="reached or no_answer.")
    satisfaction = fields.Integer(
        load_default=None,
        allow_none=True,
        validate=validate.Range(min=1, max=5),
        metadata={"description": "1-5, when the customer was reached."},
    )
    resolved = fields.Boolean(
        load_default=None,
        allow_none=True,
        metadata={"description": "Reached: is the problem solved? false reopens the ticket."},
    )
    note = _text(1000, required=False, load_default=None, allow_none=True, min_len=0, description="What was said.")

    @ma.validates_schema
    def _outcome_fields(self, data, **kwargs):
        if data.get("outcome") is CallOutcome.REACHED and data.get("resolved") is None:
            raise ma.ValidationError(N_("Say whether the problem is resolved (true or false)."), field_name="resolved")
        if data.get("outcome") is CallOutcome.NO_ANSWER:
            for name in ("satisfaction", "resolved"):
                if data.get(name) is not None:
                    raise ma.ValidationError(N_("Only a call that reached the customer has this."), field_name=name)


# --- Out --------------------------------------------------------------------------------------------------


class UserRefSchema(ma.Schema):
    id = fields.Integer()
    name = fields.String(attribute="display_name")
    username = fields.String()


class OrderSchema(ma.Schema):
    platform = _enum(Platform, description="Sales platform.")
    order_no = fields.String()
    order_value = fields.Decimal(
        attribute="order_value_yuan",
        places=2,
        as_string=True,
        metadata={"description": 'Order value in yuan, as a string ("4599.00").'},
    )
    purchase_date = fields.Date()


class CustomerSchema(ma.Schema):
    name = fields.String()
    phone = fields.String()
    address = fields.String()
    lat = fields.Float(allow_none=True, metadata={"description": "Latitude; found from the address when CS gave none."})
    lon = fields.Float(allow_none=True)
    location_precision = fields.String(
        allow_none=True,
        metadata={
            "description": "given (typed in), address (geocoded), district (the district's centre) or city (the city "
            "centre); null for customers stored before the app located addresses."
        },
    )
    approximate = fields.Function(
        lambda c: c.location_precision in APPROXIMATE_PRECISIONS,
        metadata={"type": "boolean", "description": "True when lat/lon are only a district's or the city's centre."},
    )
    district = fields.String(allow_none=True)
    region = fields.String()


class ProductSchema(ma.Schema):
    category = _enum(ProductCategory, description="Product category.")
    brand = fields.String()
    sku = fields.String()
    serial_no = fields.String()


class WarrantySchema(ma.Schema):
    status = _enum(WarrantyStatus, attribute="warranty", description="in_warranty or out_of_warranty.")
    until = fields.Date(attribute="warranty_until", metadata={"description": "Last day covered."})


class _VisitBaseSchema(ma.Schema):
    id = fields.Integer()
    ticket_id = fields.Integer()
    sequence_no = fields.Integer(metadata={"description": "1 for the first visit of the ticket, 2 for the next..."})
    status = _enum(VisitStatus, description="Visit status.")
    ticket_type = _enum(TicketType, attribute="ticket.type", description="What is to be done.")
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
    status = _enum(TicketStatus, description="Ticket status.")
    type = _enum(TicketType, description="Ticket type.")
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
    cause = _enum(Cause, allow_none=True, description="Why the customer asked for service.")
    responsibility = _enum(Responsibility, description="Who pays: seller, customer, logistics or undetermined.")
    warranty = fields.Method("_warranty", metadata={"description": "{status, until}"})
    visit_quota = fields.Integer(metadata={"description": "On-site visits the order value allows."})
    visits_used = fields.Method("_visits_used", metadata={"description": "Visits counted against the quota."})
    availability = fields.List(fields.Nested(AvailabilityOutSchema))
    visits = fields.List(fields.Nested(VisitSchema))
    close_reason = _enum(CloseReason, allow_none=True, description="resolved, unreachable or cancelled.")
    close_note = fields.String(allow_none=True)
    closed_at = AwareDateTime(allow_none=True)

    def _warranty(self, ticket) -> dict:
        return WarrantySchema().dump(ticket)

    def _visits_used(self, ticket) -> int:
        return rules.quota_standing(ticket.visits, ticket.visit_quota).used


class TicketDetailSchema(TicketSchema):
    photos = fields.List(fields.String(), metadata={"description": "Stored photo names; the ticket page shows them."})
    timeline = fields.List(fields.Nested(TimelineEventSchema), metadata={"description": "Every change, oldest first."})


class CallAttemptSchema(ma.Schema):
    id = fields.Integer()
    at = AwareDateTime()
    by = fields.Nested(UserRefSchema)
    outcome = _enum(CallOutcome, description="reached or no_answer.")
    satisfaction = fields.Integer(allow_none=True)
    resolved = fields.Boolean(allow_none=True)
    note = fields.String(allow_none=True)


class FollowUpSchema(ma.Schema):
    id = fields.Integer()
    ticket_id = fields.Integer()
    visit_id = fields.Integer(allow_none=True)
    owner = fields.Nested(UserRefSchema)
    status = _enum(FollowUpStatus, description="pending, done, unreachable or cancelled.")
    ticket_status = _enum(TicketStatus, attribute="ticket.status", description="Status of the ticket now.")
    ticket_type = _enum(TicketType, attribute="ticket.type", description="Ticket type.")
    customer = fields.Nested(CustomerSchema, attribute="ticket.customer")
    satisfaction = fields.Integer(allow_none=True)
    resolved = fields.Boolean(allow_none=True)
    attempts = fields.List(fields.Nested(CallAttemptSchema))
    created_at = AwareDateTime()
    closed_at = AwareDateTime(allow_none=True)
