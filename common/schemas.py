"""Schemas shared across domains: token request/response, pagination, aware datetimes, photo uploads."""

from __future__ import annotations

from datetime import UTC, date

import marshmallow as ma
from marshmallow import fields, validate

from common.images import MAX_PHOTO_BASE64_CHARS, MAX_PHOTOS, PHOTO_TYPES


class AwareDateTime(fields.AwareDateTime):
    """An ISO 8601 timestamp with an offset; naive input is refused as ambiguous."""

    def __init__(self, **kwargs):
        kwargs.setdefault("format", "iso")
        super().__init__(default_timezone=None, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return super()._serialize(value, attr, obj, **kwargs)


class TokenRequestSchema(ma.Schema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=64))
    password = fields.String(required=True, validate=validate.Length(min=1, max=256), load_only=True)


class TokenSchema(ma.Schema):
    token = fields.String(metadata={"description": "Send as 'Authorization: Bearer <token>'."})
    expires_in_s = fields.Integer()
    role = fields.String()
    user_id = fields.Integer()
    technician_id = fields.Integer(allow_none=True)


class PhotoUploadSchema(ma.Schema):
    filename = fields.String(required=True, validate=validate.Length(min=1, max=255))
    content_type = fields.String(
        required=True, validate=validate.Length(min=1, max=100), metadata={"description": ", ".join(PHOTO_TYPES)}
    )
    data_base64 = fields.String(
        required=True,
        validate=validate.Length(min=1, max=MAX_PHOTO_BASE64_CHARS + 100),
        metadata={"description": "The file, base64-encoded (a data URL is accepted too)."},
    )


def photo_uploads(description: str) -> fields.List:
    """A list of up to MAX_PHOTOS photos sent in with a request (none by default)."""
    return fields.List(
        fields.Nested(PhotoUploadSchema),
        load_default=list,
        validate=validate.Length(max=MAX_PHOTOS),
        metadata={"description": description},
    )


class ErrorSchema(ma.Schema):
    """Every error answer of the API (documentation only; `common.error_handlers.error_payload` writes them)."""

    class Meta:
        # Some refusals say more, each under its own key: the fresh `offers` after a lost slot, the `visit_id`
        # or `current` state that conflicts, the `allowed` next states, the `constraint` that refused a write.
        unknown = ma.INCLUDE

    code = fields.Integer(required=True, metadata={"description": "The HTTP status code."})
    status = fields.String(required=True, metadata={"description": "The HTTP status name."})
    message = fields.String(required=True, metadata={"description": "What went wrong and what to do, for a person."})
    errors = fields.Dict(
        required=True,
        metadata={
            "description": 'The fields to fix by location, e.g. {"json": {"phone": ["..."]}}; empty when the refusal '
            "is not about a field."
        },
    )


# Local days the app can turn into moments: the first and last days of Python's calendar cannot be shifted
# to UTC. Any day of this century is accepted; beyond it, a date is a typing mistake.
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)


def within_calendar(day: date) -> None:
    """Validator of a local day in a request: between 2000-01-01 and 2099-12-31."""
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ma.ValidationError(f"Give a day between {FIRST_DAY.isoformat()} and {LAST_DAY.isoformat()}.")
