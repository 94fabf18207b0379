"""Technician mobile pages."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("technician_pages", __name__, url_prefix="/m", template_folder="templates")


@bp.get("/today")
def today():
    return "today"
