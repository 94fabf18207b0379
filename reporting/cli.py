"""Flask CLI commands of the dashboard: `flask --app app reporting generate-history`."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup


def register(app: Flask) -> None:
    """Add this domain's commands to the app."""
    reporting_cli = AppGroup(
        "reporting", help="The manager's dashboard: generated history for benchmarks, the summary tables."
    )

    @reporting_cli.command("generate-history")
    @click.option("--tickets", default=100_000, show_default=True, type=click.IntRange(1, 2_000_000))
    @click.option(
        "--days",
        default=365,
        show_default=True,
        type=click.IntRange(1, 3_650),
        help="Local days before now the tickets are registered over.",
    )
    @click.option("--technicians", default=40, show_default=True, type=click.IntRange(1, 1_000))
    @click.option("--region", default="shanghai", show_default=True)
    @click.option("--seed", default=1, show_default=True, type=int)
    def generate_history_command(tickets: int, days: int, technicians: int, region: str, seed: int) -> None:
        """Add a generated history of tickets with visits, reports and follow-up calls (benchmarks, demos)."""
        from reporting.history import generate_history

        summary = generate_history(tickets=tickets, days=days, technicians=technicians, region=region, seed=seed)
        click.echo(
            f"Generated {summary.tickets} tickets, {summary.visits} visits and {summary.follow_ups} "
            f"follow-ups registered {summary.first} .. {summary.last}."
        )

    @reporting_cli.command("backfill-summary")
    def backfill_summary_command() -> None:
        """Build the dashboard's summary tables again from every ticket (after an upgrade, or a bulk import)."""
        from common.transaction import transaction
        from reporting.summary import rebuild_summary

        with transaction() as session:
            counts = rebuild_summary(session.connection())
        click.echo(", ".join(f"{table}: {rows} rows" for table, rows in counts.items()))

    app.cli.add_command(reporting_cli)
