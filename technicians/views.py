"""Technician mobile pages: today's route, the job page, and the service worker that keeps them offline."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, current_app, jsonify, render_template, send_from_directory, url_for
from flask_babel import gettext as _
from flask_login import current_user

from common.auth import role_required
from common.images import MAX_PHOTO_BYTES, MAX_PHOTOS, PHOTO_TYPES
from common.models import Role
from dispatch import labels as dispatch_labels
from dispatch.enums import TicketType, VisitStatus
from technicians import labels as technician_labels
from technicians.enums import FailureReason, ServiceResult
from technicians.service.route import get_job, get_route
from technicians.service.technicians import list_parts

bp = Blueprint("technician_pages", __name__, url_prefix="/m", template_folder="templates")

MOBILE_STATIC = Path(__file__).resolve().parent.parent / "static" / "m"

STATUS_LABELS = dispatch_labels.ENUM_LABELS[VisitStatus]
FAILURE_LABELS = technician_labels.ENUM_LABELS[FailureReason]
RESULT_LABELS = technician_labels.ENUM_LABELS[ServiceResult]
TICKET_TYPE_LABELS = dispatch_labels.ENUM_LABELS[TicketType]


@bp.get("/today")
@role_required(Role.TECHNICIAN)
def today():
    """Today's route: visits in order with planned times, ETA, map and call buttons."""
    route = get_route(by=current_user)
    precache = [url_for(".job", visit_id=stop.visit.id) for stop in route.stops]
    return render_template("technicians/today.html", route=route, precache=precache, **_labels())


@bp.get("/today/version")
@role_required(Role.TECHNICIAN)
def today_version():
    """The version of today's route: the route page polls it when it syncs and reloads when it changed."""
    return jsonify(version=get_route(by=current_user).version)


@bp.get("/visits/<int:visit_id>")
@role_required(Role.TECHNICIAN)
def job(visit_id: int):
    """The job page: status buttons, the service form and the failure form of one own visit."""
    stop = get_job(visit_id, by=current_user)
    parts = list_parts()
    return render_template("technicians/job.html", stop=stop, parts=parts, precache=[], **_labels())


@bp.get("/sw.js")
def service_worker():
    """The service worker, served from /m/ so that its scope covers the technician pages."""
    response = send_from_directory(MOBILE_STATIC, "sw.js", mimetype="text/javascript", max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    return response


def _labels() -> dict:
    return {
        "status_labels": STATUS_LABELS,
        "failure_labels": FAILURE_LABELS,
        "result_labels": RESULT_LABELS,
        "ticket_type_labels": TICKET_TYPE_LABELS,
    }


@bp.app_template_global("mobile_config")
def mobile_config(precache: list[str]) -> dict:
    """What the pages' JavaScript needs: who is logged in, API paths, limits and every message it shows."""
    return {
        "user_id": current_user.id,
        "events_url": "/api/v1/visits/{id}/events",
        "report_url": "/api/v1/visits/{id}/report",
        "sw_url": url_for(".service_worker", v=static_version()),
        "scope": url_for(".today").rsplit("/", 1)[0] + "/",
        "today_url": url_for(".today"),
        "precache": precache,
        "photo_types": list(PHOTO_TYPES),
        "max_photo_bytes": MAX_PHOTO_BYTES,
        "max_photos": MAX_PHOTOS,
        "max_body_bytes": current_app.config.get("MAX_CONTENT_LENGTH") or 16 * 1024 * 1024,
        "status_labels": {key: str(value) for key, value in STATUS_LABELS.items()},
        "messages": _js_messages(),
    }


@lru_cache(maxsize=1)
def static_version() -> str:
    """A digest of the mobile static files: a new deploy installs a new service worker and a fresh cache."""
    digest = hashlib.sha256()
    for path in sorted(MOBILE_STATIC.glob("*")) + [MOBILE_STATIC.parent / "app.css"]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _js_messages() -> dict[str, str]:
    """Every sentence the mobile JavaScript shows, in the user's language ({n}, {name}... are filled in by JS)."""
    return {
        "online": _("Online"),
        "offline": _("Offline: actions are saved on this phone"),
        "stalled": _("No connection: will retry"),
        "sending": _("Sending…"),
        "saved_offline": _("Saved on this phone; it will be sent when the signal returns."),
        "sent": _("Sent."),
        "moved": _(
            "This visit was moved to another technician or is no longer on your list; "
            "your notes are kept below. Call the dispatcher."
        ),
        "conflict": _(
            "The office changed this visit before your update arrived; your notes are kept below. Call the dispatcher."
        ),
        "refused": _("The server refused this update; your notes are kept below."),
        "blocked": _("Not sent, because an earlier update of this visit needs attention."),
        "login_again": _("Your login has expired: log in again to send the saved actions. They stay on this phone."),
        "reload": _("Reload the page to send the saved actions. They stay on this phone."),
        "server_error": _("The server had a problem; the saved actions will be sent again shortly."),
        "dismiss": _("Remove"),
        "confirm_dismiss": _("Remove this saved action from the phone? Copy your notes first if you still need them."),
        "your_notes": _("Your notes"),
        "work_done_required": _("Describe the work done."),
        "signature_required": _("The customer confirms the work: ask them to sign first."),
        "reason_required": _("Choose why the visit failed."),
        "photo_type": _("{name}: only JPEG, PNG or WebP photos can be sent."),
        "photo_size": _("{name} is larger than {mb} MB; take a smaller photo."),
        "photo_count": _("At most {n} photos per visit."),
        "too_large": _("The photos are too large to send together; remove one or take smaller photos."),
        "remove_photo": _("Remove photo"),
        "locating": _("Getting your location…"),
        "no_location": _("Location unavailable; checking in without it."),
        "action_accepted": _("Accept"),
        "action_en_route": _("On the way"),
        "action_arrived": _("Arrived"),
        "action_completed": _("Completed"),
        "action_failed": _("Failed"),
        "action_report": _("Service report"),
        "visit": _("Visit {id}"),
    }
