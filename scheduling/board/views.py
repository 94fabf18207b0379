"""The day board page for dispatchers and managers; the page itself draws from the board API."""

from __future__ import annotations

from datetime import date, datetime

from flask import Blueprint, render_template, request

from common.auth import role_required
from common.i18n import local_zone
from common.labels import label
from common.models import Role
from dispatch.enums import VisitStatus
from scheduling.board import service

bp = Blueprint(
    "board_pages", __name__, template_folder="templates", static_folder="static", static_url_path="/static/board"
)


@bp.get("/board")
@role_required(Role.DISPATCHER)
def board():
    try:
        day = date.fromisoformat(request.args.get("date", ""))
    except ValueError:
        day = datetime.now(local_zone()).date()
    regions = service.list_regions()
    region = request.args.get("region") if request.args.get("region") in regions else regions[0]
    return render_template(
        "board/board.html",
        day=day,
        region=region,
        regions=regions,
        status_labels={s.value: str(label(s)) for s in VisitStatus},
    )
