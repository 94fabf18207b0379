"""Flask CLI commands for scheduling (`flask --app app scheduling solve-day --date ...`)."""
from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Add the scheduling commands to the app."""
