"""REST API of technicians, skills, parts, visit events and service reports."""

from __future__ import annotations

from flask import send_file
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint

from common.auth import login_required_any, role_required
from common.idempotency import idempotent
from technicians.schemas import (
    PartSchema,
    ServiceReportCreateSchema,
    ServiceReportSchema,
    SkillCreateSchema,
    SkillSchema,
    TechnicianCreateSchema,
    TechnicianQueryArgsSchema,
    TechnicianSchema,
    TechnicianUpdateSchema,
    VisitEventCreateSchema,
    VisitEventSchema,
)
from technicians.service import events, reports
from technicians.service import technicians as service

technicians_blp = Blueprint("technicians", __name__, url_prefix="/api/v1/technicians", description="Technicians")
skills_blp = Blueprint("skills", __name__, url_prefix="/api/v1/skills", description="The skill catalogue")
parts_blp = Blueprint("parts", __name__, url_prefix="/api/v1/parts", description="The spare-parts catalogue")
# dispatch's visit blueprint shares the prefix (listing, assignment); this one holds the technician's work on a visit.
visit_work_blp = Blueprint(
    "visit_work",
    __name__,
    url_prefix="/api/v1/visits",
    description="A technician's work on a visit: status events and the service report",
)

STAFF = ("cs", "dispatcher")  # managers and admins hold these too


@technicians_blp.route("")
class Technicians(MethodView):
    @role_required(*STAFF)
    @technicians_blp.arguments(TechnicianQueryArgsSchema, location="query")
    @technicians_blp.response(200, TechnicianSchema(many=True))
    def get(self, args: dict):
        """List technicians, optionally by region, skill or active."""
        return service.list_technicians(**args)

    @role_required("dispatcher")
    @technicians_blp.arguments(TechnicianCreateSchema)
    @technicians_blp.response(201, TechnicianSchema)
    def post(self, data: dict):
        """Register a technician (and, with username and password, their login)."""
        return service.create_technician(**data)


@technicians_blp.route("/<int:technician_id>")
class TechnicianById(MethodView):
    @role_required(*STAFF, "technician")
    @technicians_blp.response(200, TechnicianSchema)
    def get(self, technician_id: int):
        """One technician; a technician sees only themselves."""
        return service.get_technician(technician_id, by=current_user)

    @role_required("dispatcher")
    @technicians_blp.arguments(TechnicianUpdateSchema(partial=True))
    @technicians_blp.response(200, TechnicianSchema)
    def patch(self, data: dict, technician_id: int):
        """Change some fields of a technician; hours are checked as a whole."""
        return service.update_technician(technician_id, **data)


@skills_blp.route("")
class Skills(MethodView):
    @login_required_any
    @skills_blp.response(200, SkillSchema(many=True))
    def get(self):
        """The skill catalogue."""
        return service.list_skills()

    @role_required("dispatcher")
    @skills_blp.arguments(SkillCreateSchema)
    @skills_blp.response(201, SkillSchema)
    @skills_blp.alt_response(409, description="A skill with that code exists already.")
    def post(self, data: dict):
        """Add a skill; codes are unique."""
        return service.create_skill(data["code"], name=data["name"])


@parts_blp.route("")
class Parts(MethodView):
    @login_required_any
    @parts_blp.response(200, PartSchema(many=True))
    def get(self):
        """The parts technicians may record on a service report."""
        return service.list_parts()


@visit_work_blp.route("/<int:visit_id>/events")
class VisitEvents(MethodView):
    @role_required("technician")
    @idempotent
    @visit_work_blp.arguments(VisitEventCreateSchema)
    @visit_work_blp.response(201, VisitEventSchema)
    def post(self, data: dict, visit_id: int):
        """Send a status event for your own visit: accepted, en_route, arrived, completed or failed."""
        return events.record_visit_event(visit_id, by=current_user, **data)


@visit_work_blp.route("/<int:visit_id>/report")
class VisitReport(MethodView):
    @role_required(*STAFF, "technician")
    @visit_work_blp.response(200, ServiceReportSchema)
    def get(self, visit_id: int):
        """The service report of a visit (staff, or the technician whose visit it is)."""
        return reports.get_service_report(visit_id, by=current_user)

    @role_required("technician")
    @idempotent
    @visit_work_blp.arguments(ServiceReportCreateSchema)
    @visit_work_blp.response(201, ServiceReportSchema)
    def post(self, data: dict, visit_id: int):
        """File the service report of your own visit, on site (after arrived); one report per visit."""
        return reports.submit_service_report(visit_id, by=current_user, **data)


@visit_work_blp.route("/<int:visit_id>/report/files/<string:name>")
class VisitReportFile(MethodView):
    @role_required(*STAFF, "technician")
    @visit_work_blp.doc(
        responses={
            "200": {
                "description": "The photo or signature image.",
                "content": {"image/*": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    )
    def get(self, visit_id: int, name: str):
        """One photo or the signature of a visit's service report."""
        return send_file(reports.report_file_path(visit_id, name, by=current_user))


blueprints = [technicians_blp, skills_blp, parts_blp, visit_work_blp]
