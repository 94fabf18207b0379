"""REST API for day plans: start a solve job, follow it, publish the plan."""
from __future__ import annotations

blueprints: list = []
