"""Background jobs over RQ and Redis: enqueue a function of ids, or run it inline when JOBS_EAGER is set."""
from __future__ import annotations

import contextlib
from typing import Callable, Iterator

from flask import current_app, has_app_context

from common.errors import ServiceUnavailable

DEFAULT_QUEUE = "solve"
# Time a job may take beyond its solve time limit (loading, checking, storing) before RQ kills it.
JOB_TIMEOUT_MARGIN_S = 300


class QueueUnavailable(ServiceUnavailable):
    """The job queue cannot be reached; the request may be retried later."""


def queue_name() -> str:
    """The queue solve jobs go to (config SOLVE_QUEUE, "solve" by default)."""
    return current_app.config.get("SOLVE_QUEUE", DEFAULT_QUEUE)


def redis_connection():
    """A Redis client for config REDIS_URL."""
    from redis import Redis

    return Redis.from_url(current_app.config["REDIS_URL"], socket_connect_timeout=5)


def solve_queue(connection=None):
    """The RQ queue of solve jobs."""
    from rq import Queue

    return Queue(queue_name(), connection=connection or redis_connection())


def enqueue(func: Callable, *args, job_id: str | None = None, timeout_s: int | None = None,
            eager: bool | None = None) -> None:
    """Run `func(*args)` in a worker, or right here when `eager` (default: config JOBS_EAGER).

    `func` must be importable by name and take ids only: a worker has nothing else.
    """
    if current_app.config.get("JOBS_EAGER", False) if eager is None else eager:
        func(*args)
        return
    from redis.exceptions import RedisError

    try:
        solve_queue().enqueue(func, *args, job_id=job_id,
                              job_timeout=(timeout_s or 0) + JOB_TIMEOUT_MARGIN_S)
    except RedisError as error:
        # REDIS_URL may hold a password: it goes to the log, not to the client.
        current_app.logger.error("The job queue at %s cannot be reached: %s", current_app.config["REDIS_URL"], error)
        raise QueueUnavailable(
            "The job queue cannot be reached; try again later. An administrator must start Redis and a worker "
            "(`flask --app app scheduling worker`), or set JOBS_EAGER=1.") from error


@contextlib.contextmanager
def app_context() -> Iterator[None]:
    """The current app context, or a new app's: a worker process runs jobs without a Flask app."""
    if has_app_context():
        yield
        return
    from app import create_app

    with create_app().app_context():
        yield


def run_worker(*, burst: bool = False) -> None:
    """Work the solve queue until stopped (or until it is empty, with `burst`)."""
    from rq import Worker

    from common.db import db

    # The work horse is forked from this process: don't let it inherit open database connections.
    db.engine.dispose()
    Worker([solve_queue()], connection=redis_connection()).work(burst=burst)
