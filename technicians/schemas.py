"""Request and response schemas of technicians, skills, parts, visit events and service reports."""

from __future__ import annotations

import re
from datetime import datetime, time
from decimal import Decimal

import marshmallow as ma
from marshmallow import fields, validate

from common.images import MAX_PHOTOS, MAX_SIGNATURE_BASE64_CHARS
from common.messages import N_
from common.schemas import AwareDateTime, photo_uploads
from technicians.enums import FailureReason, ServiceResult
from technicians.rules import TECHNICIAN_EVENTS

SKILL_CODE = re.compile(r"^[a-z0-9_]+$")
PHONE = re.compile(r"^\+?[0-9][0-9 -]{4,30}$")


class ClockTime(fields.Field):
    """A local wall-clock time written "HH:MM" (e.g. "08:30")."""

    default_error_messages = {"invalid": "Give a time as HH:MM, e.g. 08:30."}

    def _serialize(self, value: time | None, attr, obj, **kwargs):
        return None if value is None else value.strftime("%H:%M")

    def _deserialize(self, value, attr, data, **kwargs) -> time:
        if not isinstance(value, str) or not re.fullmatch(r"\d{2}:\d{2}", value):
            raise self.make_error("invalid")
        try:
            return datetime.strptime(value, "%H:%M").time()
        except ValueError:
            raise self.make_error("invalid") from None


# --- skills and parts ----------------------------------------------------------------------------


class SkillCreateSchema(ma.Schema):
    code = fields.String(
        required=True,
        validate=[
            validate.Length(min=1, max=64),
            validate.Regexp(SKILL_CODE, error=N_("Use lower-case letters, digits and _ only, e.g. ac_install.")),
        ],
        metadata={"description": "Stable code used by visits and the optimizer, e.g. ac_install."},
    )
    name = fields.String(
        required=True, validate=validate.Length(min=1, max=120), metadata={"description": "Name shown to people."}
    )


class SkillSchema(ma.Schema):
    id = fields.Integer()
    code = fields.String(metadata={"description": "Skill code, e.g. ac_install."})
    name = fields.String()


class PartSchema(ma.Schema):
    id = fields.Integer()
    sku = fields.String(metadata={"description": "Catalogue SKU to send on a service report."})
    name = fields.String()
    price_yuan = fields.Decimal(places=2, as_string=True, metadata={"description": "Unit price in yuan."})


# --- technicians ---------------------------------------------------------------------------------


class TechnicianCreateSchema(ma.Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    phone = fields.String(
        required=True, validate=validate.Regexp(PHONE, error=N_("Give a phone number, e.g. 13900001234."))
    )
    region = fields.String(
        load_default="default",
        validate=validate.Length(min=1, max=64),
        metadata={"description": "The area one dispatcher plans, e.g. shanghai."},
    )
    home_address = fields.String(allow_none=True, validate=validate.Length(max=300))
    home_lat = fields.Float(
        required=True,
        validate=validate.Range(-90, 90),
        metadata={"description": "Start and end of the technician's day (WGS-84)."},
    )
    home_lon = fields.Float(required=True, validate=validate.Range(-180, 180))
    shift_start = ClockTime(required=True, metadata={"description": "Local time, HH:MM, e.g. 08:30."})
    shift_end = ClockTime(required=True, metadata={"description": "Local time, HH:MM, after shift_start."})
    break_start = ClockTime(
        allow_none=True, load_default=None, metadata={"description": "Earliest lunch start, HH:MM; inside the shift."}
    )
    break_end = ClockTime(
        allow_none=True, load_default=None, metadata={"description": "Latest lunch end, HH:MM; inside the shift."}
    )
    break_duration_min = fields.Integer(
        load_default=45,
        validate=validate.Range(0, 240),
        metadata={"description": "Lunch length; fits inside the break window."},
    )
    working_days = fields.List(
        fields.Integer(strict=True),
        load_default=lambda: [1, 2, 3, 4, 5, 6],
        validate=validate.Length(max=7),
        metadata={"description": "ISO weekdays, 1 = Monday ... 7 = Sunday."},
    )
    service_districts = fields.List(
        fields.String(validate=validate.Length(min=1, max=64)),
        load_default=list,
        validate=validate.Length(max=200),
        metadata={"description": "Districts served; empty means the whole region."},
    )
    max_visits_per_day = fields.Integer(load_default=8, validate=validate.Range(1, 50))
    skills = fields.List(
        fields.String(validate=validate.Length(min=1, max=64)),
        load_default=list,
        validate=validate.Length(max=100),
        metadata={"description": "Skill codes."},
    )
    username = fields.String(
        validate=validate.Length(min=3, max=64),
        load_only=True,
        metadata={"description": "Creates a login (role technician) with `password`."},
    )
    password = fields.String(validate=validate.Length(min=8, max=256), load_only=True)

    @ma.validates_schema
    def login_needs_both(self, data: dict, **kwargs) -> None:
        if ("username" in data) != ("password" in data):
            missing = "password" if "username" in data else "username"
            raise ma.ValidationError(N_("Send username and password together to create a login."), missing)


class TechnicianUpdateSchema(TechnicianCreateSchema):
    """Every field optional (load it with partial=True); only the fields sent change."""

    active = fields.Boolean(metadata={"description": "false takes the technician out of planning."})

    class Meta:
        exclude = ("username", "password")


class TechnicianQueryArgsSchema(ma.Schema):
    region = fields.String(validate=validate.Length(max=64))
    skill = fields.String(
        validate=validate.Length(max=64), metadata={"description": "Only technicians with this skill code."}
    )
    active = fields.Boolean(metadata={"description": "Only active (true) or inactive (false) technicians."})


class TechnicianSchema(ma.Schema):
    id = fields.Integer()
    name = fields.String()
    phone = fields.String()
    region = fields.String()
    home_address = fields.String(allow_none=True)
    home_lat = fields.Float()
    home_lon = fields.Float()
    shift_start = ClockTime()
    shift_end = ClockTime()
    break_start = ClockTime(allow_none=True)
    break_end = ClockTime(allow_none=True)
    break_duration_min = fields.Integer()
    working_days = fields.List(fields.Integer())
    service_districts = fields.List(fields.String())
    max_visits_per_day = fields.Integer()
    skills = fields.List(fields.String(), attribute="skill_codes")
    active = fields.Boolean()
    user_id = fields.Integer(allow_none=True)
    username = fields.Function(
        lambda t: t.user.username if t.user else None, metadata={"description": "The technician's login, if any."}
    )


# --- visit events --------------------------------------------------------------------------------


class VisitEventCreateSchema(ma.Schema):
    kind = fields.String(
        required=True,
        data_key="type",
        validate=validate.OneOf(list(TECHNICIAN_EVENTS)),
        metadata={"description": "accepted, en_route, arrived, completed or failed."},
    )
    at = AwareDateTime(
        allow_none=True,
        metadata={
            "description": "When it happened, with an offset; defaults to now. Offline phones send the queued time."
        },
    )
    reason = fields.String(
        allow_none=True,
        validate=validate.OneOf([r.value for r in FailureReason]),
        metadata={"description": "Required with failed: why the visit failed."},
    )
    note = fields.String(allow_none=True, validate=validate.Length(max=2000))
    lat = fields.Float(
        allow_none=True,
        validate=validate.Range(-90, 90),
        metadata={"description": "Where the phone was (WGS-84); stored as check-in on arrived."},
    )
    lon = fields.Float(allow_none=True, validate=validate.Range(-180, 180))


class VisitEventSchema(ma.Schema):
    kind = fields.String(data_key="type")
    at = AwareDateTime()
    timeline_event_id = fields.Integer()
    visit_id = fields.Integer()
    visit_status = fields.String()
    ticket_id = fields.Integer()
    ticket_status = fields.String()
    follow_up_id = fields.Integer(allow_none=True, metadata={"description": "Set by completed: the queued call."})
    rebooking_visit_id = fields.Integer(
        allow_none=True,
        metadata={"description": "Set by failed: the new unscheduled visit CS books with the customer."},
    )


# --- service reports -----------------------------------------------------------------------------


class ReportPartSchema(ma.Schema):
    sku = fields.String(required=True, validate=validate.Length(min=1, max=64))
    qty = fields.Integer(required=True, strict=True, validate=validate.Range(1, 100))


class ServiceReportCreateSchema(ma.Schema):
    work_done = fields.String(required=True, validate=validate.Length(min=1, max=5000))
    result = fields.Enum(ServiceResult, by_value=True, required=True)
    parts = fields.List(
        fields.Nested(ReportPartSchema),
        load_default=list,
        validate=validate.Length(max=50),
        metadata={"description": "Parts used, by catalogue SKU; prices come from the catalogue."},
    )
    fees_yuan = fields.Decimal(
        load_default=0,
        places=2,
        validate=validate.Range(0, 100000),
        metadata={"description": "Fees charged to the customer, yuan, >= 0."},
    )
    photos = photo_uploads(f"At most {MAX_PHOTOS}; JPEG, PNG or WebP up to 5 MB each.")
    signature = fields.String(
        allow_none=True,
        load_default=None,
        validate=validate.Length(max=MAX_SIGNATURE_BASE64_CHARS + 100),
        metadata={"description": "The customer's drawn signature as a PNG data URL."},
    )
    customer_confirmed = fields.Boolean(load_default=False)

    @ma.validates_schema
    def _confirmed_means_signed(self, data, **kwargs):
        # A confirmation without the customer's signature proves nothing if the customer later disputes the work.
        if data.get("customer_confirmed") and not data.get("signature"):
            raise ma.ValidationError(
                N_("The customer confirms the work: their signature is required."), field_name="signature"
            )


class ReportPartOutSchema(ma.Schema):
    sku = fields.String()
    name = fields.String()
    qty = fields.Integer()
    price_yuan = fields.String(
        metadata={"format": "decimal", "description": "Unit price from the catalogue when reported."}
    )


class ServiceReportSchema(ma.Schema):
    id = fields.Integer()
    visit_id = fields.Integer()
    technician_id = fields.Integer()
    work_done = fields.String()
    result = fields.Enum(ServiceResult, by_value=True)
    parts = fields.List(fields.Nested(ReportPartOutSchema))
    parts_total_yuan = fields.Method(
        "_parts_total",
        metadata={"type": "string", "format": "decimal", "description": "Sum of qty x unit price of the parts, yuan."},
    )
    fees_yuan = fields.Decimal(places=2, as_string=True)
    photos = fields.List(
        fields.String(),
        metadata={"description": "Stored file names; fetch each from GET /api/v1/visits/<id>/report/files/<name>."},
    )
    signature = fields.String(allow_none=True, metadata={"description": "Stored file name of the signature."})
    customer_confirmed = fields.Boolean()
    submitted_at = AwareDateTime()

    def _parts_total(self, report) -> str:
        total = sum((Decimal(p["price_yuan"]) * p["qty"] for p in report.parts), Decimal("0"))
        return str(total.quantize(Decimal("0.01")))
