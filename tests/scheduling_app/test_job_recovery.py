"""Solve jobs recover by themselves: one claim per job, leases renewed by the worker, lost messages queued again,
and deployments that share one Redis keep to their own jobs."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from common import jobs as queueing
from common.db import db, utcnow
from scheduling import jobs, service
from scheduling.enums import JobState
from scheduling.models import SolveJob
from tests.scheduling_app.builders import DAY, make_crew, make_visit
from tests.services import REDIS_URL, create_postgres_database, redis_connection, remove_queue


def _queued_job() -> SolveJob:
    make_crew(1)
    make_visit()
    return service.start_day_plan(DAY, "shanghai", time_limit_s=1, by=None).job


def _work(queue) -> None:
    from rq import SimpleWorker

    SimpleWorker([queue], connection=queue.connection, name=f"{queue.name}-worker").work(burst=True)


def _job(job_id: int) -> SolveJob:
    db.session.expire_all()
    return db.session.get(SolveJob, job_id)


def test_a_job_delivered_twice_is_solved_once(app, solve_queue):
    job = _queued_job()
    queueing.enqueue(service.SOLVE_JOB, job.id, job_id=f"{job.rq_job_id}-again")  # a duplicate message
    assert solve_queue.count == 2

    _work(solve_queue)

    job = _job(job.id)
    assert job.state is JobState.SUCCEEDED and job.attempts == 1
    assert job.plan.result is not None


def test_a_running_job_held_by_another_worker_is_not_taken(app, solve_queue):
    job = _queued_job()
    assert jobs.claim_job(job.id, "worker-a job-1", renewed=True)
    assert not jobs.claim_job(job.id, "worker-b job-1", renewed=True)

    _work(solve_queue)  # its message, delivered while worker-a solves

    job = _job(job.id)
    assert job.state is JobState.RUNNING and job.lease_owner == "worker-a job-1" and job.attempts == 1


def test_the_worker_renews_only_the_lease_of_the_job_its_horse_runs(app, solve_queue):
    job = _queued_job()
    jobs.claim_job(job.id, "worker-a job-1", renewed=True)
    job = _job(job.id)
    job.lease_until = utcnow() + timedelta(seconds=1)
    db.session.commit()

    service.keep_job_alive("worker-b job-7")
    assert _job(job.id).lease_until < utcnow() + timedelta(seconds=2)

    service.keep_job_alive("worker-a job-1")
    assert _job(job.id).lease_until > utcnow() + timedelta(seconds=queueing.lease_seconds() - 5)


def test_a_worker_whose_lease_was_taken_over_mid_solve_stores_nothing(app, monkeypatch):
    # While this worker searches, it is presumed dead and another worker takes the job (as the
    # maintenance pass and a second claim would): the late result must not overwrite the other's.
    class TakenOverMidSolve(jobs.Heartbeat):
        def __call__(self, progress):
            db.session.execute(
                SolveJob.__table__.update()
                .where(SolveJob.id == self.job_id)
                .values(lease_owner="worker-b job-2", lease_until=utcnow() + timedelta(seconds=30))
            )
            db.session.commit()

    monkeypatch.setattr(jobs, "Heartbeat", TakenOverMidSolve)
    job = _queued_job()  # JOBS_EAGER: solved inline

    job = _job(job.id)
    assert job.state is JobState.RUNNING and job.lease_owner == "worker-b job-2"
    assert job.plan.result is None and job.finished_at is None


def test_a_queued_job_whose_message_was_lost_is_queued_again_once_its_lease_runs_out(app, solve_queue):
    lost = _queued_job()
    waiting = _queued_job()
    lost_message = lost.rq_job_id
    solve_queue.remove(lost_message)
    solve_queue.connection.delete(f"rq:job:{lost_message}")  # as if Redis restarted without it

    assert service.recover_solve_jobs() == []  # enqueued a moment ago: its message may be on its way

    later = utcnow() + timedelta(seconds=queueing.lease_seconds() + 1)
    handled = service.recover_solve_jobs(now=later)

    assert [j.id for j in handled] == [lost.id]  # the job whose message still waits is left alone
    lost = _job(lost.id)
    assert lost.state is JobState.QUEUED and lost.rq_job_id != lost_message
    assert set(solve_queue.job_ids) == {lost.rq_job_id, waiting.rq_job_id}
    assert service.recover_solve_jobs(now=later) == []  # queued again: trusted for another lease

    _work(solve_queue)

    assert _job(lost.id).state is JobState.SUCCEEDED and _job(lost.id).attempts == 1
    assert _job(waiting.id).state is JobState.SUCCEEDED


@pytest.fixture
def other_deployment(app, tmp_path):
    """A second app on a second database of the same backend, sharing the test Redis."""
    from app import create_app

    if app.config["BACKEND"] == "postgresql":
        url, drop = create_postgres_database()
    else:
        url, drop = "sqlite:///" + str(tmp_path / "staging.db"), None
    other = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "test",
            "JOBS_EAGER": False,
            "REDIS_URL": REDIS_URL,
            "JOB_QUEUE": "",
            "SOLVE_WARM_UP": False,
            "UPLOAD_DIR": str(tmp_path / "uploads"),
        }
    )
    with other.app_context():
        db.create_all()
    yield other
    with other.app_context():
        db.session.remove()
        db.engine.dispose()
    if drop:
        drop()


def test_two_deployments_sharing_one_redis_never_take_each_others_jobs(app, other_deployment, monkeypatch):
    connection = redis_connection()
    for deployment in (app, other_deployment):
        monkeypatch.setitem(deployment.config, "JOBS_EAGER", False)
        monkeypatch.setitem(deployment.config, "REDIS_URL", REDIS_URL)
        monkeypatch.setitem(deployment.config, "JOB_QUEUE", "")  # named after the database
        monkeypatch.setitem(deployment.config, "SOLVE_WARM_UP", False)
    ours = _queued_job()
    ours_id, our_queue = ours.id, queueing.queue_name()
    with other_deployment.app_context():
        theirs_id, their_queue = _queued_job().id, queueing.queue_name()
    assert our_queue != their_queue
    try:
        queueing.run_worker(app, burst=True, keep_alive=service.keep_job_alive)  # a forking worker, like prod

        assert _job(ours_id).state is JobState.SUCCEEDED
        with other_deployment.app_context():
            assert _job(theirs_id).state is JobState.QUEUED  # not taken, not solved against our database
            assert queueing.job_queue().count == 1
            queueing.run_worker(other_deployment, burst=True, keep_alive=service.keep_job_alive)
            assert _job(theirs_id).state is JobState.SUCCEEDED
            assert db.session.scalar(select(SolveJob.attempts)) == 1
        assert _job(ours_id).attempts == 1
    finally:
        remove_queue(connection, our_queue)
        remove_queue(connection, their_queue)
