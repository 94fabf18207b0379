"""Day-plan use cases: start a solve job, publish the plan, recover dead jobs (the job itself is in jobs.py)."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import or_, select, update

from common import jobs
from common.db import db, utcnow
from common.errors import Conflict, NotFound, RuleViolation
from common.models import User
from common.transaction import begin_write, transactional
from scheduling import store
from scheduling.day.problem import load_day
from scheduling.enums import JobState, PlanStatus
from scheduling.models import Plan, SolveJob
from technicians.service.days import lock_technician_days, lock_visits

# A job whose worker died this many times is given up, so a plan that kills workers cannot loop forever.
MAX_SOLVE_ATTEMPTS = 3
DEFAULT_STALE_AFTER_S = 60
LIST_LIMIT = 100
# Queued by name: the job's module imports this one.
SOLVE_JOB = "scheduling.jobs.run_solve_job"


def start_day_plan(day: date, region: str, *, time_limit_s: int, by: User | None, eager: bool | None = None) -> Plan:
    """Load the region's day, store it as a draft plan and queue its solve job (inline when eager)."""
    load = load_day(day, region, time_limit_s=time_limit_s)
    if not load.problem["visits"] and not load.left_out:
        raise RuleViolation("no_open_visit_on_day", field="date", params={"region": region, "day": day})
    plan = Plan(
        date=day,
        region=region,
        status=PlanStatus.DRAFT,
        time_limit_s=time_limit_s,
        created_by_id=by.id if by else None,
        problem=load.problem,
        left_out=load.left_out,
        visit_snapshot=load.snapshot,
    )
    job = SolveJob(plan=plan, state=JobState.QUEUED, lease_until=_queued_lease_until())
    db.session.add_all([plan, job])
    db.session.flush()
    job.rq_job_id = _rq_job_id(job)
    # Committed before enqueueing: the worker reads the job from the database.
    db.session.commit()
    try:
        jobs.enqueue(SOLVE_JOB, job.id, job_id=job.rq_job_id, timeout_s=time_limit_s, eager=eager)
    except jobs.QueueUnavailable as error:
        mark_job_failed(job, error.message)
        db.session.commit()
        raise
    db.session.refresh(plan)
    return plan


def _rq_job_id(job: SolveJob) -> str:
    """A queue-wide unique id: several databases (demo, staging) may share one Redis."""
    return f"solve-job-{job.id}-{uuid.uuid4().hex[:12]}"


def _queued_lease_until(now: datetime | None = None) -> datetime:
    # Until then a queued job's message is trusted to be on its way (committed, then enqueued).
    return (now or utcnow()) + timedelta(seconds=jobs.lease_seconds())


def mark_job_failed(job: SolveJob, message: str) -> None:
    """Record that solve job `job` failed with `message` (flushes only)."""
    job.state, job.error, job.finished_at = JobState.FAILED, message, utcnow()
    job.plan.status = PlanStatus.FAILED
    db.session.flush()


def get_plan(plan_id: int) -> Plan:
    """One plan with its job, or NotFound."""
    plan = db.session.get(Plan, plan_id)
    if plan is None:
        raise NotFound("plan_not_found_list", params={"plan_id": plan_id})
    return plan


def list_plans(*, day: date | None = None, region: str | None = None) -> list[Plan]:
    """Plans, newest first, optionally of one date and region (at most LIST_LIMIT)."""
    query = select(Plan).order_by(Plan.id.desc()).limit(LIST_LIMIT)
    if day is not None:
        query = query.where(Plan.date == day)
    if region is not None:
        query = query.where(Plan.region == region)
    return list(db.session.scalars(query))


@transactional
def publish_plan(plan_id: int, *, by: User | None) -> Plan:
    """Schedule the visits of a solved, feasible draft plan and supersede the day's earlier published plan.

    Refused (409) when the plan is not a succeeded draft, has violations, or any of its visits changed
    since it was loaded (started, cancelled, moved by hand or by another plan): solve again instead.
    """
    begin_write()
    plan = db.session.scalar(select(Plan).where(Plan.id == plan_id).with_for_update())
    if plan is None:
        raise NotFound("plan_not_found", params={"plan_id": plan_id})
    if plan.status is not PlanStatus.DRAFT:
        raise Conflict("plan_not_draft", current=plan.status.value, params={"plan_id": plan.id, "current": plan.status})
    job = plan.job
    if job is None or job.state is not JobState.SUCCEEDED:
        state = job.state.value if job else "missing"
        raise Conflict(
            "plan_job_not_succeeded", current=state, params={"plan_id": plan.id, "current": job.state if job else state}
        )
    if plan.violations:
        raise Conflict(
            "plan_breaks_rules",
            violations=plan.violations,
            params={"plan_id": plan.id, "count": len(plan.violations), "details": "; ".join(plan.violations[:5])},
        )
    # Bookings and manual assignments of the day wait while the plan is checked and written (and the
    # plan waits for theirs), so nothing changes between the check and the write.
    lock_visits(store.plan_visit_ids(plan))
    lock_technician_days(store.plan_technician_ids(plan), plan.date)
    changed = store.visits_changed_since_load(
        plan.visit_snapshot, day=plan.date, technician_ids=store.plan_technician_ids(plan)
    )
    if changed:
        raise Conflict("plan_out_of_date", changed=changed, params={"plan_id": plan.id, "details": "; ".join(changed)})
    report = store.apply_plan(plan, by=by)
    earlier = db.session.scalars(
        select(Plan).where(
            Plan.date == plan.date, Plan.region == plan.region, Plan.status == PlanStatus.PUBLISHED, Plan.id != plan.id
        )
    )
    for old in earlier:
        old.status = PlanStatus.SUPERSEDED
    plan.status, plan.published_at, plan.published_by_id = PlanStatus.PUBLISHED, utcnow(), by.id if by else None
    plan.publish_report = report
    return plan


def requeue_stale_jobs(older_than_s: int = DEFAULT_STALE_AFTER_S, *, now: datetime | None = None) -> list[SolveJob]:
    """The cron command's pass (`requeue-stale`): the same recovery the workers run by themselves."""
    return recover_solve_jobs(now=now, stale_after_s=older_than_s)


def keep_job_alive(owner: str) -> None:
    """Renew the lease of the running job `owner` holds (called by its worker while the horse solves)."""
    db.session.execute(
        update(SolveJob)
        .where(SolveJob.lease_owner == owner, SolveJob.state == JobState.RUNNING)
        .values(lease_until=utcnow() + timedelta(seconds=jobs.lease_seconds()))
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def recover_solve_jobs(*, now: datetime | None = None, stale_after_s: int = DEFAULT_STALE_AFTER_S) -> list[SolveJob]:
    """Queue again the jobs nobody works on; give up a job after MAX_SOLVE_ATTEMPTS. Returns the jobs handled.

    - A running job whose lease ran out: its worker died (the worker renews the lease while its horse
      solves). Jobs from before leases: silent for `stale_after_s` beyond what their time limit allows.
    - A queued job past its lease whose message RQ no longer holds (lost, or failed before it started).

    Workers run this on their maintenance passes; each job is re-checked under a row lock (BEGIN IMMEDIATE on
    SQLite), so two passes at once queue a job once.
    """
    now = now or utcnow()
    candidates = db.session.scalars(
        select(SolveJob)
        .where(
            SolveJob.state.in_([JobState.RUNNING, JobState.QUEUED]),
            or_(SolveJob.lease_until.is_(None), SolveJob.lease_until < now),
        )
        .order_by(SolveJob.id)
    ).all()
    candidate_ids = [job.id for job in candidates if _abandoned(job, now, stale_after_s)]
    db.session.rollback()
    handled, to_queue = [], []
    for job_id in candidate_ids:
        begin_write()
        job = db.session.scalar(
            select(SolveJob).where(SolveJob.id == job_id).with_for_update().execution_options(populate_existing=True)
        )
        if job is None or not _abandoned(job, now, stale_after_s):
            db.session.rollback()  # finished, claimed or queued again meanwhile
            continue
        if job.state is JobState.RUNNING and job.attempts >= MAX_SOLVE_ATTEMPTS:
            mark_job_failed(
                job,
                f"The worker stopped {job.attempts} times while solving this plan; "
                "solve the day again with fewer visits or a shorter time limit.",
            )
            job.lease_until = None
        else:
            job.state, job.heartbeat_at, job.lease_owner = JobState.QUEUED, None, None
            job.lease_until = _queued_lease_until(now)
            job.rq_job_id = _rq_job_id(job)
            to_queue.append((job.id, job.rq_job_id, job.plan.time_limit_s))
        handled.append(job)
        db.session.commit()
    for job_id, rq_job_id, time_limit_s in to_queue:
        jobs.enqueue(SOLVE_JOB, job_id, job_id=rq_job_id, timeout_s=time_limit_s)
    for job in handled:
        db.session.refresh(job)
    return handled


def _abandoned(job: SolveJob, now: datetime, stale_after_s: int) -> bool:
    if job.state is JobState.RUNNING:
        if job.lease_until is not None:
            return job.lease_until < now
        started = job.started_at or job.created_at
        last_sign = max(job.heartbeat_at or started, started + timedelta(seconds=job.plan.time_limit_s))
        return last_sign + timedelta(seconds=stale_after_s) < now
    if job.state is JobState.QUEUED:
        trusted_until = job.lease_until or job.created_at + timedelta(seconds=stale_after_s)
        if trusted_until >= now:
            return False
        return (
            not job.rq_job_id or current_app.config.get("JOBS_EAGER", False) or not jobs.message_pending(job.rq_job_id)
        )
    return False
