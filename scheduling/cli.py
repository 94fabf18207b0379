"""Flask CLI commands for scheduling: `flask --app app scheduling worker|solve-day|requeue-stale`."""

from __future__ import annotations

from datetime import date

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from common import jobs
from common.errors import DomainError
from scheduling import service, store
from scheduling.rules import DEFAULT_TIME_LIMIT_S, MAX_TIME_LIMIT_S, MIN_TIME_LIMIT_S

scheduling_cli = AppGroup("scheduling", help="Plan days with the optimizer and run solve jobs.")


@scheduling_cli.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
def worker(burst: bool) -> None:
    """Run an RQ worker on the solve queue (REDIS_URL; JOB_QUEUE, by default named after the database).

    It renews the lease of the job it solves, and while idle takes back the jobs of dead workers and lost
    queue messages (JOB_LEASE_S, JOB_MAINTENANCE_S)."""
    # A worker works the queue whatever JOBS_EAGER says: the jobs it takes back go to the queue, not inline.
    current_app.config["JOBS_EAGER"] = False
    jobs.run_worker(
        current_app._get_current_object(),
        burst=burst,
        keep_alive=service.keep_job_alive,
        maintenance=service.recover_solve_jobs,
    )


@scheduling_cli.command("solve-day")
@click.option(
    "--date",
    "day",
    required=True,
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Local date to plan, e.g. 2026-11-24.",
)
@click.option("--region", required=True, help="Region to plan, e.g. shanghai.")
@click.option(
    "--time-limit",
    "time_limit_s",
    type=click.IntRange(MIN_TIME_LIMIT_S, MAX_TIME_LIMIT_S),
    default=DEFAULT_TIME_LIMIT_S,
    show_default=True,
    help="Solver time limit in seconds.",
)
@click.option("--publish", is_flag=True, help="Publish the plan when it is feasible.")
@click.option("--queue", "queued", is_flag=True, help="Hand the solve to a worker instead of solving here.")
def solve_day(day, region: str, time_limit_s: int, publish: bool, queued: bool) -> None:
    """Plan one region's day; prints KPIs, unassigned visits with reasons and any violations."""
    if publish and queued:
        raise click.UsageError("--publish needs the solve to finish here; leave out --queue.")
    day: date = day.date()
    try:
        plan = service.start_day_plan(day, region, time_limit_s=time_limit_s, by=None, eager=not queued)
    except DomainError as error:
        raise click.ClickException(error.message) from error
    job = plan.job
    click.echo(
        f"plan {plan.id} ({plan.status.value}); job {job.id} {job.state.value}"
        + (f": {job.error}" if job.error else "")
    )
    if queued or plan.result is None:
        return
    click.echo(f"kpis: {plan.kpis}")
    for item in store.local_unassigned(plan):
        click.echo(f"unassigned visit {item['visit_id']}: {item['reason']}")
    for violation in plan.violations or []:
        click.echo(f"VIOLATION {violation}")
    if publish:
        try:
            plan = service.publish_plan(plan.id, by=None)
        except DomainError as error:
            raise click.ClickException(error.message) from error
        click.echo(f"published plan {plan.id}: {len(plan.publish_report['placed'])} visits scheduled")


@scheduling_cli.command("requeue-stale")
@click.option(
    "--older-than",
    "older_than_s",
    type=click.IntRange(min=1),
    default=60,
    show_default=True,
    help="Seconds of silence beyond a job's time limit after which its worker is presumed dead.",
)
def requeue_stale(older_than_s: int) -> None:
    """Queue again the solve jobs whose worker died or whose queue message was lost (workers do this by
    themselves every JOB_MAINTENANCE_S; this is for when none is idle, or with JOBS_EAGER)."""
    for job in service.requeue_stale_jobs(older_than_s):
        click.echo(f"job {job.id} (plan {job.plan_id}): {job.state.value}, attempt {job.attempts}")


def register(app: Flask) -> None:
    """Add the scheduling commands to the app."""
    app.cli.add_command(scheduling_cli)
