"""The solve job a worker runs for a queued day plan, and the heartbeat it writes while searching."""

from __future__ import annotations

import logging
import time as clock
from collections.abc import Callable
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import SQLAlchemyError

from common import jobs
from common.db import db, utcnow
from common.transaction import begin_write
from scheduling import service, store
from scheduling.check import check_plan
from scheduling.core import RUIN_AND_RECREATE, parse_problem, plan_to_dict, ready_engine, solve
from scheduling.core.ruin_and_recreate import driver as search
from scheduling.enums import JobState
from scheduling.models import Plan, SolveJob

log = logging.getLogger(__name__)

# How often the progress callback may write the job row (the heartbeat): about once a second.
HEARTBEAT_EVERY_S = 1.0


def run_solve_job(job_id: int) -> None:
    """Solve the plan of solve job `job_id`, then store the plan, its KPIs and the checker's findings.

    The background job's entry point: takes an id only; a worker runs it inside the app's context.
    It first claims the job (queued -> running, with a lease in this worker's name), so a job delivered
    twice is solved once; and it stores the plan only while the lease is still its own, so a worker
    presumed dead whose job was taken over cannot overwrite the other's result.
    """
    owner, renewed = jobs.lease_owner()
    if not claim_job(job_id, owner, renewed=renewed):
        return  # delivered twice, taken by another worker, finished, or gone: nothing to do
    job = db.session.get(SolveJob, job_id)
    job.engine = choose_engine()
    db.session.commit()
    plan = job.plan
    try:
        problem = parse_problem(plan.problem)
        result = plan_to_dict(
            solve(
                problem,
                engine=job.engine,
                time_limit_s=plan.time_limit_s,
                on_progress=Heartbeat(job_id, owner=owner),
                workers=current_app.config.get("SOLVE_WORKERS", 1),
            )
        )
        violations = check_plan(plan.problem, result)
    except Exception as error:  # the job must end in a state a dispatcher can read, whatever happened
        log.exception("solve job %s failed", job_id)
        db.session.rollback()
        job = _own_job(job_id, owner)
        if job is not None:
            service.mark_job_failed(job, f"{type(error).__name__}: {error}")
            job.lease_until = None
        db.session.commit()
        return
    job = _own_job(job_id, owner)
    if job is None:
        log.warning("solve job %s: its lease went to another worker; this result is dropped", job_id)
        db.session.rollback()
        return
    store.store_plan(job.plan, result, violations=violations)
    job.state, job.finished_at, job.lease_until = JobState.SUCCEEDED, utcnow(), None
    job.heartbeat_at = job.finished_at
    job.elapsed_s = float(result.get("kpis", {}).get("solve_s", job.elapsed_s))
    db.session.commit()


def claim_job(job_id: int, owner: str, *, renewed: bool) -> bool:
    """Take queued job `job_id` for `owner` (one atomic update, so of two workers only one gets it).

    The lease lasts JOB_LEASE_S when the worker renews it, else (a solve inline in the web process) the
    plan's time limit and two leases more."""
    now = utcnow()
    lease_s = jobs.lease_seconds()
    if not renewed:
        time_limit_s = db.session.scalar(
            select(Plan.time_limit_s).join(SolveJob, SolveJob.plan_id == Plan.id).where(SolveJob.id == job_id)
        )
        lease_s = (time_limit_s or 0) + 2 * lease_s
    claimed = db.session.execute(
        update(SolveJob)
        .where(SolveJob.id == job_id, SolveJob.state == JobState.QUEUED)
        .values(
            state=JobState.RUNNING,
            started_at=now,
            heartbeat_at=now,
            finished_at=None,
            attempts=SolveJob.attempts + 1,
            error=None,
            best_cost=None,
            solutions=0,
            elapsed_s=0.0,
            lease_owner=owner,
            lease_until=now + timedelta(seconds=lease_s),
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return claimed == 1


def _own_job(job_id: int, owner: str) -> SolveJob | None:
    """Job `job_id`, locked, if `owner` still holds it running; else None."""
    begin_write()
    return db.session.scalar(
        select(SolveJob)
        .where(SolveJob.id == job_id, SolveJob.state == JobState.RUNNING, SolveJob.lease_owner == owner)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def choose_engine() -> str:
    """The engine for the next solve: ruin and recreate once compiled; until then OR-Tools, while the search
    compiles in a background process, so a fresh installation plans days at once."""
    engine = ready_engine()
    if engine != RUIN_AND_RECREATE and current_app.config.get("SOLVE_WARM_UP", True):
        search.start_warm_up()
    return engine


class Heartbeat:
    """The solver's progress callback: writes progress to the job row, at most about once a second."""

    def __init__(self, job_id: int, *, owner: str | None = None, monotonic: Callable[[], float] = clock.monotonic):
        self.job_id = job_id
        self.owner = owner  # only while this lease holder still runs the job
        self.monotonic = monotonic
        self.last: float | None = None

    def __call__(self, progress) -> None:
        now = self.monotonic()
        if self.last is not None and now - self.last < HEARTBEAT_EVERY_S:
            return
        self.last = now
        try:
            where = [SolveJob.id == self.job_id]
            if self.owner is not None:
                where.append(SolveJob.lease_owner == self.owner)
            db.session.execute(
                update(SolveJob)
                .where(*where)
                .values(
                    best_cost=int(progress.best_cost) if progress.best_cost is not None else None,
                    solutions=int(progress.solutions),
                    elapsed_s=float(progress.elapsed_s),
                    heartbeat_at=utcnow(),
                )
            )
            db.session.commit()
        except SQLAlchemyError:
            # A missed heartbeat (database busy) must not abort the search; the next one may get through.
            log.warning("solve job %s: could not write its heartbeat", self.job_id, exc_info=True)
            db.session.rollback()
