"""REST API for day plans: start a solve job, follow it, publish the plan."""

from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint

from common.auth import role_required
from common.idempotency import idempotent
from scheduling import service
from scheduling.schemas import PlanCreateSchema, PlanQueryArgsSchema, PlanSchema, PlanSummarySchema

blp = Blueprint(
    "plans",
    __name__,
    url_prefix="/api/v1/plans",
    description="Day plans: optimize a region's day in the background, then publish it",
)


@blp.route("")
class Plans(MethodView):
    @role_required("dispatcher")
    @blp.arguments(PlanQueryArgsSchema, location="query")
    @blp.response(200, PlanSummarySchema(many=True))
    def get(self, args: dict):
        """List plans, newest first (at most 100), optionally of one date and region."""
        return service.list_plans(day=args.get("date"), region=args.get("region"))

    @role_required("dispatcher")
    @idempotent
    @blp.arguments(PlanCreateSchema)
    @blp.response(202, PlanSchema)
    @blp.alt_response(503, description="The job queue cannot be reached; the job is marked failed.")
    def post(self, data: dict):
        """Plan a region's day: a draft plan and its solve job (follow it with GET /plans/<id>).

        A retry with the same Idempotency-Key gets the first answer and queues no second job."""
        return service.start_day_plan(data["date"], data["region"], time_limit_s=data["time_limit_s"], by=current_user)


@blp.route("/<int:plan_id>")
class PlanById(MethodView):
    @role_required("dispatcher")
    @blp.response(200, PlanSchema)
    @blp.alt_response(404, description="No such plan.")
    def get(self, plan_id: int):
        """One plan: its job's progress, KPIs, routes in local time, unassigned visits with reasons."""
        return service.get_plan(plan_id)


@blp.route("/<int:plan_id>/publish")
class PlanPublish(MethodView):
    @role_required("dispatcher")
    @idempotent
    @blp.response(200, PlanSchema)
    @blp.alt_response(404, description="No such plan.")
    @blp.alt_response(409, description="Not a feasible, succeeded draft, or its visits changed since the solve.")
    def post(self, plan_id: int):
        """Publish a feasible draft: its visits become scheduled; the day's earlier plan is superseded."""
        return service.publish_plan(plan_id, by=current_user)


blueprints = [blp]
