"""Request and response schemas of remedies, return orders and receipt checks."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from common.messages import N_
from common.schemas import AwareDateTime
from dispatch.enums import ProductCategory, Responsibility, VisitStatus
from dispatch.remedies.enums import CustomerAnswer, RemedyStatus, RemedyStep, ReturnKind, ReturnStatus


def _enum(enum_cls, *, description: str, **kw) -> fields.Enum:
    return fields.Enum(enum_cls, by_value=True, metadata={"description": description}, **kw)


def _note(description: str, max_len: int = 1000) -> fields.String:
    return fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=max_len),
        metadata={"description": description},
    )


# --- In ---------------------------------------------------------------------------------------------------


class RemedyCreateSchema(ma.Schema):
    step = _enum(
        RemedyStep,
        required=True,
        description="The ladder step offered: explanation, coupon, compensation, exchange, return. Steps go up "
        "the ladder (a step may be skipped forward, never back; the same step again is allowed).",
    )
    answer = _enum(CustomerAnswer, required=True, description="The customer's answer: accepted or declined.")
    amount_yuan = fields.Decimal(
        load_default=None,
        allow_none=True,
        allow_nan=False,
        as_string=True,
        metadata={
            "description": "Yuan, at most two decimals. Required for compensation (at least 5; above 30 it waits "
            "for a manager's approval); a coupon may give its value; other steps take none."
        },
    )
    note = _note("What was said to the customer.")


class RemedyDecisionSchema(ma.Schema):
    decision = fields.String(
        required=True,
        validate=validate.OneOf(("approve", "refuse")),
        metadata={"description": "approve: the compensation is given; refuse: it is not (CS may go up the ladder)."},
    )
    reason = _note("Why; required when refusing (CS tells the customer).", 500)

    @ma.validates_schema
    def _refusal_says_why(self, data, **kwargs):
        if data.get("decision") == "refuse" and not (data.get("reason") or "").strip():
            raise ma.ValidationError(
                N_("Say why the compensation is refused; CS tells the customer."), field_name="reason"
            )


class ReceiptCheckCreateSchema(ma.Schema):
    packaging_ok = fields.Boolean(required=True, metadata={"description": "The packaging is intact."})
    appearance_ok = fields.Boolean(required=True, metadata={"description": "No scratches, dents or stains."})
    quantity_ok = fields.Boolean(required=True, metadata={"description": "Every part and accessory is there."})
    note = _note("What the warehouse found.")


# --- Out --------------------------------------------------------------------------------------------------


class UserNameSchema(ma.Schema):
    id = fields.Integer()
    username = fields.String()
    display_name = fields.String()


class ReceiptCheckSchema(ma.Schema):
    id = fields.Integer()
    packaging_ok = fields.Boolean()
    appearance_ok = fields.Boolean()
    quantity_ok = fields.Boolean()
    outcome = _enum(ReturnStatus, description="to_stock (all passed) or to_repair (any failed).")
    note = fields.String(allow_none=True)
    checked_by = fields.Nested(UserNameSchema)
    checked_at = AwareDateTime()


class ReturnOrderSchema(ma.Schema):
    id = fields.Integer()
    ticket_id = fields.Integer()
    remedy_id = fields.Integer()
    kind = _enum(ReturnKind, description="exchange or return.")
    category = _enum(ProductCategory, description="The product's category; it chose the warehouse.")
    warehouse = fields.String(metadata={"description": "Destination warehouse code (config RETURN_WAREHOUSES)."})
    pickup_visit_id = fields.Integer(metadata={"description": "The visit that collects the unit; planned like any."})
    pickup_visit_status = _enum(VisitStatus, attribute="pickup_visit.status", description="The pickup visit's status.")
    status = _enum(ReturnStatus, description="awaiting_pickup, to_stock or to_repair.")
    receipt = fields.Nested(ReceiptCheckSchema, allow_none=True)
    created_at = AwareDateTime()


class RemedySchema(ma.Schema):
    id = fields.Integer()
    ticket_id = fields.Integer()
    step = _enum(RemedyStep, description="The ladder step.")
    status = _enum(
        RemedyStatus, description="accepted, declined, pending_approval (waits for a manager), approved or refused."
    )
    amount_yuan = fields.Decimal(as_string=True, allow_none=True, metadata={"description": "Yuan, as a string."})
    payer = _enum(Responsibility, description="Who pays, by the responsibility rule (the ticket's cause).")
    note = fields.String(allow_none=True)
    offered_by = fields.Nested(UserNameSchema)
    offered_at = AwareDateTime()
    decided_by = fields.Nested(UserNameSchema, allow_none=True)
    decided_at = AwareDateTime(allow_none=True)
    decision_reason = fields.String(allow_none=True)
    return_order = fields.Nested(ReturnOrderSchema, allow_none=True)


class TicketRemediesSchema(ma.Schema):
    ticket_id = fields.Integer(attribute="ticket.id")
    remedies = fields.List(fields.Nested(RemedySchema), metadata={"description": "In the order offered."})
    returns = fields.List(fields.Nested(ReturnOrderSchema))
    allowed_steps = fields.List(
        _enum(RemedyStep, description="A step"), metadata={"description": "Steps CS may offer next."}
    )
    settled = fields.Boolean(metadata={"description": "A remedy is in effect; the ladder is closed."})
