"""REST API of manual assignment: POST/DELETE /api/v1/visits/<id>/assignment."""

from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint

from common.auth import role_required
from common.idempotency import idempotent
from common.models import Role
from dispatch.schemas import AssignmentSchema, VisitSchema
from dispatch.service import visits
from scheduling.assignments import service

blp = Blueprint(
    "assignments", __name__, url_prefix="/api/v1/visits", description="Manual assignment of a visit to a technician"
)


@blp.route("/<int:visit_id>/assignment")
class VisitAssignment(MethodView):
    @role_required(Role.DISPATCHER)
    @idempotent
    @blp.arguments(AssignmentSchema)
    @blp.response(200, VisitSchema)
    @blp.alt_response(
        409, description="Overlaps another visit of the technician, or the visit's state does not allow it."
    )
    def post(self, data: dict, visit_id: int):
        """Assign a visit to a technician by hand, after a feasibility check (skills, day, shift, window, overlap)."""
        return service.assign_visit(visit_id, technician_id=data["technician_id"], start=data["start"], by=current_user)

    @role_required(Role.DISPATCHER)
    @blp.response(200, VisitSchema)
    @blp.alt_response(
        409,
        description="The visit is not on a technician's day (unscheduled, under way or done); `current` names its "
        "state and `allowed` the states it may go to.",
    )
    def delete(self, visit_id: int):
        """Take a visit off its technician's day (back to unscheduled)."""
        return visits.unassign_visit(visit_id, by=current_user)


blueprints = [blp]
