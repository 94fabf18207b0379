"""Schemas of slot offers and bookings: what CS asks for and what it gets back."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from common.schemas import AwareDateTime
from dispatch.schemas import VisitSchema
from scheduling import reason_text
from scheduling.offers.rules import DEFAULT_DAYS, MAX_DAYS

# Computed fields carry their OpenAPI type in metadata: apispec cannot infer it from a function.
REASON_CODE = {
    "type": "string",
    "description": "Stable code of the reason, for programs (e.g. slot_adds_travel, day_max_visits).",
}
REASON_PARAMS = {
    "type": "object",
    "description": "The reason's parameters: technician ids and names, skills, dates, "
    "and times as seconds from local midnight (a slot as [start, end]).",
}


class SlotQueryArgsSchema(ma.Schema):
    days = fields.Integer(
        load_default=DEFAULT_DAYS,
        validate=validate.Range(min=1, max=MAX_DAYS),
        metadata={"description": f"How many days to offer, from tomorrow (1-{MAX_DAYS}, default {DEFAULT_DAYS})."},
    )
    show_all = fields.Boolean(
        load_default=False,
        metadata={
            "description": "false (default): only slots wholly inside the availability the customer gave (every "
            "free slot when they gave none); true: every free slot, those outside marked `customer_available: "
            "false`. Booking accepts any free slot either way."
        },
    )


class BookingCreateSchema(ma.Schema):
    slot = AwareDateTime(
        required=True,
        metadata={"description": "Start of one of the offered slots (slot_start of an offer), ISO 8601 with offset."},
    )


class _ReasonSchema(ma.Schema):
    """`reason` in the request's language, and the same reason as a code with parameters for programs."""

    reason_code = fields.Function(
        lambda obj: obj.reason.code if obj.reason else None, allow_none=True, metadata=REASON_CODE
    )
    reason_params = fields.Function(
        lambda obj: obj.reason.params_json() if obj.reason else None, allow_none=True, metadata=REASON_PARAMS
    )

    def _reason(self, obj) -> str | None:
        return reason_text.describe(obj.reason, day=self._day(obj))

    def _day(self, obj):
        """The local date the reason's seconds count from."""
        return obj.slot_start.date()


class SlotOfferSchema(_ReasonSchema):
    slot_start = AwareDateTime(metadata={"description": "Start of the slot promised to the customer."})
    slot_end = AwareDateTime(metadata={"description": "End of the slot: the technician starts work by then."})
    technician_id = fields.Integer(metadata={"description": "The technician the visit would go to."})
    technician_name = fields.String()
    planned_start = AwareDateTime(metadata={"description": "When that technician would start, as the day stands."})
    added_travel_s = fields.Integer(
        metadata={"description": "Travel the visit adds to the route, seconds: the cost offers are sorted by."}
    )
    reason = fields.Method(
        "_reason",
        metadata={
            "type": "string",
            "description": "Why it is cheap, in the request's language, e.g. \"adds 6 min of travel to Wang Lei's "
            'route".',
        },
    )
    customer_available = fields.Boolean(
        allow_none=True,
        metadata={
            "description": "The whole slot lies inside one window of the availability the customer gave; null when "
            "they gave none."
        },
    )


class UnavailableSlotSchema(_ReasonSchema):
    slot_start = AwareDateTime()
    slot_end = AwareDateTime()
    reason = fields.Method(
        "_reason",
        metadata={"type": "string", "description": "Why this slot cannot be offered, in the request's language."},
    )


class DayOfOffersSchema(_ReasonSchema):
    date = fields.Date(metadata={"description": "Local date."})
    offered = fields.Integer(metadata={"description": "Slots offered that day."})
    outside_availability = fields.Integer(
        metadata={"description": "Free slots of the day not offered because the customer is not at home then."}
    )
    reason = fields.Method(
        "_reason",
        allow_none=True,
        metadata={
            "type": "string",
            "description": "Why the day has no slot, in the request's language (null when it has).",
        },
    )

    def _day(self, obj):
        return obj.date


class SlotOffersSchema(ma.Schema):
    visit_id = fields.Integer()
    offers = fields.List(fields.Nested(SlotOfferSchema), metadata={"description": "Feasible slots, cheapest first."})
    days = fields.List(fields.Nested(DayOfOffersSchema), metadata={"description": "Each day asked for, in order."})
    unavailable = fields.List(
        fields.Nested(UnavailableSlotSchema),
        metadata={"description": "Slots of the grid that cannot be offered, with reasons."},
    )
    show_all = fields.Boolean(metadata={"description": "Slots outside the customer's availability are offered too."})
    outside_availability = fields.Integer(
        metadata={"description": "Free slots not offered because the customer is not at home then (0 with show_all)."}
    )


class BookingSchema(ma.Schema):
    slot_start = AwareDateTime(attribute="offer.slot_start", metadata={"description": "The promised window's start."})
    slot_end = AwareDateTime(attribute="offer.slot_end", metadata={"description": "The promised window's end."})
    technician_id = fields.Integer(attribute="offer.technician_id")
    technician_name = fields.String(attribute="offer.technician_name")
    added_travel_s = fields.Integer(attribute="offer.added_travel_s")
    message_id = fields.Integer(metadata={"description": "The confirmation text in the outbox."})
    moved_visit_ids = fields.List(
        fields.Integer(),
        metadata={"description": "Other visits of the route that now start later (still inside their windows)."},
    )
    visit = fields.Nested(VisitSchema)
