"""Day-plan use cases: start a solve job, publish the plan, recover dead jobs (the job itself is in jobs.py)."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

from sqlalchemy import select

from common import jobs
from common.db import db, utcnow
from common.errors import Conflict, NotFound, RuleViolation
from common.models import User
from common.transaction import begin_write, transactional
from scheduling import store
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
    load = store.load_day(day, region, time_limit_s=time_limit_s)
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
    job = SolveJob(plan=plan, state=JobState.QUEUED)
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


def mark_job_failed(job: SolveJob, message: str) -> None:
    """Record that solve job `job` failed with `message` (flushes only)."""
    job.state, job.error, job.finished_at = JobState.FAILED, message, utcnow()
    job.plan.status = PlanStatus.FAILED
    db.session.flush()


def get_plan(plan_id: int, *, by: User) -> Plan:
    """One plan with its job, or NotFound."""
    plan = db.session.get(Plan, plan_id)
    if plan is None:
        raise NotFound("plan_not_found_list", params={"plan_id": plan_id})
    return plan


def list_plans(*, day: date | None = None, region: str | None = None, by: User) -> list[Plan]:
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
    changed = store.visits_changed_since_load(plan)
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


def requeue_stale_jobs(
    older_than_s: int = DEFAULT_STALE_AFTER_S, *, now: datetime | None = None, by: User | None = None
) -> list[SolveJob]:
    """Queue again the running jobs whose worker went silent; give up after MAX_SOLVE_ATTEMPTS.

    A job is stale when it gave no sign of life for `older_than_s` beyond what its time limit allows:
    the solver may stay quiet while it searches, but never past its time limit.
    """
    now = now or utcnow()
    stale = []
    for job in db.session.scalars(select(SolveJob).where(SolveJob.state == JobState.RUNNING).order_by(SolveJob.id)):
        started = job.started_at or job.created_at
        last_sign = max(job.heartbeat_at or started, started + timedelta(seconds=job.plan.time_limit_s))
        if last_sign + timedelta(seconds=older_than_s) < now:
            stale.append(job)
    requeued = []
    for job in stale:
        if job.attempts >= MAX_SOLVE_ATTEMPTS:
            mark_job_failed(
                job,
                f"The worker stopped {job.attempts} times while solving this plan; "
                "solve the day again with fewer visits or a shorter time limit.",
            )
        else:
            job.state, job.heartbeat_at = JobState.QUEUED, None
            job.rq_job_id = _rq_job_id(job)
            requeued.append(job)
    db.session.commit()
    for job in requeued:
        jobs.enqueue(SOLVE_JOB, job.id, job_id=job.rq_job_id, timeout_s=job.plan.time_limit_s)
    return stale
