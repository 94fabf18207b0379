"""Words for the scheduling side's codes: plan and solve-job states, as refusals name them."""

from __future__ import annotations

import enum
from typing import Any

from flask_babel import lazy_gettext as _l

from common.labels import register_labels
from scheduling.enums import JobState, PlanStatus

ENUM_LABELS: dict[type[enum.Enum], dict[str, Any]] = {
    PlanStatus: {
        "draft": _l("draft"),
        "published": _l("published"),
        "superseded": _l("superseded"),
        "failed": _l("failed"),
    },
    JobState: {"queued": _l("queued"), "running": _l("running"), "succeeded": _l("succeeded"), "failed": _l("failed")},
}


def register() -> None:
    """Make these words known to the `label` filter and to error messages."""
    register_labels(enums=ENUM_LABELS)
