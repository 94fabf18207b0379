"""REST API of remedies: the ladder on a ticket, the manager's approval, return orders and receipt checks."""

from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint

from common.auth import role_required
from common.idempotency import idempotent
from common.models import Role
from dispatch.remedies import service
from dispatch.remedies.schemas import (
    ReceiptCheckCreateSchema,
    RemedyCreateSchema,
    RemedyDecisionSchema,
    RemedySchema,
    ReturnOrderSchema,
    TicketRemediesSchema,
)

STAFF = (Role.CS, Role.DISPATCHER, Role.MANAGER)

ticket_remedies_blp = Blueprint(
    "ticket_remedies",
    __name__,
    url_prefix="/api/v1/tickets",
    description="Remedies on a ticket's ladder: explanation, coupon, compensation, exchange, return",
)
remedies_blp = Blueprint(
    "remedies", __name__, url_prefix="/api/v1/remedies", description="A manager's decision on a compensation"
)
returns_blp = Blueprint(
    "remedy_returns",
    __name__,
    url_prefix="/api/v1/remedies/returns",
    description="Return orders of exchanges and returns, and the warehouse's receipt check",
)


@ticket_remedies_blp.route("/<int:ticket_id>/remedies")
class TicketRemedies(MethodView):
    @role_required(*STAFF)
    @ticket_remedies_blp.response(200, TicketRemediesSchema)
    def get(self, ticket_id: int):
        """The ticket's remedies in the order offered, its return orders, and the steps CS may offer next."""
        return service.ticket_remedies(ticket_id)

    @role_required(Role.CS)
    @idempotent
    @ticket_remedies_blp.arguments(RemedyCreateSchema)
    @ticket_remedies_blp.response(201, RemedySchema)
    @ticket_remedies_blp.alt_response(
        409,
        description="A compensation waits for a manager, a remedy is already in effect, the ticket is cancelled, "
        "or (exchange/return) another visit is still to be done.",
    )
    def post(self, data: dict, ticket_id: int):
        """Record a remedy offered and the customer's answer; accepted exchange/return creates the return order,
        its pickup visit and its destination warehouse; accepted compensation above 30 yuan waits for a manager."""
        return service.offer_remedy(ticket_id, by=current_user, **data)


@remedies_blp.route("/<int:remedy_id>/approval")
class RemedyApproval(MethodView):
    @role_required(Role.MANAGER)
    @idempotent
    @remedies_blp.arguments(RemedyDecisionSchema)
    @remedies_blp.response(200, RemedySchema)
    @remedies_blp.alt_response(409, description="The remedy is not waiting for an approval.")
    def post(self, data: dict, remedy_id: int):
        """A manager approves a compensation above CS's limit, or refuses it with a reason."""
        return service.decide_compensation(
            remedy_id, approve=data["decision"] == "approve", reason=data["reason"], by=current_user
        )


@returns_blp.route("/<int:return_id>")
class ReturnById(MethodView):
    @role_required(*STAFF)
    @returns_blp.response(200, ReturnOrderSchema)
    def get(self, return_id: int):
        """One return order with its pickup visit, warehouse and receipt check."""
        return service.get_return(return_id)


@returns_blp.route("/<int:return_id>/receipt-check")
class ReturnReceiptCheck(MethodView):
    @role_required(*STAFF)
    @idempotent
    @returns_blp.arguments(ReceiptCheckCreateSchema)
    @returns_blp.response(201, ReturnOrderSchema)
    @returns_blp.alt_response(409, description="Already checked, or the unit is not picked up yet.")
    def post(self, data: dict, return_id: int):
        """Record the warehouse's receipt check: packaging, appearance, quantity; all pass -> to stock, else repair."""
        return service.record_receipt_check(return_id, by=current_user, **data)


blueprints = [ticket_remedies_blp, remedies_blp, returns_blp]
