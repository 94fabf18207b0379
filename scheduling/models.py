"""Stored day plans, the background jobs that solve them, and rebalances of a day under way."""

from __future__ import annotations

import datetime as dt
from datetime import datetime

from sqlalchemy import JSON, BigInteger, CheckConstraint, Date, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from common.db import Model, UTCDateTime, utcnow
from common.models import User, str_enum
from scheduling.enums import JobState, PlanStatus, RebalanceStatus
from scheduling.rules import MAX_TIME_LIMIT_S, MIN_TIME_LIMIT_S


class Plan(Model):
    """One optimizer run for a region's day: the problem it was given, the plan it returned, and its fate."""

    __tablename__ = "plans"
    __table_args__ = (
        CheckConstraint(f"time_limit_s BETWEEN {MIN_TIME_LIMIT_S} AND {MAX_TIME_LIMIT_S}", name="time_limit_range"),
        Index("ix_plans_date_region_status", "date", "region", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    date: Mapped[dt.date] = mapped_column(Date)  # the local date planned
    region: Mapped[str] = mapped_column(String(64))
    status: Mapped[PlanStatus] = mapped_column(str_enum(PlanStatus, "plan_status"), default=PlanStatus.DRAFT)
    time_limit_s: Mapped[int] = mapped_column(Integer)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: the command line
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # problem.json as given to the solver (seconds from local midnight of `date`).
    problem: Mapped[dict] = mapped_column(JSON)
    # Visits the loader could not give the solver, [{"visit": "v12", "reason": ...}] (e.g. no coordinates).
    left_out: Mapped[list] = mapped_column(JSON, default=list)
    # Each planned visit's status, technician and planned start when the problem was loaded: publishing
    # refuses when any of them changed, because the plan was made for a world that no longer exists.
    visit_snapshot: Mapped[dict] = mapped_column(JSON, default=dict)
    result: Mapped[dict | None] = mapped_column(JSON)  # plan.json
    kpis: Mapped[dict | None] = mapped_column(JSON)
    violations: Mapped[list | None] = mapped_column(JSON)  # check_plan's findings; [] = feasible
    publish_report: Mapped[dict | None] = mapped_column(JSON)

    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    published_by: Mapped[User | None] = relationship(foreign_keys=[published_by_id])
    job: Mapped[SolveJob | None] = relationship(back_populates="plan", uselist=False)


class SolveJob(Model):
    """The background solve of one plan; the worker keeps `heartbeat_at` fresh so a dead worker is noticed."""

    __tablename__ = "solve_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), unique=True)
    state: Mapped[JobState] = mapped_column(str_enum(JobState, "job_state"), default=JobState.QUEUED, index=True)
    best_cost: Mapped[int | None] = mapped_column(BigInteger)  # drop penalties make costs large
    solutions: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    elapsed_s: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    error: Mapped[str | None] = mapped_column(Text)
    rq_job_id: Mapped[str | None] = mapped_column(String(64))
    engine: Mapped[str | None] = mapped_column(String(32))  # the search that planned it; None before it ran
    # Queued: until then its message is trusted to be on its way; running: until then its worker is presumed
    # alive (the worker renews it). Past it, a worker's maintenance pass queues the job again.
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    lease_owner: Mapped[str | None] = mapped_column(String(200))  # "<worker> <rq job id>" of the running job

    plan: Mapped[Plan] = relationship(back_populates="job")


class Rebalance(Model):
    """One rebalance of a region's day: the event, the change set shown, and whether it was applied.

    Applying writes exactly what the preview showed, so the change set is stored, not recomputed."""

    __tablename__ = "rebalances"
    __table_args__ = (Index("ix_rebalances_date_region", "date", "region"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    date: Mapped[dt.date] = mapped_column(Date)
    region: Mapped[str] = mapped_column(String(64))
    status: Mapped[RebalanceStatus] = mapped_column(
        str_enum(RebalanceStatus, "rebalance_status"), default=RebalanceStatus.PREVIEW
    )
    event: Mapped[dict] = mapped_column(JSON)  # as the dispatcher sent it (ids, local times)
    now: Mapped[datetime] = mapped_column(UTCDateTime())  # the moment it was computed for
    problem: Mapped[dict] = mapped_column(JSON)  # the day after the event, as the core saw it
    result: Mapped[dict] = mapped_column(JSON)  # the core's answer: plan.json and its change set
    # Each visit's status, technician and planned start at the preview: applying refuses when one changed.
    visit_snapshot: Mapped[dict] = mapped_column(JSON, default=dict)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    applied_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    applied_by: Mapped[User | None] = relationship(foreign_keys=[applied_by_id])
