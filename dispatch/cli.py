"""Flask CLI commands of the CS side (`flask --app app seed-demo`)."""
from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Add this domain's commands to the app."""
