"""Words for the technician side's codes: service results and failure reasons."""

from __future__ import annotations

import enum
from typing import Any

from flask_babel import lazy_gettext as _l

from common.labels import register_labels
from technicians.enums import FailureReason, ServiceResult

ENUM_LABELS: dict[type[enum.Enum], dict[str, Any]] = {
    ServiceResult: {"resolved": _l("Resolved"), "not_resolved": _l("Not resolved"), "needs_parts": _l("Needs parts")},
    FailureReason: {
        "customer_absent": _l("Customer absent"),
        "needs_parts": _l("Needs parts"),
        "cannot_fix": _l("Cannot fix"),
        "refused": _l("Customer refused"),
        "wrong_address": _l("Wrong address"),
        "other": _l("Other reason"),
    },
}


def register() -> None:
    """Make these words known to the `label` filter."""
    register_labels(enums=ENUM_LABELS)
