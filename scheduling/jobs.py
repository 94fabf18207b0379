"""The solve job a worker runs for a queued day plan, and the heartbeat it writes while searching."""

from __future__ import annotations

import logging
import time as clock
from collections.abc import Callable

from flask import current_app
from sqlalchemy import update
from sqlalchemy.exc import SQLAlchemyError

from common.db import db, utcnow
from scheduling import service, store
from scheduling.check import check_plan
from scheduling.core import RUIN_AND_RECREATE, parse_problem, plan_to_dict, ready_engine, solve
from scheduling.core.ruin_and_recreate import driver as search
from scheduling.enums import JobState
from scheduling.models import SolveJob

log = logging.getLogger(__name__)

# How often the progress callback may write the job row (the heartbeat): about once a second.
HEARTBEAT_EVERY_S = 1.0


def run_solve_job(job_id: int) -> None:
    """Solve the plan of solve job `job_id`, then store the plan, its KPIs and the checker's findings.

    The background job's entry point: takes an id only; a worker runs it inside the app's context.
    """
    job = db.session.get(SolveJob, job_id)
    if job is None or job.state in (JobState.SUCCEEDED, JobState.FAILED):
        return  # delivered twice, or the plan is gone: nothing to do
    now = utcnow()
    job.state, job.started_at, job.heartbeat_at, job.finished_at = JobState.RUNNING, now, now, None
    job.attempts += 1
    job.error, job.best_cost, job.solutions, job.elapsed_s = None, None, 0, 0.0
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
                on_progress=Heartbeat(job_id),
                workers=current_app.config.get("SOLVE_WORKERS", 1),
            )
        )
        violations = check_plan(plan.problem, result)
    except Exception as error:  # the job must end in a state a dispatcher can read, whatever happened
        log.exception("solve job %s failed", job_id)
        db.session.rollback()
        job = db.session.get(SolveJob, job_id)
        service.mark_job_failed(job, f"{type(error).__name__}: {error}")
        db.session.commit()
        return
    job = db.session.get(SolveJob, job_id)
    store.store_plan(job.plan, result, violations=violations)
    job.state, job.finished_at = JobState.SUCCEEDED, utcnow()
    job.heartbeat_at = job.finished_at
    job.elapsed_s = float(result.get("kpis", {}).get("solve_s", job.elapsed_s))
    db.session.commit()


def choose_engine() -> str:
    """The engine for the next solve: ruin and recreate once compiled; until then OR-Tools, while the search
    compiles in a background process, so a fresh installation plans days at once."""
    engine = ready_engine()
    if engine != RUIN_AND_RECREATE:
        search.start_warm_up()
    return engine


class Heartbeat:
    """The solver's progress callback: writes progress to the job row, at most about once a second."""

    def __init__(self, job_id: int, *, monotonic: Callable[[], float] = clock.monotonic):
        self.job_id = job_id
        self.monotonic = monotonic
        self.last: float | None = None

    def __call__(self, progress) -> None:
        now = self.monotonic()
        if self.last is not None and now - self.last < HEARTBEAT_EVERY_S:
            return
        self.last = now
        try:
            db.session.execute(
                update(SolveJob)
                .where(SolveJob.id == self.job_id)
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
