"""Words technicians use on the service form."""

from __future__ import annotations

import enum


class ServiceResult(str, enum.Enum):
    RESOLVED = "resolved"
    NOT_RESOLVED = "not_resolved"
    NEEDS_PARTS = "needs_parts"


class FailureReason(str, enum.Enum):
    CUSTOMER_ABSENT = "customer_absent"
    NEEDS_PARTS = "needs_parts"
    CANNOT_FIX = "cannot_fix"
    REFUSED = "refused"
    WRONG_ADDRESS = "wrong_address"
    OTHER = "other"
