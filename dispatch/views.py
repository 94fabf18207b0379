"""CS pages: ticket list and ticket page with its timeline."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("dispatch_pages", __name__, template_folder="templates")


@bp.get("/tickets")
def ticket_list():
    return "tickets"
