"""Flask CLI commands of the CS side: `flask --app app dispatch send-messages`."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from dispatch.service.messages import send_pending_messages

dispatch_cli = AppGroup("dispatch", help="CS-side jobs, e.g. delivering customer messages.")


@dispatch_cli.command("send-messages")
@click.option("--limit", default=100, show_default=True, type=click.IntRange(1, 10_000))
def send_messages_command(limit: int) -> None:
    """Deliver pending customer messages with the MESSAGE_SENDER (run it every minute from cron)."""
    report = send_pending_messages(limit=limit)
    click.echo(f"sent {report.sent}, failed {report.failed}, gave up on {report.given_up}")


def register(app: Flask) -> None:
    """Add this domain's commands to the app."""
    app.cli.add_command(dispatch_cli)
