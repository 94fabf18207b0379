"""REST API of technicians, skills, visit events and service reports."""
from __future__ import annotations

from flask_smorest import Blueprint

technicians_blp = Blueprint("technicians", __name__, url_prefix="/api/v1/technicians", description="Technicians")

blueprints = [technicians_blp]
