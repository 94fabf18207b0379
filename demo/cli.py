"""Flask CLI command of the demo: `flask --app app seed-demo`."""

from __future__ import annotations

import click
from flask import Flask

from demo.seed import DEMO_PASSWORD, demo_exists, reset_database, seed_demo


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has users.")
@click.option("--reset", is_flag=True, help="Wipe every table first (demo databases only!).")
@click.option("--tickets", default=150, show_default=True, type=click.IntRange(1, 2000))
def seed_demo_command(if_empty: bool, reset: bool, tickets: int) -> None:
    """Fill the database with the Shanghai demo (users, technicians, tickets) and plan today."""
    if reset:
        reset_database()
    elif demo_exists():
        if if_empty:
            click.echo("The database already has data; the demo was not seeded again.")
            return
        raise click.ClickException("The database already has users; use --reset to wipe it (demo only).")
    summary = seed_demo(tickets=tickets)
    click.echo(
        f"Seeded {summary.users} users ({summary.technicians} technicians) and {summary.tickets} "
        f"tickets; planned and published: {', '.join(summary.planned_days) or 'nothing'}."
    )
    click.echo(f"Log in as cs, dispatcher, manager, admin or tech01..tech25 with password '{DEMO_PASSWORD}'.")


def register(app: Flask) -> None:
    """Add the demo's command to the app."""
    app.cli.add_command(seed_demo_command)
