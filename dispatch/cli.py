"""Flask CLI commands of the CS side: `flask --app app seed-demo`."""
from __future__ import annotations

import click
from flask import Flask


def register(app: Flask) -> None:
    """Add this domain's commands to the app."""

    @app.cli.command("seed-demo")
    @click.option("--if-empty", is_flag=True, help="Do nothing when the database already has users.")
    @click.option("--reset", is_flag=True, help="Wipe every table first (demo databases only!).")
    @click.option("--tickets", default=150, show_default=True, type=click.IntRange(1, 2000))
    def seed_demo_command(if_empty: bool, reset: bool, tickets: int) -> None:
        """Fill the database with the Shanghai demo (users, technicians, tickets) and plan today."""
        from demo.seed import DEMO_PASSWORD, demo_exists, reset_database, seed_demo

        if reset:
            reset_database()
        elif demo_exists():
            if if_empty:
                click.echo("The database already has data; the demo was not seeded again.")
                return
            raise click.ClickException("The database already has users; use --reset to wipe it (demo only).")
        summary = seed_demo(tickets=tickets)
        click.echo(f"Seeded {summary.users} users ({summary.technicians} technicians) and {summary.tickets} "
                   f"tickets; planned and published: {', '.join(summary.planned_days) or 'nothing'}.")
        click.echo(f"Log in as cs, dispatcher, manager, admin or tech01..tech25 with password '{DEMO_PASSWORD}'.")

    from flask.cli import AppGroup

    dispatch_cli = AppGroup("dispatch", help="CS-side jobs, e.g. delivering customer messages.")

    @dispatch_cli.command("send-messages")
    @click.option("--limit", default=100, show_default=True, type=click.IntRange(1, 10_000))
    def send_messages_command(limit: int) -> None:
        """Deliver pending customer messages with the MESSAGE_SENDER (run it every minute from cron)."""
        from dispatch.service.messages import send_pending_messages

        report = send_pending_messages(limit=limit)
        click.echo(f"sent {report.sent}, failed {report.failed}, gave up on {report.given_up}")

    app.cli.add_command(dispatch_cli)
