"""Background jobs over RQ and Redis: enqueue a job function by its dotted name, or run it inline (JOBS_EAGER).

Jobs are named, not passed as functions, so a use case can queue a job whose module imports that use case.
A job takes ids only (a worker has nothing else) and runs inside the app's context (see `AppWorker`).
"""

from __future__ import annotations

import re
from pathlib import PurePath
from typing import Any

from flask import Flask, current_app
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Worker
from sqlalchemy.engine import make_url
from werkzeug.utils import import_string

from common.db import db
from common.errors import ServiceUnavailable

QUEUE_PREFIX = "solve"
# Time a job may take beyond its own time limit (loading, checking, storing) before RQ kills it.
JOB_TIMEOUT_MARGIN_S = 300


class QueueUnavailable(ServiceUnavailable):
    """The job queue cannot be reached; the request may be retried later."""


def queue_name() -> str:
    """This deployment's queue: config JOB_QUEUE, else "solve-<database name>".

    Deployments sharing one Redis (demo and staging) must never take each other's jobs: a worker would
    solve them against the wrong database. Naming the queue after the database keeps them apart.
    """
    config = current_app.config
    explicit = config.get("JOB_QUEUE")
    if explicit:
        return explicit
    return f"{QUEUE_PREFIX}-{database_label(config['SQLALCHEMY_DATABASE_URI'])}"


def database_label(url: str) -> str:
    """A short name for the database at `url`: PostgreSQL's database name, SQLite's file name."""
    database = make_url(url).database or "memory"
    name = PurePath(database).stem if make_url(url).get_backend_name() == "sqlite" else database
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name) or "default"


def redis_connection() -> Redis:
    """A Redis client for config REDIS_URL."""
    return Redis.from_url(current_app.config["REDIS_URL"], socket_connect_timeout=5)


def job_queue(connection: Redis | None = None) -> Queue:
    """The RQ queue of this deployment's jobs."""
    return Queue(queue_name(), connection=connection or redis_connection())


def enqueue(
    job: str, *args: Any, job_id: str | None = None, timeout_s: int | None = None, eager: bool | None = None
) -> None:
    """Run the job function named `job` (e.g. "scheduling.jobs.run_solve_job") with `args` in a worker,
    or right here when `eager` (default: config JOBS_EAGER)."""
    if current_app.config.get("JOBS_EAGER", False) if eager is None else eager:
        import_string(job)(*args)
        return
    try:
        job_queue().enqueue(job, *args, job_id=job_id, job_timeout=(timeout_s or 0) + JOB_TIMEOUT_MARGIN_S)
    except RedisError as error:
        # REDIS_URL may hold a password: it goes to the log, not to the client.
        current_app.logger.error("The job queue at %s cannot be reached: %s", current_app.config["REDIS_URL"], error)
        raise QueueUnavailable("job_queue_unreachable") from error


class AppWorker(Worker):
    """An RQ worker that runs every job inside the Flask app's context."""

    def __init__(self, *args: Any, app: Flask, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.app = app

    def perform_job(self, *args: Any, **kwargs: Any) -> bool:
        with self.app.app_context():
            return super().perform_job(*args, **kwargs)


def run_worker(app: Flask, *, burst: bool = False) -> None:
    """Work this deployment's queue until stopped (or until it is empty, with `burst`)."""
    with app.app_context():
        # The work horse is forked from this process: don't let it inherit open database connections.
        db.engine.dispose()
        queue = job_queue()
        AppWorker([queue], connection=queue.connection, app=app).work(burst=burst)
