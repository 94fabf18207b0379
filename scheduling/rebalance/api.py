"""REST API for rebalancing a day under way: preview an event's change set, apply it, read it back."""

from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint

from common.auth import role_required
from common.idempotency import idempotent
from scheduling.rebalance import service
from scheduling.rebalance.schemas import RebalancePreviewSchema, RebalanceSchema

blp = Blueprint(
    "rebalance",
    __name__,
    url_prefix="/api/v1/rebalance",
    description="Rebalance a day under way: a technician out, an overrun, an urgent visit, a "
    "cancellation, a spare technician",
)


@blp.route("/preview")
class RebalancePreview(MethodView):
    @role_required("dispatcher")
    @idempotent
    @blp.arguments(RebalancePreviewSchema)
    @blp.response(200, RebalanceSchema)
    @blp.alt_response(422, description="The event does not fit the day; the message names the field.")
    def post(self, data: dict):
        """What the event changes (moved visits, broken promises, unassigned, customers to call); nothing applied."""
        row = service.preview_rebalance(data["date"], data["region"], event=data["event"], by=current_user)
        return service.rebalance_view(row)


@blp.route("/<int:rebalance_id>")
class RebalanceById(MethodView):
    @role_required("dispatcher")
    @blp.response(200, RebalanceSchema)
    @blp.alt_response(404, description="No such rebalance.")
    def get(self, rebalance_id: int):
        """A stored rebalance, previewed or applied."""
        return service.rebalance_view(service.get_rebalance(rebalance_id))


@blp.route("/<int:rebalance_id>/apply")
class RebalanceApply(MethodView):
    @role_required("dispatcher")
    @idempotent
    @blp.response(200, RebalanceSchema)
    @blp.alt_response(404, description="No such rebalance.")
    @blp.alt_response(409, description="Applied already, or the day changed since the preview: preview again.")
    def post(self, rebalance_id: int):
        """Apply exactly the previewed change set in one transaction; every change goes on its ticket's timeline."""
        return service.rebalance_view(service.apply_rebalance(rebalance_id, by=current_user))


blueprints = [blp]
