"""REST API of the day board: the day as the board draws it, and what a draft plan would change."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from common.auth import role_required
from common.models import Role
from scheduling.board import service
from scheduling.board.schemas import BoardQueryArgsSchema, BoardSchema, PlanChangesSchema

blp = Blueprint(
    "board",
    __name__,
    url_prefix="/api/v1/board",
    description="The dispatcher's day board: technicians, visits, routes and unassigned visits",
)


@blp.route("")
class Board(MethodView):
    @role_required(Role.DISPATCHER)
    @blp.arguments(BoardQueryArgsSchema, location="query")
    @blp.response(200, BoardSchema)
    def get(self, args: dict):
        """A region's day: technicians with shifts and breaks, visits with windows, routes, unassigned visits."""
        return service.get_board(args["date"], args["region"])


@blp.route("/plans/<int:plan_id>/changes")
class PlanChanges(MethodView):
    @role_required(Role.DISPATCHER)
    @blp.response(200, PlanChangesSchema)
    @blp.alt_response(404, description="No such plan.")
    def get(self, plan_id: int):
        """What publishing this plan would change on its day: visits added, moved, and left out."""
        return service.compare_plan(plan_id)


blueprints = [blp]
