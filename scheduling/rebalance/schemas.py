"""Schemas of the rebalance API: the event a dispatcher reports, and the change set they preview and apply."""

from __future__ import annotations

import re

import marshmallow as ma
from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate

from common.schemas import AwareDateTime, within_calendar
from scheduling import reason_text
from scheduling.enums import RebalanceStatus

EVENT_KINDS = ("technician_out", "overrun", "urgent", "cancel", "technician_added")
CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
MAX_OVERRUN_MIN = 8 * 60
# The fields each kind of event needs besides its kind.
NEEDS = {
    "technician_out": ("technician_id", "from"),
    "overrun": ("visit_id", "minutes"),
    "urgent": ("visit_id",),
    "cancel": ("visit_id",),
    "technician_added": ("technician_id", "shift"),
}


def _clock(value: str) -> bool:
    if not CLOCK.match(value):
        raise ma.ValidationError(str(_l("Give a local time of day as HH:MM, e.g. 11:00.")))
    return True


class EventSchema(ma.Schema):
    kind = fields.String(
        required=True,
        validate=validate.OneOf(EVENT_KINDS),
        metadata={
            "description": "technician_out (sick, van broken: from a time), overrun (a visit takes N minutes longer; "
            "negative: shorter), urgent (an open visit of the day to insert now), cancel, "
            "technician_added (a spare shift)."
        },
    )
    technician_id = fields.Integer(metadata={"description": "technician_out, technician_added: the technician."})
    visit_id = fields.Integer(metadata={"description": "overrun, urgent, cancel: the visit."})
    from_ = fields.String(
        data_key="from",
        validate=_clock,
        metadata={"description": "technician_out: local time from which the technician is gone, HH:MM."},
    )
    minutes = fields.Integer(
        validate=validate.Range(min=-MAX_OVERRUN_MIN, max=MAX_OVERRUN_MIN),
        metadata={"description": "overrun: how many minutes longer the visit takes (negative: shorter)."},
    )
    shift = fields.List(
        fields.String(validate=_clock),
        validate=validate.Length(equal=2),
        metadata={"description": 'technician_added: the spare shift as ["13:00", "18:00"] local time.'},
    )
    reason = fields.String(validate=validate.Length(max=500), metadata={"description": "cancel: why."})

    @ma.validates_schema
    def _needs(self, data: dict, **kwargs) -> None:
        missing = [
            name for name in NEEDS.get(data.get("kind"), ()) if name.rstrip("_") not in {k.rstrip("_") for k in data}
        ]
        if missing:
            message = str(_l("Needed for this kind of event."))
            raise ma.ValidationError({name: [message] for name in missing})
        if data.get("minutes") == 0:
            raise ma.ValidationError({"minutes": [str(_l("An overrun of 0 minutes changes nothing."))]})
        shift = data.get("shift")
        if shift and shift[1] <= shift[0]:
            raise ma.ValidationError({"shift": [str(_l("The shift must end after it starts."))]})


class RebalancePreviewSchema(ma.Schema):
    date = fields.Date(
        required=True, validate=within_calendar, metadata={"description": "The local date under way, e.g. 2026-12-02."}
    )
    region = fields.String(
        required=True, validate=validate.Length(min=1, max=64), metadata={"description": "The region, e.g. shanghai."}
    )
    event = fields.Nested(EventSchema, required=True)


class PlaceSchema(ma.Schema):
    technician_id = fields.Integer()
    technician_name = fields.String()
    start = AwareDateTime(metadata={"description": "Local time with its offset."})
    end = AwareDateTime(metadata={"description": "Local time with its offset."})


class MovedSchema(ma.Schema):
    visit_id = fields.Integer()
    ticket_id = fields.Integer()
    customer_name = fields.String()
    from_ = fields.Nested(
        PlaceSchema,
        attribute="from",
        data_key="from",
        allow_none=True,
        metadata={"description": "Where it was; null when it was not planned before."},
    )
    to = fields.Nested(PlaceSchema)


class BrokenPromiseSchema(ma.Schema):
    visit_id = fields.Integer()
    ticket_id = fields.Integer()
    customer_name = fields.String()
    slot_start = AwareDateTime()
    slot_end = AwareDateTime()


class RebalanceUnassignedSchema(ma.Schema):
    visit_id = fields.Integer()
    ticket_id = fields.Integer()
    reason_code = fields.String(allow_none=True)
    reason_params = fields.Dict()
    reason = fields.Method("_reason", metadata={"type": "string", "description": "Why, in the request's language."})

    def _reason(self, item: dict) -> str:
        return reason_text.describe_item(item, day=item.get("date"))


class CallSchema(ma.Schema):
    ticket_id = fields.Integer()
    customer_name = fields.String()
    why = fields.Method("_why", metadata={"type": "string", "description": "What to tell the customer."})
    why_code = fields.String(
        attribute="why",
        metadata={
            "description": "promise_broken (rebook), not_today (agree a new day), time_changed (a new time today)."
        },
    )

    def _why(self, item: dict) -> str:
        return str(CALL_REASONS.get(item["why"], item["why"]))


CALL_REASONS = {
    "promise_broken": _l("The promised slot cannot be kept: rebook the visit."),
    "not_today": _l("The visit cannot be done today: agree a new day."),
    "time_changed": _l("The visit is still today, at another time: tell the customer."),
}


class RebalanceSchema(ma.Schema):
    id = fields.Integer()
    date = fields.Date()
    region = fields.String()
    status = fields.Enum(RebalanceStatus, by_value=True)
    event = fields.Dict(metadata={"description": "The event as it was sent."})
    now = AwareDateTime(metadata={"description": "The moment the rebalance was computed for."})
    moved = fields.List(fields.Nested(MovedSchema))
    broken_promises = fields.List(fields.Nested(BrokenPromiseSchema))
    unassigned = fields.List(fields.Nested(RebalanceUnassignedSchema))
    calls = fields.List(fields.Nested(CallSchema))
    kpis = fields.Dict(metadata={"description": "answer_s, moved, broken_promises, unassigned, served, travel_s."})
    applied_at = AwareDateTime(allow_none=True)
