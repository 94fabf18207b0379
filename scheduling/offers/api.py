"""REST API of slot offers and booking: what CS offers the customer on the phone, and the promise it makes."""

from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint

from common.auth import role_required
from common.idempotency import idempotent
from common.models import Role
from scheduling.offers import service as offers
from scheduling.offers.schemas import BookingCreateSchema, BookingSchema, SlotOffersSchema, SlotQueryArgsSchema

blp = Blueprint(
    "slots",
    __name__,
    url_prefix="/api/v1/visits",
    description="Slot offers for a visit and booking one of them as the customer's promised window",
)


@blp.route("/<int:visit_id>/slots")
class VisitSlots(MethodView):
    @role_required(Role.CS, Role.DISPATCHER)
    @blp.arguments(SlotQueryArgsSchema, location="query")
    @blp.response(200, SlotOffersSchema)
    @blp.alt_response(409, description="The visit is done, cancelled or under way.")
    @blp.alt_response(
        422,
        description="Beyond the ticket's visit quota without a manager's approval, or the address has no coordinates.",
    )
    def get(self, args: dict, visit_id: int):
        """Feasible slots of the coming days (from tomorrow), cheapest first, each saying why; days without any say why.

        Only slots inside the customer's stated availability unless `show_all=true`.
        """
        return offers.offer_slots(visit_id, days=args["days"], show_all=args["show_all"])


@blp.route("/<int:visit_id>/booking")
class VisitBooking(MethodView):
    @role_required(Role.CS, Role.DISPATCHER)
    @idempotent
    @blp.arguments(BookingCreateSchema)
    @blp.response(201, BookingSchema)
    @blp.alt_response(
        409,
        description="The slot is not among the current offers (the body carries fresh "
        "`offers`), the visit is already booked for this very slot (`visit_id`, `technician_id`, `slot_start`; "
        "nothing changes), or the visit is done, cancelled or under way.",
    )
    @blp.alt_response(
        422,
        description="The slot is in the past, or the visit is beyond the ticket's quota without a manager's approval.",
    )
    def post(self, data: dict, visit_id: int):
        """Book one offered slot: it becomes the promised window, and the visit is placed on that technician."""
        return offers.book_slot(visit_id, slot_start=data["slot"], by=current_user)


blueprints = [blp]
