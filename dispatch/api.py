"""REST API of the CS side: tickets, visits, follow-ups."""
from __future__ import annotations

from flask_smorest import Blueprint

tickets_blp = Blueprint("tickets", __name__, url_prefix="/api/v1/tickets", description="On-site service tickets")

blueprints = [tickets_blp]
