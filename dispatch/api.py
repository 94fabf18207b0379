"""REST API of the CS side: tickets, visits, follow-ups."""

from __future__ import annotations

from flask import jsonify, send_file
from flask.views import MethodView
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_smorest import Blueprint

from common.auth import login_required_any, role_required
from common.error_handlers import explain_constraint
from common.idempotency import idempotent
from common.models import Role
from dispatch.schemas import (
    CallAttemptCreateSchema,
    CustomerUpdateSchema,
    FollowUpQueryArgsSchema,
    FollowUpSchema,
    QuotaDecisionSchema,
    ReasonInSchema,
    TicketCancelSchema,
    TicketCreateSchema,
    TicketDetailSchema,
    TicketQueryArgsSchema,
    TicketSchema,
    TicketSummarySchema,
    VisitQueryArgsSchema,
    VisitSchema,
)
from dispatch.service import follow_ups, ticket_changes, tickets, visits

tickets_blp = Blueprint("tickets", __name__, url_prefix="/api/v1/tickets", description="On-site service tickets")
visits_blp = Blueprint(
    "visits", __name__, url_prefix="/api/v1/visits", description="Visits: listing per role and manual assignment"
)
follow_ups_blp = Blueprint(
    "followups", __name__, url_prefix="/api/v1/followups", description="Follow-up calls (回访) after a visit"
)

STAFF = (Role.CS, Role.DISPATCHER, Role.MANAGER)

# Constraints that refuse a write which raced past the checks, and what the person should do then.
explain_constraint(
    "uq_tickets_open_per_unit_and_type",
    _l("This unit already has an open ticket of this type; open that ticket and add to it instead."),
)
explain_constraint(
    "ex_visits_technician_no_overlap",
    _l("The technician already has a visit at that time; ask for fresh slot offers or pick another time."),
)


@tickets_blp.route("")
class Tickets(MethodView):
    @role_required(Role.CS)
    @idempotent
    @tickets_blp.arguments(TicketCreateSchema)
    @tickets_blp.response(201, TicketSchema)
    @tickets_blp.alt_response(
        409, description="The same ticket is already open (names its id), or the order is stored with another value."
    )
    def post(self, data: dict):
        """Register a service request from an order; its first visit waits unscheduled."""
        return tickets.register_ticket(data, by=current_user)

    @role_required(*STAFF)
    @tickets_blp.arguments(TicketQueryArgsSchema, location="query")
    @tickets_blp.response(200, TicketSummarySchema(many=True))
    @tickets_blp.paginate()
    def get(self, args: dict, pagination_parameters):
        """Tickets, newest first, paginated (page, page_size <= 100; X-Pagination header); `q` searches."""
        page = tickets.list_tickets(
            status=args.get("status"),
            owner_id=args.get("owner"),
            created_on=args.get("date"),
            q=args.get("q"),
            needs_rebooking=args.get("needs_rebooking", False),
            overdue=args.get("overdue", False),
            page=pagination_parameters.page,
            page_size=pagination_parameters.page_size,
        )
        pagination_parameters.item_count = page.total
        return page.items


@tickets_blp.route("/<int:ticket_id>")
class TicketById(MethodView):
    @role_required(*STAFF)
    @tickets_blp.response(200, TicketDetailSchema)
    def get(self, ticket_id: int):
        """One ticket with its visits and timeline."""
        return tickets.get_ticket(ticket_id)


@tickets_blp.route("/<int:ticket_id>/photos/<string:name>")
class TicketPhoto(MethodView):
    @role_required(*STAFF)
    @tickets_blp.doc(
        responses={
            "200": {
                "description": "The photo.",
                "content": {"image/*": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    )
    def get(self, ticket_id: int, name: str):
        """One of the photos CS took in with the ticket."""
        return send_file(tickets.ticket_photo_path(ticket_id, name))


@tickets_blp.route("/<int:ticket_id>/cancel")
class TicketCancel(MethodView):
    @role_required(Role.CS)
    @idempotent
    @tickets_blp.arguments(TicketCancelSchema)
    @tickets_blp.response(200, TicketSchema)
    def post(self, data: dict, ticket_id: int):
        """Cancel a ticket and its open visits (409 once a technician has started)."""
        return tickets.cancel_ticket(ticket_id, reason=data["reason"], by=current_user)


@tickets_blp.route("/<int:ticket_id>/reopen")
class TicketReopen(MethodView):
    @role_required(Role.CS)
    @idempotent
    @tickets_blp.arguments(ReasonInSchema)
    @tickets_blp.response(200, TicketSchema)
    @tickets_blp.alt_response(409, description="The ticket is not closed.")
    def post(self, data: dict, ticket_id: int):
        """Reopen a closed ticket with a new visit; beyond the order's quota that visit waits for a manager."""
        return ticket_changes.reopen_ticket(ticket_id, reason=data["reason"], by=current_user)


@tickets_blp.route("/<int:ticket_id>/customer")
class TicketCustomer(MethodView):
    @role_required(Role.CS)
    @tickets_blp.arguments(CustomerUpdateSchema(partial=True))
    @tickets_blp.response(200, TicketSchema)
    def patch(self, data: dict, ticket_id: int):
        """Correct the customer's name, phone or address; a new address is located again (lat/lon, approximate)."""
        return ticket_changes.update_customer(ticket_id, changes=data, by=current_user)


@tickets_blp.route("/<int:ticket_id>/visits")
class TicketVisits(MethodView):
    @role_required(Role.CS)
    @idempotent
    @tickets_blp.arguments(ReasonInSchema)
    @tickets_blp.response(201, VisitSchema)
    @tickets_blp.alt_response(409, description="The ticket is finished, or one of its visits is still to be done.")
    def post(self, data: dict, ticket_id: int):
        """Add an on-site visit; beyond the order's quota it waits for a manager's approval (awaiting_quota_approval)."""
        return ticket_changes.add_visit(ticket_id, reason=data["reason"], by=current_user)


@visits_blp.route("/<int:visit_id>/quota-approval")
class VisitQuotaApproval(MethodView):
    @role_required(Role.MANAGER)
    @idempotent
    @visits_blp.arguments(QuotaDecisionSchema)
    @visits_blp.response(200, VisitSchema)
    @visits_blp.alt_response(409, description="The visit is not waiting for an approval.")
    def post(self, data: dict, visit_id: int):
        """Approve a visit beyond the order's quota (it may then be booked and planned), or refuse it with a reason."""
        return visits.decide_quota_approval(
            visit_id, approve=data["decision"] == "approve", reason=data["reason"], by=current_user
        )


@visits_blp.route("/<int:visit_id>/cancel")
class VisitCancel(MethodView):
    @role_required(Role.CS)
    @idempotent
    @visits_blp.arguments(ReasonInSchema)
    @visits_blp.response(200, VisitSchema)
    @visits_blp.alt_response(409, description="A technician has started the visit, or it is finished.")
    def post(self, data: dict, visit_id: int):
        """Cancel one visit with a reason; its slot is freed."""
        return ticket_changes.cancel_visit(visit_id, reason=data["reason"], by=current_user)


@visits_blp.route("")
class Visits(MethodView):
    @login_required_any
    @visits_blp.arguments(VisitQueryArgsSchema, location="query")
    @visits_blp.response(
        200,
        VisitSchema(many=True),
        description="Staff get VisitSchema; a technician gets only their own visits as "
        "VisitForTechnicianSchema (customer_phone only for today's visits).",
    )
    def get(self, args: dict):
        """Visits by planned start (at most `limit`)."""
        view = visits.list_visits(
            on_date=args.get("date"),
            technician_id=args.get("technician_id"),
            status=args.get("status"),
            limit=args["limit"],
            by=current_user,
        )
        return jsonify(view.schema(many=True).dump(view.items))


@visits_blp.route("/<int:visit_id>")
class VisitById(MethodView):
    @login_required_any
    @visits_blp.response(200, VisitSchema, description="VisitForTechnicianSchema for technicians.")
    def get(self, visit_id: int):
        """One visit; another technician's visit is 404."""
        view = visits.get_visit(visit_id, by=current_user)
        return jsonify(view.schema().dump(view.items[0]))


@follow_ups_blp.route("")
class FollowUps(MethodView):
    @role_required(Role.CS)
    @follow_ups_blp.arguments(FollowUpQueryArgsSchema, location="query")
    @follow_ups_blp.response(200, FollowUpSchema(many=True))
    def get(self, args: dict):
        """Pending follow-ups, oldest first: your own queue (managers: all, or ?owner=)."""
        return follow_ups.list_follow_ups(owner_id=args.get("owner"), by=current_user)


@follow_ups_blp.route("/<int:follow_up_id>/attempts")
class FollowUpAttempts(MethodView):
    @role_required(Role.CS)
    @idempotent
    @follow_ups_blp.arguments(CallAttemptCreateSchema)
    @follow_ups_blp.response(201, FollowUpSchema)
    def post(self, data: dict, follow_up_id: int):
        """Record a follow-up call: closes the ticket, reopens it with a new visit, or counts a missed call."""
        return follow_ups.record_call_attempt(follow_up_id, by=current_user, **data)


blueprints = [tickets_blp, visits_blp, follow_ups_blp]
