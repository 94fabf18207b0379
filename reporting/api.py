"""REST API of the dashboard: every measure for a period, for managers and admins."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from common.auth import role_required
from common.models import Role
from reporting import service
from reporting.schemas import KpiDashboardSchema, KpiQueryArgsSchema

kpis_blp = Blueprint(
    "kpis",
    __name__,
    url_prefix="/api/v1/kpis",
    description="The manager's dashboard: first-time fix, on-time arrival, satisfaction, repeat "
    "visits, handling time, complaint causes and technician utilisation",
)


@kpis_blp.route("")
class Kpis(MethodView):
    @role_required(Role.MANAGER)
    @kpis_blp.arguments(KpiQueryArgsSchema, location="query")
    @kpis_blp.response(200, KpiDashboardSchema)
    def get(self, args: dict):
        """Every dashboard measure for a period of local days (both included) and the filters given."""
        return service.summarise_kpis(args.pop("first"), **args)


blueprints = [kpis_blp]
