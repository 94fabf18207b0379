"""Schemas of the dashboard API: the filters in, every measure out."""

from __future__ import annotations

from datetime import datetime, timedelta

import marshmallow as ma
from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate

from common.errors import RuleViolation
from common.i18n import local_zone
from common.schemas import within_calendar
from dispatch.enums import Cause, ProductCategory, Responsibility, TicketType
from reporting import rules

DEFAULT_PERIOD_DAYS = 30


def _describe(text: str) -> dict:
    return {"description": text}


class KpiQueryArgsSchema(ma.Schema):
    """The period (local dates, both included; the last 30 days by default) and the filters."""

    first = fields.Date(
        data_key="from", validate=within_calendar, metadata=_describe("First local day of the period (YYYY-MM-DD).")
    )
    last = fields.Date(
        data_key="to",
        validate=within_calendar,
        metadata=_describe("Last local day of the period, included (YYYY-MM-DD)."),
    )
    bucket = fields.String(
        validate=validate.OneOf(["day", "week"], error=_l("Choose day or week.")),
        metadata=_describe("Trend by day or by week (default: by day up to 45 days)."),
    )
    region = fields.String(
        validate=validate.Length(min=1, max=64), metadata=_describe("Only customers (and technicians) of this region.")
    )
    technician_id = fields.Integer(
        data_key="technician",
        validate=validate.Range(min=1),
        metadata=_describe("Only visits of this technician (technician id)."),
    )
    category = fields.Enum(ProductCategory, by_value=True, metadata=_describe("Only products of this category."))
    brand = fields.String(validate=validate.Length(min=1, max=64), metadata=_describe("Only products of this brand."))

    @ma.pre_load
    def _blank_means_all(self, data, **kwargs):
        # The page's filter form sends empty fields for "all".
        return {key: value for key, value in data.items() if value not in ("", None)}

    @ma.post_load
    def _default_period(self, data, **kwargs):
        today = datetime.now(local_zone()).date()
        data.setdefault("last", data["first"] + timedelta(days=DEFAULT_PERIOD_DAYS - 1) if "first" in data else today)
        data.setdefault("first", data["last"] - timedelta(days=DEFAULT_PERIOD_DAYS - 1))
        try:
            rules.check_period(data["first"], data["last"])
        except RuleViolation as refusal:  # the rule words it in the reader's language
            raise ma.ValidationError(refusal.message, field_name=refusal.field or "_schema") from refusal
        return data


class FirstTimeFixSchema(ma.Schema):
    tickets = fields.Integer(metadata=_describe("Tickets whose first visit ended in the period."))
    fixed = fields.Integer(metadata=_describe("Of those, resolved by that visit with no further visit."))
    rate_pct = fields.Float(allow_none=True, metadata=_describe("fixed / tickets in percent; null without tickets."))


class ArrivalsSchema(ma.Schema):
    arrivals = fields.Integer(metadata=_describe("Arrivals in the period at visits with a promised window."))
    on_time = fields.Integer(metadata=_describe("Arrivals inside the promised window."))
    rate_pct = fields.Float(allow_none=True)
    bands = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(),
        metadata=_describe("Arrivals by band: on_time, early, late_0_15 ... late_over_120 (minutes)."),
    )


class SatisfactionSchema(ma.Schema):
    calls = fields.Integer(metadata=_describe("Follow-up call attempts made in the period."))
    reached = fields.Integer(metadata=_describe("Attempts that reached the customer."))
    reach_pct = fields.Float(allow_none=True)
    scored = fields.Integer(metadata=_describe("Reached calls with a 1-5 satisfaction score."))
    average = fields.Float(allow_none=True, metadata=_describe("Average score, 1-5."))
    scores = fields.Dict(keys=fields.String(), values=fields.Integer(), metadata=_describe("Calls by score."))


class HandlingRowSchema(ma.Schema):
    type = fields.Enum(TicketType, by_value=True)
    limit_days = fields.Integer(metadata=_describe("The ticket type's time limit (config DUE_DAYS)."))
    closed = fields.Integer(metadata=_describe("Tickets of this type closed in the period."))
    average_h = fields.Float(allow_none=True, metadata=_describe("Average hours from registration to closure."))
    closed_late = fields.Integer(metadata=_describe("Closed after their due time."))


class TimeLimitRowSchema(ma.Schema):
    type = fields.Enum(TicketType, by_value=True)
    limit_days = fields.Integer()
    registered = fields.Integer(metadata=_describe("Tickets of this type registered in the period, not cancelled."))
    closed_late = fields.Integer(metadata=_describe("Of those, closed after their due time."))
    open_overdue = fields.Integer(metadata=_describe("Of those, still open and past their due time now."))
    overdue_pct = fields.Float(allow_none=True)


class ComplaintRowSchema(ma.Schema):
    cause = fields.Enum(Cause, by_value=True)
    responsibility = fields.Enum(Responsibility, by_value=True, metadata=_describe("Who pays."))
    tickets = fields.Integer()
    compensations = fields.Integer(
        metadata=_describe(
            "Compensations given in the period on the ladder to tickets of this cause, counted on the day given "
            "(accepted; approved above 30 yuan), whenever the ticket was registered."
        )
    )
    compensation_yuan = fields.Decimal(as_string=True, metadata=_describe("Their sum in yuan, as a string."))


class RepeatRowSchema(ma.Schema):
    brand = fields.String()
    model = fields.String(metadata=_describe("The product's SKU."))
    units = fields.Integer(metadata=_describe("Units (serial numbers) with a ticket closed in the period."))
    repeated = fields.Integer(metadata=_describe("Of those, with another ticket within 30 days of the closure."))
    repeat_pct = fields.Float(allow_none=True)


class UtilisationRowSchema(ma.Schema):
    technician_id = fields.Integer()
    name = fields.String()
    region = fields.String()
    visits = fields.Integer(metadata=_describe("Visits started and finished in the period."))
    on_site_h = fields.Float(metadata=_describe("Hours from arrival to finish of those visits."))
    shift_h = fields.Float(metadata=_describe("Shift hours of the working days, lunch break taken off."))
    utilisation_pct = fields.Float(allow_none=True)
    travel_visits = fields.Integer(metadata=_describe("Visits with an 'on the way' event."))
    travel_min_per_visit = fields.Float(allow_none=True, metadata=_describe("Minutes from on the way to arrival."))


class TrendPointSchema(ma.Schema):
    bucket = fields.Date(metadata=_describe("First local day of the day or week."))
    registered = fields.Integer()
    closed = fields.Integer()
    handling_h = fields.Float(allow_none=True)
    first_time_fix_pct = fields.Float(allow_none=True)
    on_time_pct = fields.Float(allow_none=True)
    satisfaction = fields.Float(allow_none=True)


class KpiPeriodSchema(ma.Schema):
    first = fields.Date(data_key="from")
    last = fields.Date(data_key="to")
    bucket = fields.String()
    region = fields.String(allow_none=True)
    technician_id = fields.Integer(allow_none=True, data_key="technician")
    category = fields.Enum(ProductCategory, by_value=True, allow_none=True)
    brand = fields.String(allow_none=True)


class KpiDashboardSchema(ma.Schema):
    scope = fields.Nested(KpiPeriodSchema, data_key="period")
    first_time_fix = fields.Nested(FirstTimeFixSchema)
    arrivals = fields.Nested(ArrivalsSchema)
    satisfaction = fields.Nested(SatisfactionSchema)
    handling = fields.List(fields.Nested(HandlingRowSchema))
    time_limits = fields.List(fields.Nested(TimeLimitRowSchema))
    complaints = fields.List(fields.Nested(ComplaintRowSchema))
    repeats = fields.List(fields.Nested(RepeatRowSchema))
    utilisation = fields.List(fields.Nested(UtilisationRowSchema))
    trend = fields.List(fields.Nested(TrendPointSchema))
