"""Schemas of the board API: the day a dispatcher sees, and what publishing a plan would change."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from common.schemas import AwareDateTime, within_calendar


class BoardQueryArgsSchema(ma.Schema):
    date = fields.Date(
        required=True, validate=within_calendar, metadata={"description": "The local date to show, e.g. 2026-11-24."}
    )
    region = fields.String(
        required=True,
        validate=validate.Length(min=1, max=64),
        metadata={"description": "The region whose day is shown, e.g. shanghai."},
    )


class SpanSchema(ma.Schema):
    start = AwareDateTime(metadata={"description": "Local time with its offset."})
    end = AwareDateTime(metadata={"description": "Local time with its offset."})


class BreakSpanSchema(SpanSchema):
    duration_s = fields.Integer(metadata={"description": "How long the break lasts, somewhere in the window."})


class PointSchema(ma.Schema):
    lat = fields.Float()
    lon = fields.Float()


class BoardTechnicianSchema(ma.Schema):
    id = fields.Integer()
    name = fields.String()
    skills = fields.List(fields.String())
    service_districts = fields.List(fields.String(), metadata={"description": "Empty: the whole region."})
    shift = fields.Nested(SpanSchema)
    breaks = fields.List(fields.Nested(BreakSpanSchema), metadata={"description": "Lunch windows."})
    home = fields.Nested(PointSchema)


class BoardVisitBaseSchema(ma.Schema):
    visit_id = fields.Integer()
    ticket_id = fields.Integer()
    customer_name = fields.String()
    status = fields.String(metadata={"description": "The visit's status (scheduled, accepted, en_route, ...)."})
    duration_s = fields.Integer()
    skills = fields.List(fields.String())
    windows = fields.List(
        fields.Nested(SpanSchema),
        metadata={
            "description": "When the work may start: the promised slot, or the customer's availability that day."
        },
    )
    promised = fields.Boolean(metadata={"description": "True when CS promised the customer a slot."})
    address = fields.String()
    district = fields.String(allow_none=True)
    lat = fields.Float(allow_none=True)
    lon = fields.Float(allow_none=True)


class BoardVisitSchema(BoardVisitBaseSchema):
    technician_id = fields.Integer()
    start = AwareDateTime()
    end = AwareDateTime()
    travel_s = fields.Integer(load_default=0, metadata={"description": "Driving time from the previous stop."})
    movable = fields.Boolean(metadata={"description": "False once the technician is on the way or done."})


class BoardUnassignedSchema(BoardVisitBaseSchema):
    reason = fields.String(metadata={"description": "Why it is not on anyone's day, in the reader's language."})
    reason_code = fields.String(allow_none=True)
    reason_params = fields.Dict(allow_none=True)


class BoardRouteSchema(ma.Schema):
    technician_id = fields.Integer()
    points = fields.List(
        fields.List(fields.Float()),
        metadata={"description": "[lat, lon] from home through the visits by start and back home."},
    )
    travel_s = fields.Integer()


class OffTechnicianSchema(ma.Schema):
    id = fields.Integer()
    name = fields.String()
    skills = fields.List(fields.String())


class BoardSchema(ma.Schema):
    date = fields.Date()
    region = fields.String()
    now = AwareDateTime(metadata={"description": "The server's time, local, for the 'now' line."})
    published_plan_id = fields.Integer(allow_none=True)
    technicians = fields.List(
        fields.Nested(BoardTechnicianSchema),
        metadata={"description": "Active technicians of the region working that day (a spare shift included)."},
    )
    visits = fields.List(fields.Nested(BoardVisitSchema))
    routes = fields.List(fields.Nested(BoardRouteSchema))
    unassigned = fields.List(fields.Nested(BoardUnassignedSchema))
    off_today = fields.List(
        fields.Nested(OffTechnicianSchema),
        metadata={"description": "The region's active technicians off that day: who could add a spare shift."},
    )


class PlacementSchema(ma.Schema):
    technician_id = fields.Integer(allow_none=True)
    technician_name = fields.String(allow_none=True)
    start = AwareDateTime()
    end = AwareDateTime()


class PlanChangeSchema(ma.Schema):
    visit_id = fields.Integer()
    ticket_id = fields.Integer()
    customer_name = fields.String()
    from_ = fields.Nested(PlacementSchema, data_key="from", attribute="from")
    to = fields.Nested(PlacementSchema)


class PlanChangesSchema(ma.Schema):
    plan_id = fields.Integer()
    date = fields.Date()
    region = fields.String()
    added = fields.List(fields.Nested(PlanChangeSchema), metadata={"description": "Not on anyone's day yet."})
    moved = fields.List(fields.Nested(PlanChangeSchema), metadata={"description": "Another technician or time."})
    dropped = fields.List(
        fields.Nested(PlanChangeSchema),
        metadata={"description": "Scheduled now but left out by the plan; publishing keeps them where they are."},
    )
    unchanged = fields.Integer()
