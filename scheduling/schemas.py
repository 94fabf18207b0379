"""Schemas of the day-plan API: what a dispatcher sends to plan a day, and the plan they get back."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from common.schemas import AwareDateTime, within_calendar
from scheduling import reason_text, store
from scheduling.enums import JobState, PlanStatus
from scheduling.rules import DEFAULT_TIME_LIMIT_S, MAX_TIME_LIMIT_S, MIN_TIME_LIMIT_S


class PlanCreateSchema(ma.Schema):
    date = fields.Date(
        required=True, validate=within_calendar, metadata={"description": "The local date to plan, e.g. 2026-11-24."}
    )
    region = fields.String(
        required=True,
        validate=validate.Length(min=1, max=64),
        metadata={"description": "The region whose technicians and visits are planned, e.g. shanghai."},
    )
    time_limit_s = fields.Integer(
        load_default=DEFAULT_TIME_LIMIT_S,
        validate=validate.Range(min=MIN_TIME_LIMIT_S, max=MAX_TIME_LIMIT_S),
        metadata={"description": f"How long the optimizer may search, {MIN_TIME_LIMIT_S}-{MAX_TIME_LIMIT_S} s."},
    )


class PlanQueryArgsSchema(ma.Schema):
    date = fields.Date(validate=within_calendar, metadata={"description": "Only plans of this local date."})
    region = fields.String(validate=validate.Length(min=1, max=64), metadata={"description": "Only this region."})


class JobProgressSchema(ma.Schema):
    best_cost = fields.Integer(allow_none=True, metadata={"description": "Cost of the best plan found so far."})
    solutions = fields.Integer(metadata={"description": "Improving plans found so far."})
    elapsed_s = fields.Float(metadata={"description": "Seconds the solver has been searching."})


class SolveJobSchema(ma.Schema):
    id = fields.Integer()
    state = fields.Enum(JobState, by_value=True, metadata={"description": "queued, running, succeeded or failed."})
    progress = fields.Nested(JobProgressSchema)
    attempts = fields.Integer(metadata={"description": "How many times a worker started this job."})
    heartbeat_at = AwareDateTime(allow_none=True, metadata={"description": "Last sign of life of the worker."})
    started_at = AwareDateTime(allow_none=True)
    finished_at = AwareDateTime(allow_none=True)
    error = fields.String(allow_none=True, metadata={"description": "Why the job failed."})
    engine = fields.String(
        allow_none=True,
        metadata={
            "description": "The search that planned the day: ruin_and_recreate, or ortools while the former compiles."
        },
    )

    def get_attribute(self, obj, attr, default):
        if attr == "progress":
            return obj  # progress is a view of the job's own columns
        return super().get_attribute(obj, attr, default)


class IntervalSchema(ma.Schema):
    start = AwareDateTime(metadata={"description": "Local time with its offset."})
    end = AwareDateTime(metadata={"description": "Local time with its offset."})


class StopSchema(ma.Schema):
    visit_id = fields.Integer()
    arrival = AwareDateTime(metadata={"description": "When the technician reaches the customer (local time)."})
    start = AwareDateTime(metadata={"description": "When the work starts (local time)."})
    end = AwareDateTime(metadata={"description": "When the work ends (local time)."})


class RouteSchema(ma.Schema):
    technician_id = fields.Integer()
    stops = fields.List(fields.Nested(StopSchema))
    break_ = fields.Nested(
        IntervalSchema,
        data_key="break",
        attribute="break",
        allow_none=True,
        metadata={"description": "The lunch break, or null for an empty route."},
    )
    breaks = fields.List(fields.Nested(IntervalSchema))
    travel_s = fields.Integer(metadata={"description": "Driving time of the route, home to home."})
    distance_m = fields.Integer(metadata={"description": "Driving distance of the route, home to home."})


class UnassignedSchema(ma.Schema):
    visit_id = fields.Integer()
    reason = fields.Method(
        "_reason",
        metadata={
            "type": "string",
            "description": "Why the visit is not in the plan, and what would fix it, in the request's language.",
        },
    )
    reason_code = fields.String(
        allow_none=True,
        metadata={
            "description": "Stable code of the reason, for programs (e.g. no_skill, not_on_shift, no_room); null "
            "for plans made before reasons had codes."
        },
    )
    reason_params = fields.Dict(
        allow_none=True,
        metadata={
            "description": "The reason's parameters: technician ids, skills, windows as [start, end] seconds from "
            "local midnight of the plan's date; null when reason_code is."
        },
    )
    stage = fields.String(
        metadata={
            "description": "solver: the optimizer could not fit it; loader: it could "
            "not be given to the optimizer (e.g. no coordinates)."
        }
    )

    def _reason(self, item: dict) -> str:
        return reason_text.describe_item(item, day=item["date"])


class PlanSummarySchema(ma.Schema):
    id = fields.Integer()
    date = fields.Date()
    region = fields.String()
    status = fields.Enum(PlanStatus, by_value=True, metadata={"description": "draft, published, superseded or failed."})
    time_limit_s = fields.Integer()
    created_at = AwareDateTime()
    created_by_id = fields.Integer(allow_none=True)
    published_at = AwareDateTime(allow_none=True)
    published_by_id = fields.Integer(allow_none=True)
    kpis = fields.Dict(
        allow_none=True, metadata={"description": "served, unassigned, travel_s, distance_m, solve_s, engine."}
    )
    job = fields.Nested(SolveJobSchema, allow_none=True)


class PlanSchema(PlanSummarySchema):
    routes = fields.List(fields.Nested(RouteSchema), metadata={"description": "One route per technician on shift."})
    unassigned = fields.List(fields.Nested(UnassignedSchema))
    violations = fields.List(
        fields.String(),
        allow_none=True,
        metadata={"description": "Rules the plan breaks per the independent checker; [] means it may be published."},
    )
    publish_report = fields.Dict(
        allow_none=True,
        metadata={
            "description": "After publishing: placed visit ids, and kept_scheduled: visits the plan left "
            "unassigned that stay on their earlier schedule."
        },
    )

    def get_attribute(self, obj, attr, default):
        if attr == "routes":
            return store.local_routes(obj)
        if attr == "unassigned":
            return store.local_unassigned(obj)
        return super().get_attribute(obj, attr, default)
