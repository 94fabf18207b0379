"""Flask CLI commands for housekeeping shared by every domain: `flask --app app purge-idempotency-keys`."""

from __future__ import annotations

from datetime import timedelta

import click
from flask import Flask, current_app

from common.idempotency import purge_old_records


def register(app: Flask) -> None:
    """Add the shared commands to the app."""

    @app.cli.command("purge-idempotency-keys")
    @click.option(
        "--keep-hours",
        type=click.IntRange(min=1),
        default=None,
        help="Keep answers this many hours (default: IDEMPOTENCY_KEEP_HOURS, 72).",
    )
    def purge_idempotency_keys_command(keep_hours: int | None) -> None:
        """Delete stored Idempotency-Key answers older than the keep time (run it daily from cron)."""
        hours = keep_hours or current_app.config["IDEMPOTENCY_KEEP_HOURS"]
        deleted = purge_old_records(timedelta(hours=hours))
        click.echo(f"deleted {deleted} idempotency record(s) older than {hours} h")
