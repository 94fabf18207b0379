"""Follow-up calls: the queue's query, a call attempt taken in, and a follow-up with its attempts as answered."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from common.input_limits import MAX_ID
from common.messages import N_
from common.schemas import AwareDateTime
from dispatch.enums import CallOutcome, FollowUpStatus, TicketStatus, TicketType
from dispatch.schemas._fields import enum_field, text_field
from dispatch.schemas.nested import CustomerSchema, UserRefSchema


class FollowUpQueryArgsSchema(ma.Schema):
    owner = fields.Integer(
        validate=validate.Range(min=1, max=MAX_ID),
        metadata={"description": "Managers: only this CS owner's queue (user id)."},
    )


class CallAttemptCreateSchema(ma.Schema):
    outcome = enum_field(CallOutcome, required=True, description="reached or no_answer.")
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
    note = text_field(1000, required=False, load_default=None, allow_none=True, min_len=0, description="What was said.")

    @ma.validates_schema
    def _outcome_fields(self, data, **kwargs):
        if data.get("outcome") is CallOutcome.REACHED and data.get("resolved") is None:
            raise ma.ValidationError(N_("Say whether the problem is resolved (true or false)."), field_name="resolved")
        if data.get("outcome") is CallOutcome.NO_ANSWER:
            for name in ("satisfaction", "resolved"):
                if data.get(name) is not None:
                    raise ma.ValidationError(N_("Only a call that reached the customer has this."), field_name=name)


# --- Out ---------------------------------------------------------------------------------------------------


class CallAttemptSchema(ma.Schema):
    id = fields.Integer()
    at = AwareDateTime()
    by = fields.Nested(UserRefSchema)
    outcome = enum_field(CallOutcome, description="reached or no_answer.")
    satisfaction = fields.Integer(allow_none=True)
    resolved = fields.Boolean(allow_none=True)
    note = fields.String(allow_none=True)


class FollowUpSchema(ma.Schema):
    id = fields.Integer()
    ticket_id = fields.Integer()
    visit_id = fields.Integer(allow_none=True)
    owner = fields.Nested(UserRefSchema)
    status = enum_field(FollowUpStatus, description="pending, done, unreachable or cancelled.")
    ticket_status = enum_field(TicketStatus, attribute="ticket.status", description="Status of the ticket now.")
    ticket_type = enum_field(TicketType, attribute="ticket.type", description="Ticket type.")
    customer = fields.Nested(CustomerSchema, attribute="ticket.customer")
    satisfaction = fields.Integer(allow_none=True)
    resolved = fields.Boolean(allow_none=True)
    attempts = fields.List(fields.Nested(CallAttemptSchema))
    created_at = AwareDateTime()
    closed_at = AwareDateTime(allow_none=True)
