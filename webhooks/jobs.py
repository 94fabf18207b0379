"""Webhook jobs on the app's Redis queue: a commit that wrote events wakes the sender; retries are scheduled.

A job per endpoint keeps a slow receiver's timeouts out of the other endpoints' jobs when several workers
run. Whatever Redis misses (down, a worker killed) the cron command `flask --app app webhooks send` sends.
With JOBS_EAGER nothing is queued: requests never send, and the cron command (or `--every`) does it all.
"""

from __future__ import annotations

import logging
from datetime import UTC, timedelta

from flask import Flask, current_app, has_app_context
from redis.exceptions import RedisError
from rq import Queue
from sqlalchemy import event
from sqlalchemy.orm import Session

from common.db import db, utcnow
from common.jobs import AppWorker, database_label, redis_connection
from common.outbox import SESSION_FLAG
from webhooks.service.deliveries import endpoints_with_due_deliveries, fan_out_events, next_attempt_of
from webhooks.service.sending import send_to_endpoint

log = logging.getLogger(__name__)

DEFAULT_QUEUE = "webhooks"
JOB_TIMEOUT_S = 900
RESCHEDULE_AFTER_AT_LEAST = timedelta(seconds=1)


def queue_name() -> str:
    """The webhook queue: config WEBHOOK_QUEUE, else "webhooks-<database label>", so deployments sharing one
    Redis never send each other's deliveries (as with the solve queue, common.jobs.queue_name)."""
    explicit = current_app.config.get("WEBHOOK_QUEUE")
    if explicit:
        return explicit
    return f"{DEFAULT_QUEUE}-{database_label(current_app.config['SQLALCHEMY_DATABASE_URI'])}"


def webhook_queue(connection=None) -> Queue:
    """The RQ queue of webhook jobs."""
    return Queue(queue_name(), connection=connection or redis_connection())


def run_fan_out_job() -> None:
    """Job: turn new outbox events into deliveries, and queue a send job for each endpoint with work due."""
    fan_out_events()
    queue = webhook_queue()
    for endpoint_id in endpoints_with_due_deliveries(now=utcnow()):
        queue.enqueue(run_send_job, endpoint_id, job_id=_job_id("send", endpoint_id), job_timeout=JOB_TIMEOUT_S)


def run_send_job(endpoint_id: int) -> None:
    """Job: send one endpoint's due deliveries, then schedule the job again for its next retry."""
    report = send_to_endpoint(endpoint_id)
    if report.busy:
        return  # another sender holds the endpoint; it carries on from where it stops
    due = next_attempt_of(endpoint_id)
    if due is not None:
        # Never sooner than a moment from now, so nothing can make the job spin.
        at = max(due, utcnow() + RESCHEDULE_AFTER_AT_LEAST)
        webhook_queue().enqueue_at(
            at.astimezone(UTC),
            run_send_job,
            endpoint_id,
            job_id=_job_id("retry", endpoint_id),
            job_timeout=JOB_TIMEOUT_S,
        )


def _job_id(kind: str, endpoint_id: int) -> str:
    # One id per endpoint: however many commits wake the sender, an endpoint has one retry scheduled.
    return f"{queue_name()}-{kind}-endpoint-{endpoint_id}"


def wake_sender() -> None:
    """Queue a fan-out job; if Redis is unreachable the events wait in the outbox for the cron command."""
    try:
        webhook_queue().enqueue(run_fan_out_job, job_timeout=JOB_TIMEOUT_S)
    except RedisError as error:
        log.warning("could not queue the webhook sender (%s); `flask --app app webhooks send` will send", error)


def run_worker(app: Flask, *, burst: bool = False) -> None:
    """Work the webhook queue, with RQ's scheduler for the retries, until stopped (or empty, with `burst`)."""
    with app.app_context():
        db.engine.dispose()  # the work horse is forked: don't share database connections with it
        queue = webhook_queue()
        AppWorker([queue], connection=queue.connection, app=app).work(burst=burst, with_scheduler=True)


def install_commit_hooks() -> None:
    """Wake the sender after each commit that wrote outbox events (once per process, however many apps)."""
    for name, hook in (
        ("after_commit", _wake_sender_after_commit),
        ("after_soft_rollback", _forget_rolled_back_events),
    ):
        if not event.contains(Session, name, hook):
            event.listen(Session, name, hook)


def _wake_sender_after_commit(session: Session) -> None:
    if not session.info.pop(SESSION_FLAG, False) or not has_app_context():
        return
    if current_app.config.get("JOBS_EAGER", False):
        return  # no worker: the cron command sends, never the request
    wake_sender()


def _forget_rolled_back_events(session: Session, previous_transaction) -> None:
    session.info.pop(SESSION_FLAG, None)
