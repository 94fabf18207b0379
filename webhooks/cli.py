"""Flask CLI commands of the webhooks: `flask --app app webhooks send|worker|purge`."""

from __future__ import annotations

import time

import click
from flask import current_app
from flask.cli import AppGroup

webhooks_cli = AppGroup("webhooks", help="Deliver the outbox's events to the registered webhook endpoints.")


@webhooks_cli.command("send")
@click.option(
    "--every",
    "every_s",
    type=click.IntRange(1, 3600),
    default=None,
    help="Keep sending, every this many seconds (without cron or a worker).",
)
def send(every_s: int | None) -> None:
    """Send every due delivery now (run it every minute from cron: the fallback when no worker runs)."""
    from webhooks.service.sending import send_due_webhooks

    while True:
        report = send_due_webhooks()
        click.echo(
            f"delivered {report.delivered}, failed {report.failed} (dead {report.dead}), "
            f"deferred {report.deferred}, endpoints busy elsewhere {report.busy}"
        )
        if every_s is None:
            return
        time.sleep(every_s)


@webhooks_cli.command("purge")
@click.option(
    "--keep-days",
    type=click.IntRange(min=1),
    default=30,
    show_default=True,
    help="Keep delivered events this many days.",
)
def purge(keep_days: int) -> None:
    """Delete delivered outbox events older than the keep time (run it daily from cron)."""
    from datetime import timedelta

    from webhooks.service.deliveries import purge_delivered_events

    click.echo(
        f"deleted {purge_delivered_events(keep=timedelta(days=keep_days))} delivered event(s) "
        f"older than {keep_days} days"
    )


@webhooks_cli.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
def worker(burst: bool) -> None:
    """Run an RQ worker (with its scheduler, for retries) on the webhook queue (REDIS_URL, WEBHOOK_QUEUE)."""
    from webhooks import jobs

    jobs.run_worker(current_app._get_current_object(), burst=burst)


def register(app) -> None:
    """Add the webhook commands to the app."""
    app.cli.add_command(webhooks_cli)
