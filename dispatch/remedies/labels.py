"""Words for the remedy codes: the ladder's steps, statuses, warehouses, and the timeline entries remedies write."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from common.labels import register_labels
from dispatch.remedies.enums import CustomerAnswer, RemedyStatus, RemedyStep, ReturnKind, ReturnStatus

ENUM_LABELS: dict[type, dict[str, Any]] = {
    RemedyStep: {
        "explanation": _l("Explanation"),
        "coupon": _l("Coupon"),
        "compensation": _l("Compensation"),
        "exchange": _l("Exchange"),
        "return": _l("Return"),
    },
    CustomerAnswer: {"accepted": _l("Customer accepted"), "declined": _l("Customer declined")},
    RemedyStatus: {
        "accepted": _l("Accepted by the customer"),
        "declined": _l("Declined by the customer"),
        "pending_approval": _l("Waits for a manager's approval"),
        "approved": _l("Approved by a manager"),
        "refused": _l("Refused by a manager"),
    },
    ReturnKind: {"exchange": _l("Exchange"), "return": _l("Return")},
    ReturnStatus: {
        "awaiting_pickup": _l("Waiting for pickup"),
        "to_stock": _l("Received: to stock"),
        "to_repair": _l("Received: to repair"),
    },
}

# The default warehouses (rules.DEFAULT_RETURN_WAREHOUSES); a configured new one shows its code.
WAREHOUSE_LABELS: dict[str, Any] = {
    "beijing_factory": _l("Beijing factory"),
    "zhongshan_factory": _l("Zhongshan factory"),
}

TIMELINE_ACTIONS: dict[str, Any] = {
    "remedy_offered": _l("Remedy offered"),
    "remedy_approval_requested": _l("Compensation above the CS limit: waits for a manager's approval"),
    "remedy_approved": _l("Manager approved the compensation"),
    "remedy_refused": _l("Manager refused the compensation"),
    "return_order_created": _l("Return order created"),
    "pickup_visit_added": _l("Pickup visit added"),
    "pickup_visit_rebooked": _l("The return order's pickup moved to the rebooked visit"),
    "receipt_checked": _l("Warehouse receipt check"),
}

DETAIL_KEYS: dict[str, Any] = {
    "remedy": _l("remedy"),
    "answer": _l("customer's answer"),
    "amount_yuan": _l("amount (yuan)"),
    "payer": _l("who pays"),
    "warehouse": _l("warehouse"),
    "return_kind": _l("kind"),
    "category": _l("category"),
    "packaging_ok": _l("packaging"),
    "appearance_ok": _l("appearance"),
    "quantity_ok": _l("quantity"),
}

CODES: dict[str, Any] = {
    **WAREHOUSE_LABELS,
    "answer_accepted": _l("accepted"),
    "answer_declined": _l("declined"),
    # a manager's decision on a compensation (RemedyDecisionSchema)
    "approve": _l("approve"),
    "refuse": _l("refuse"),
}


def warehouse_label(code: str) -> Any:
    return WAREHOUSE_LABELS.get(code, code)


def register() -> None:
    register_labels(
        enums=ENUM_LABELS,
        timeline_actions=TIMELINE_ACTIONS,
        detail_keys=DETAIL_KEYS,
        hidden_detail_keys=("return_order_id",),
        codes=CODES,
    )
