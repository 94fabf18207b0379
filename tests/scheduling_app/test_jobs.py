"""Solve jobs: through a real Redis queue, their heartbeat, failures, and recovery from dead workers."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from common.db import db, utcnow
from scheduling import jobs, service
from scheduling.core.ruin_and_recreate import driver as search
from scheduling.enums import JobState, PlanStatus
from scheduling.models import Plan, SolveJob
from tests.scheduling_app.builders import DAY, make_crew, make_visit


def test_a_solve_job_goes_through_redis_and_a_worker_stores_the_plan(app, login_as, solve_queue):
    from rq import SimpleWorker

    make_crew(2)
    make_visit()
    make_visit(lat=31.21, lon=121.45)
    dispatcher = login_as("dispatcher")

    response = dispatcher.post("/api/v1/plans", json={"date": DAY.isoformat(), "region": "shanghai", "time_limit_s": 1})
    assert response.status_code == 202
    assert response.json["job"]["state"] == "queued"
    assert solve_queue.count == 1

    SimpleWorker([solve_queue], connection=solve_queue.connection, name=f"{solve_queue.name}-worker").work(burst=True)

    db.session.expire_all()
    job = db.session.scalar(select(SolveJob))
    assert job.state is JobState.SUCCEEDED, job.error
    assert job.attempts == 1 and job.heartbeat_at is not None and job.finished_at >= job.started_at
    assert solve_queue.count == 0
    plan = dispatcher.get(f"/api/v1/plans/{job.plan_id}").json
    assert plan["violations"] == [] and plan["kpis"]["served"] == 2


def test_an_unreachable_queue_fails_the_job_and_says_how_to_fix_it(app, login_as, monkeypatch):
    monkeypatch.setitem(app.config, "JOBS_EAGER", False)
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:1/0")  # nothing listens on port 1
    make_crew(1)
    make_visit()

    response = login_as("dispatcher").post("/api/v1/plans", json={"date": DAY.isoformat(), "region": "shanghai"})
    assert response.status_code == 503
    assert "start Redis and a worker" in response.json["message"]
    job = db.session.scalar(select(SolveJob))
    assert job.state is JobState.FAILED and job.plan.status is PlanStatus.FAILED


def test_the_heartbeat_writes_progress_at_most_about_once_a_second(app):
    plan = Plan(date=DAY, region="shanghai", time_limit_s=1, problem={}, left_out=[], visit_snapshot={})
    job = SolveJob(plan=plan, state=JobState.RUNNING)
    db.session.add_all([plan, job])
    db.session.commit()

    class Progress:
        def __init__(self, elapsed_s, best_cost, solutions):
            self.elapsed_s, self.best_cost, self.solutions = elapsed_s, best_cost, solutions

    ticks = iter([100.0, 100.4, 101.1])
    beat = jobs.Heartbeat(job.id, monotonic=lambda: next(ticks))
    beat(Progress(0.1, 900, 1))
    beat(Progress(0.5, 800, 2))  # 0.4 s after the last write: skipped
    db.session.expire_all()
    job = db.session.get(SolveJob, job.id)
    assert (job.best_cost, job.solutions, job.elapsed_s) == (900, 1, 0.1)
    assert job.heartbeat_at is not None
    beat(Progress(1.2, 700, 3))  # 1.1 s after it: written
    db.session.expire_all()
    assert db.session.get(SolveJob, job.id).best_cost == 700


def test_a_failing_solve_marks_the_job_and_plan_failed_with_the_message(app, login_as):
    # a problem the core refuses (as if the loader had a bug): the job must still end readable
    plan = Plan(
        date=DAY,
        region="shanghai",
        time_limit_s=1,
        left_out=[],
        visit_snapshot={},
        problem={"locations": [], "technicians": [], "visits": []},
    )
    job = SolveJob(plan=plan, state=JobState.QUEUED)
    db.session.add_all([plan, job])
    db.session.commit()

    jobs.run_solve_job(job.id)

    db.session.expire_all()
    job = db.session.get(SolveJob, job.id)
    assert job.state is JobState.FAILED
    assert job.error.startswith("ProblemError: ") and "locations is empty" in job.error
    assert job.plan.status is PlanStatus.FAILED
    response = login_as("dispatcher").post(f"/api/v1/plans/{job.plan_id}/publish")
    assert response.status_code == 409
    assert response.json["message"] == f"Plan {job.plan_id} is failed; only a draft plan can be published."


def _running_job(*, lease_left_s: int | None, heartbeat_age_s: int = 5, attempts: int = 1) -> SolveJob:
    """A job a worker picked up: still "running", its lease running out in `lease_left_s` (negative: ran out
    that long ago; None: a job from before leases, judged by its heartbeat)."""
    make_crew(1)
    make_visit()
    plan = service.start_day_plan(DAY, "shanghai", time_limit_s=1, by=None)
    job = plan.job
    started = utcnow() - timedelta(seconds=heartbeat_age_s + 5)
    job.state, job.started_at, job.heartbeat_at, job.finished_at = (
        JobState.RUNNING,
        started,
        utcnow() - timedelta(seconds=heartbeat_age_s),
        None,
    )
    job.lease_owner = "worker-1 solve-job-1"
    job.lease_until = None if lease_left_s is None else utcnow() + timedelta(seconds=lease_left_s)
    job.attempts = attempts
    plan.result, plan.kpis, plan.violations = None, None, None
    db.session.commit()
    return job


def test_a_running_job_whose_lease_ran_out_is_run_again(app):
    job = _running_job(lease_left_s=-1)

    handled = service.recover_solve_jobs()

    assert [j.id for j in handled] == [job.id]
    db.session.expire_all()
    job = db.session.get(SolveJob, job.id)
    assert job.state is JobState.SUCCEEDED  # JOBS_EAGER: the requeued job ran inline
    assert job.attempts == 2
    assert job.plan.result is not None and job.plan.violations == []


def test_a_running_job_whose_lease_is_renewed_is_left_alone_however_quiet_its_search(app):
    job = _running_job(lease_left_s=20, heartbeat_age_s=600)

    assert service.recover_solve_jobs() == []
    db.session.expire_all()
    assert db.session.get(SolveJob, job.id).state is JobState.RUNNING


def test_a_job_from_before_leases_is_judged_by_its_heartbeat(app):
    fresh = _running_job(lease_left_s=None, heartbeat_age_s=5)
    assert service.requeue_stale_jobs(60) == []

    fresh.heartbeat_at = fresh.started_at = utcnow() - timedelta(seconds=600)
    db.session.commit()
    assert [j.id for j in service.requeue_stale_jobs(60)] == [fresh.id]
    assert db.session.get(SolveJob, fresh.id).state is JobState.SUCCEEDED


def test_a_job_whose_worker_died_three_times_is_given_up(app):
    job = _running_job(lease_left_s=-1, attempts=3)

    service.recover_solve_jobs()

    db.session.expire_all()
    job = db.session.get(SolveJob, job.id)
    assert job.state is JobState.FAILED and "stopped 3 times" in job.error
    assert job.plan.status is PlanStatus.FAILED


def test_requeue_stale_command_reports_what_it_did(app):
    job = _running_job(lease_left_s=-1)

    result = app.test_cli_runner().invoke(args=["scheduling", "requeue-stale", "--older-than", "60"])

    assert result.exit_code == 0, result.output
    assert f"job {job.id} (plan {job.plan_id}): succeeded, attempt 2" in result.output


def test_solve_day_command_plans_and_publishes(app):
    make_crew(1)
    visit = make_visit()

    result = app.test_cli_runner().invoke(
        args=[
            "scheduling",
            "solve-day",
            "--date",
            DAY.isoformat(),
            "--region",
            "shanghai",
            "--time-limit",
            "1",
            "--publish",
        ]
    )

    assert result.exit_code == 0, result.output
    assert "published plan 1: 1 visits scheduled" in result.output
    db.session.refresh(visit)
    assert visit.status.value == "scheduled"


def test_while_the_search_compiles_a_day_is_planned_with_or_tools_and_the_plan_says_so(app, login_as, monkeypatch):
    compiling = []
    monkeypatch.setattr(search, "is_compiled", lambda: False)
    monkeypatch.setattr(search, "start_warm_up", lambda: compiling.append(True))
    make_crew(1)
    make_visit()
    plan = service.start_day_plan(DAY, "shanghai", time_limit_s=1, by=None)  # JOBS_EAGER: solved inline

    shown = login_as("dispatcher").get(f"/api/v1/plans/{plan.id}").json
    assert shown["job"]["state"] == "succeeded" and shown["job"]["engine"] == "ortools"
    assert shown["kpis"]["engine"] == "ortools" and shown["kpis"]["served"] == 1
    assert compiling == [True]  # the search compiles in the background meanwhile


def test_once_compiled_a_day_is_planned_with_ruin_and_recreate(app, login_as, monkeypatch):
    monkeypatch.setattr(search, "is_compiled", lambda: True)
    make_crew(1)
    make_visit()
    plan = service.start_day_plan(DAY, "shanghai", time_limit_s=1, by=None)

    shown = login_as("dispatcher").get(f"/api/v1/plans/{plan.id}").json
    assert shown["job"]["engine"] == shown["kpis"]["engine"] == "ruin_and_recreate"


def test_two_deployments_sharing_one_redis_have_their_own_queues(app, monkeypatch):
    from common.jobs import queue_name

    monkeypatch.setitem(app.config, "JOB_QUEUE", "")
    names = []
    for url in (
        "postgresql://postgres@127.0.0.1/dispatch_demo",
        "postgresql://postgres@127.0.0.1/dispatch_staging",
        "postgresql://postgres@10.0.0.9/dispatch_demo",  # another server, the same database name
        "sqlite:////srv/demo/instance/dispatch.db",
        "sqlite:////srv/staging/instance/dispatch.db",  # every checkout's database is instance/dispatch.db
    ):
        monkeypatch.setitem(app.config, "SQLALCHEMY_DATABASE_URI", url)
        names.append(queue_name())
    assert len(set(names)) == 5
    assert [name.rsplit("-", 1)[0] for name in names] == [
        "solve-dispatch_demo",
        "solve-dispatch_staging",
        "solve-dispatch_demo",
        "solve-dispatch",
        "solve-dispatch",
    ]
    # the password and the driver do not make it another database
    monkeypatch.setitem(
        app.config, "SQLALCHEMY_DATABASE_URI", "postgresql+psycopg://postgres:pw@127.0.0.1/dispatch_demo"
    )
    assert queue_name() == names[0]
    monkeypatch.setitem(app.config, "JOB_QUEUE", "solve-blue")
    assert queue_name() == "solve-blue"
