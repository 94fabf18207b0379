"""The words dispatchers use for day plans and their solve jobs, as str enums."""

from __future__ import annotations

import enum


class PlanStatus(str, enum.Enum):
    DRAFT = "draft"  # solved (or solving); nobody sees it but dispatchers
    PUBLISHED = "published"  # its routes were written to the visits
    SUPERSEDED = "superseded"  # a later plan of the same day and region was published
    FAILED = "failed"  # the solve job failed; the message is on the job


class JobState(str, enum.Enum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class RebalanceStatus(str, enum.Enum):
    PREVIEW = "preview"  # computed and shown; nothing written to the visits
    APPLIED = "applied"  # its change set was written in one transaction
