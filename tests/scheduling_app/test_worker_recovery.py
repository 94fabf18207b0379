"""A worker killed with SIGKILL mid-solve: another worker takes the job over by itself and finishes it.

Real worker processes (`flask scheduling worker`) on PostgreSQL and Redis, no eager mode: Redis and
PostgreSQL must be running (CI fails without them; elsewhere the test is skipped).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from common.db import db
from scheduling import service
from scheduling.enums import JobState
from scheduling.models import SolveJob
from tests.scheduling_app.builders import DAY, make_crew, make_visit
from tests.services import REDIS_URL, create_postgres_database, redis_connection, remove_queue

ROOT = Path(__file__).resolve().parents[2]
LEASE_S = 5
# Generous: the machine may be busy; these are bounds on waiting, not expectations.
START_TIMEOUT_S = 180
FINISH_TIMEOUT_S = 300


def _wait_for(condition, timeout_s: float, what: str, logs=()) -> object:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    tails = "\n".join(f"--- {log}:\n{Path(log).read_text()[-3000:]}" for log in logs if Path(log).exists())
    pytest.fail(f"gave up after {timeout_s} s waiting for {what}\n{tails}")


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def _gone(pid: int) -> bool:
    """The process has exited (a zombie nobody reaped counts as gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] in ("Z", "X")


@pytest.fixture
def deployment(tmp_path):
    """An app on its own PostgreSQL database and a private queue on the test Redis, and the environment
    its worker processes run with."""
    from app import create_app

    connection = redis_connection()
    url, drop = create_postgres_database()
    queue = f"solve-test-{uuid.uuid4().hex[:12]}"
    settings = {
        "DATABASE_URL": url,
        "REDIS_URL": REDIS_URL,
        "JOB_QUEUE": queue,
        "JOB_LEASE_S": str(LEASE_S),
        "JOB_MAINTENANCE_S": "1",
        "JOBS_EAGER": "0",
        "SOLVE_WARM_UP": "0",  # no background compile of the search eating the machine's CPU
        "SECRET_KEY": "test",
    }
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "test",
            "JOBS_EAGER": False,
            "REDIS_URL": REDIS_URL,
            "JOB_QUEUE": queue,
            "JOB_LEASE_S": LEASE_S,
            "SOLVE_WARM_UP": False,
            "UPLOAD_DIR": str(tmp_path / "uploads"),
        }
    )
    with app.app_context():
        db.create_all()
    processes: list[subprocess.Popen] = []

    def start_worker(name: str) -> subprocess.Popen:
        log = open(tmp_path / f"{name}.log", "w")  # noqa: SIM115 - kept open while the worker runs
        process = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "app", "scheduling", "worker"],
            cwd=ROOT,
            env={**os.environ, **settings},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # killing it must not touch this test's process group
        )
        process.log = log.name
        processes.append(process)
        return process

    try:
        with app.app_context():
            yield app, start_worker
    finally:
        for process in processes:
            for pid in [*_children(process.pid), process.pid]:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            process.wait(timeout=30)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        drop()
        remove_queue(connection, queue)


@pytest.mark.slow
def test_a_worker_killed_mid_solve_is_replaced_and_the_job_finishes_once(deployment):
    app, start_worker = deployment
    make_crew(3)
    for i in range(12):
        make_visit(lat=31.15 + 0.01 * i, lon=121.40 + 0.012 * (i % 5))
    job_id = service.start_day_plan(DAY, "shanghai", time_limit_s=10, by=None).job.id

    def job() -> SolveJob:
        db.session.rollback()  # a fresh read of what the workers wrote
        return db.session.get(SolveJob, job_id, populate_existing=True)

    first = start_worker("first-worker")
    _wait_for(
        lambda: job().state is JobState.RUNNING, START_TIMEOUT_S, "the first worker to start solving", [first.log]
    )
    horses = _wait_for(lambda: _children(first.pid), 30, "the first worker's work horse", [first.log])
    first_owner = job().lease_owner

    first.send_signal(signal.SIGKILL)
    first.wait(timeout=30)
    # the work horse dies with its worker (PR_SET_PDEATHSIG): nothing solves on unseen
    _wait_for(lambda: all(_gone(pid) for pid in horses), 30, "the work horse to die with its worker")
    killed = job()
    assert killed.state is JobState.RUNNING and killed.plan.result is None, "the kill came after the solve"
    assert killed.attempts == 1
    killed_at = time.monotonic()

    second = start_worker("second-worker")
    _wait_for(
        lambda: job().state in (JobState.SUCCEEDED, JobState.FAILED),
        FINISH_TIMEOUT_S,
        "the second worker to finish the job",
        [first.log, second.log],
    )

    done = job()
    assert done.state is JobState.SUCCEEDED, done.error
    assert done.attempts == 2  # solved once before the kill and once after it
    assert done.lease_owner != first_owner and done.lease_until is None
    assert done.plan.result is not None and done.plan.violations == []
    assert done.plan.kpis["served"] == 12
    print(f"recovered and solved {time.monotonic() - killed_at:.1f} s after the kill (lease {LEASE_S} s)")
