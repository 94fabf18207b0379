"""Fresh, private databases and Redis namespaces for one test run; loud failure in CI when a service is missing."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from typing import NoReturn

import pytest

from common.scratch_database import create_scratch_database

PG_ADMIN_URL = os.environ.get("TEST_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def service_missing(what: str, error: Exception) -> NoReturn:
    """Fail in CI (the tests must run there), skip on a laptop without the service."""
    message = f"{what} is not reachable ({error}); CI needs it running"
    if in_ci():
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def create_postgres_database() -> tuple[str, Callable[[], None]]:
    """A new empty PostgreSQL database for this run, and a function that drops it."""
    import psycopg

    try:
        return create_scratch_database(PG_ADMIN_URL, prefix=f"dispatch_test_{os.getpid()}")
    except psycopg.OperationalError as error:
        service_missing("PostgreSQL at " + PG_ADMIN_URL, error)


def redis_connection():
    """A Redis client on the test database; fails in CI, skips elsewhere, when Redis is down."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as error:
        service_missing("Redis at " + REDIS_URL, error)
    return client


def remove_queue(connection, name: str, job_ids=()) -> None:
    """Delete a queue, its registries and its jobs from the test Redis."""
    for pattern in [f"rq:*{name}*", *(f"rq:*{job_id}*" for job_id in job_ids)]:
        for key in connection.scan_iter(pattern):
            connection.delete(key)


def private_queue(app, monkeypatch, setting: str, prefix: str, job_ids=tuple):
    """For a fixture to `yield from`: an RQ queue of its own on the test Redis, named in `app.config[setting]`,
    with jobs queued instead of run inline; afterwards it and its jobs (and those `job_ids()` names) are gone."""
    from rq import Queue

    connection = redis_connection()
    name = f"{prefix}-test-{uuid.uuid4().hex[:12]}"
    monkeypatch.setitem(app.config, "JOBS_EAGER", False)
    monkeypatch.setitem(app.config, "REDIS_URL", REDIS_URL)
    monkeypatch.setitem(app.config, setting, name)
    queue = Queue(name, connection=connection)
    yield queue
    ids = list(job_ids())
    queue.delete(delete_jobs=True)
    remove_queue(connection, name, ids)
