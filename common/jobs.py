"""Background jobs over RQ and Redis: enqueue a job function by its dotted name, or run it inline (JOBS_EAGER).

Jobs are named, not passed as functions, so a use case can queue a job whose module imports that use case.
A job takes ids only (a worker has nothing else) and runs inside the app's context (see `AppWorker`).
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import re
import signal
import sys
import uuid
from collections.abc import Callable
from pathlib import PurePath
from typing import Any

from flask import Flask, current_app
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Worker
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus
from sqlalchemy.engine import make_url
from werkzeug.utils import import_string

from common.db import db
from common.errors import ServiceUnavailable

QUEUE_PREFIX = "solve"
# Time a job may take beyond its own time limit (loading, checking, storing) before RQ kills it.
JOB_TIMEOUT_MARGIN_S = 300
# A running job's lease (config JOB_LEASE_S): renewed by its worker every third of it; once it runs out the
# worker is presumed dead and another worker takes the job. Idle workers look for such jobs, and for queued
# jobs whose message Redis lost, every JOB_MAINTENANCE_S.
DEFAULT_LEASE_S = 30
DEFAULT_MAINTENANCE_S = 15
_PR_SET_PDEATHSIG = 1  # prctl(2) on Linux

# The lease owner of the job this work horse runs ("<worker name> <rq job id>"); None outside a worker.
_current_owner: str | None = None


class QueueUnavailable(ServiceUnavailable):
    """The job queue cannot be reached; the request may be retried later."""


def queue_name() -> str:
    """This deployment's queue: config JOB_QUEUE, else "solve-<database name>-<hash of where it lives>".

    Deployments sharing one Redis (demo and staging) must never take each other's jobs: a worker would
    solve them against the wrong database. Naming the queue after the database keeps them apart.
    """
    config = current_app.config
    explicit = config.get("JOB_QUEUE")
    if explicit:
        return explicit
    return f"{QUEUE_PREFIX}-{database_label(config['SQLALCHEMY_DATABASE_URI'])}"


def database_label(url: str) -> str:
    """A short name for the database at `url`: its name (PostgreSQL's database, SQLite's file name) and a
    hash of where it lives, since two SQLite files are both called dispatch.db in their instance folders,
    and two PostgreSQL servers may each hold a database "dispatch"."""
    parsed = make_url(url)
    database = parsed.database or "memory"
    is_sqlite = parsed.get_backend_name() == "sqlite"
    name = PurePath(database).stem if is_sqlite else database
    name = re.sub(r"[^A-Za-z0-9_.-]", "_", name) or "default"
    if is_sqlite:
        place = os.path.abspath(database) if parsed.database else "memory"
    else:  # the driver and the password do not change which database it is
        place = f"{parsed.get_backend_name()}://{parsed.host or ''}:{parsed.port or ''}/{database}"
    return f"{name}-{hashlib.sha1(place.encode()).hexdigest()[:8]}"


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


def lease_seconds() -> int:
    """How long a running job's lease lasts without renewal (config JOB_LEASE_S)."""
    return max(3, int(current_app.config.get("JOB_LEASE_S") or DEFAULT_LEASE_S))


def lease_owner() -> tuple[str, bool]:
    """Who runs the current job, and whether a worker renews its lease while it runs.

    In a work horse: "<worker name> <rq job id>", renewed by the worker process (which is idle while its horse
    works, whereas a search may hold the interpreter for its whole time limit). Inline (JOBS_EAGER): a one-off
    name nobody renews.
    """
    if _current_owner is not None:
        return _current_owner, True
    return f"inline-{uuid.uuid4().hex[:12]}", False


def _owner_name(worker_name: str, job_id: str) -> str:
    return f"{worker_name} {job_id}"


def _die_with_parent() -> None:
    """Let the kernel kill this work horse when its worker dies (Linux), so a worker killed with SIGKILL
    leaves no orphan solving on while another worker takes the job over."""
    if not sys.platform.startswith("linux"):
        return
    parent = os.getppid()
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # no prctl: the lease check at the end still refuses a late result
        return
    if os.getppid() != parent:  # the worker died before the call took effect
        os._exit(1)


def message_pending(job_id: str) -> bool:
    """Whether RQ still holds job `job_id` for a worker: waiting in this deployment's queue, running, or
    scheduled. False when its message was lost (Redis restarted without its data, a key deleted), or RQ
    gave it up (a worker died between taking and starting it, and RQ's maintenance failed it)."""
    queue = job_queue()
    try:
        job = Job.fetch(job_id, connection=queue.connection)
    except NoSuchJobError:
        return False
    status = job.get_status(refresh=False)
    if status == JobStatus.QUEUED:
        return queue.connection.lpos(queue.key, job_id) is not None
    return status in (JobStatus.STARTED, JobStatus.SCHEDULED, JobStatus.DEFERRED)


class AppWorker(Worker):
    """An RQ worker that runs every job inside the Flask app's context.

    `keep_alive(owner)` is called by the worker process while its work horse runs a job (every
    `job_monitoring_interval` seconds), `maintenance()` on its maintenance passes while idle (every
    `maintenance_interval` seconds, at most `dequeue_timeout` late).
    """

    def __init__(
        self,
        *args: Any,
        app: Flask,
        keep_alive: Callable[[str], None] | None = None,
        maintenance: Callable[[], None] | None = None,
        **kwargs: Any,
    ):
        self.app = app
        self.keep_alive = keep_alive
        self.maintenance = maintenance
        super().__init__(*args, **kwargs)

    @property
    def dequeue_timeout(self) -> int:
        # RQ waits worker_ttl - 15 s (405 s) for a job before it looks at its maintenance tasks again.
        if self.maintenance is None:
            return super().dequeue_timeout
        return max(1, min(super().dequeue_timeout, int(self.maintenance_interval)))

    def perform_job(self, job, queue, *args: Any, **kwargs: Any) -> bool:
        global _current_owner
        with self.app.app_context():
            if self._is_horse:
                _die_with_parent()
                # Forked: the worker's pooled database connections stay its own; the horse opens new ones.
                db.engine.dispose(close=False)
                _current_owner = _owner_name(self.name, job.id)
            return super().perform_job(job, queue, *args, **kwargs)

    def maintain_heartbeats(self, job, *args: Any, **kwargs: Any) -> None:
        super().maintain_heartbeats(job, *args, **kwargs)
        if self.keep_alive is not None:
            with self.app.app_context():
                self._quietly(self.keep_alive, _owner_name(self.name, job.id))

    def run_maintenance_tasks(self) -> None:
        super().run_maintenance_tasks()
        if self.maintenance is not None:
            with self.app.app_context():
                self._quietly(self.maintenance)

    def _quietly(self, task: Callable[..., None], *args: Any) -> None:
        # A database or Redis hiccup must not stop the worker; the next pass tries again.
        try:
            task(*args)
        except Exception:
            self.log.exception("Worker %s: %s failed", self.name, getattr(task, "__name__", task))
            db.session.rollback()
        finally:
            db.session.remove()


def run_worker(
    app: Flask,
    *,
    burst: bool = False,
    keep_alive: Callable[[str], None] | None = None,
    maintenance: Callable[[], None] | None = None,
) -> None:
    """Work this deployment's queue until stopped (or until it is empty, with `burst`).

    With `keep_alive` the worker renews the lease of the job its horse runs every third of JOB_LEASE_S;
    with `maintenance` it runs that pass every JOB_MAINTENANCE_S while idle (and once at start).
    """
    with app.app_context():
        # The work horse is forked from this process: don't let it inherit open database connections.
        db.engine.dispose()
        queue = job_queue()
        lease_s = lease_seconds()
        every_s = max(1, int(app.config.get("JOB_MAINTENANCE_S") or DEFAULT_MAINTENANCE_S))
        worker = AppWorker(
            [queue],
            connection=queue.connection,
            app=app,
            keep_alive=keep_alive,
            maintenance=maintenance,
            job_monitoring_interval=max(1, lease_s // 3),
            maintenance_interval=every_s,
        )
        worker.work(burst=burst)
