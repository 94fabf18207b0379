"""Words for the CS side's codes: its enums, and the actions and details of the ticket timeline."""

from __future__ import annotations

import enum
from typing import Any

from flask_babel import lazy_gettext as _l

from common.labels import register_labels
from common.message_text import word
from dispatch import rules
from dispatch.enums import (
    CallOutcome,
    Cause,
    CloseReason,
    FollowUpStatus,
    Platform,
    ProductCategory,
    Responsibility,
    TicketStatus,
    TicketType,
    VisitStatus,
    WarrantyStatus,
)

# One table per enum: the same code can read differently by context (a "scheduled" visit is "Planned").
ENUM_LABELS: dict[type[enum.Enum], dict[str, Any]] = {
    TicketStatus: {
        "open": _l("Open"),
        "scheduled": _l("Scheduled"),
        "in_service": _l("In service"),
        "awaiting_follow_up": _l("Awaiting follow-up"),
        "reopened": _l("Reopened"),
        "closed": _l("Closed"),
        "cancelled": _l("Cancelled"),
    },
    TicketType: {
        "installation": _l("Installation"),
        "repair": _l("Repair"),
        "inspection": _l("Inspection"),
        "return_pickup": _l("Return pickup"),
        "exchange": _l("Exchange"),
    },
    VisitStatus: {
        "unscheduled": _l("Not planned"),
        "scheduled": _l("Planned"),
        "accepted": _l("Accepted"),
        "en_route": _l("On the way"),
        "arrived": _l("On site"),
        "completed": _l("Completed"),
        "failed": _l("Failed"),
        "cancelled": _l("Cancelled"),
    },
    ProductCategory: {
        "large_appliance": _l("Large appliance"),
        "small_appliance": _l("Small appliance"),
        "furniture": _l("Furniture"),
    },
    Platform: {"tmall": _l("Tmall"), "jd": _l("JD"), "douyin": _l("Douyin"), "own_shop": _l("Own shop")},
    WarrantyStatus: {"in_warranty": _l("In warranty"), "out_of_warranty": _l("Out of warranty")},
    Responsibility: {
        "undetermined": _l("Not yet determined"),
        "seller": _l("Seller pays"),
        "customer": _l("Customer pays"),
        "logistics": _l("Logistics pays"),
    },
    Cause: {
        "quality": _l("Quality problem"),
        "wrong_item": _l("Wrong item"),
        "missing_item": _l("Missing item"),
        "change_of_mind": _l("Change of mind"),
        "transport_damage": _l("Transport damage"),
    },
    CloseReason: {"resolved": _l("Resolved"), "unreachable": _l("Customer unreachable"), "cancelled": _l("Cancelled")},
    FollowUpStatus: {
        "pending": _l("Waiting for the call"),
        "done": _l("Called"),
        "unreachable": _l("Customer unreachable"),
        "cancelled": _l("Cancelled"),
    },
    CallOutcome: {"reached": _l("Reached"), "no_answer": _l("No answer")},
}

TIMELINE_ACTIONS: dict[str, Any] = {
    "created": _l("Ticket registered"),
    "status_changed": _l("Status changed"),
    "visit_scheduled": _l("Visit scheduled"),
    "visit_rescheduled": _l("Visit moved"),
    "visit_retimed": _l("Visit time adjusted"),
    "visit_unscheduled": _l("Visit taken off the plan"),
    "visit_added": _l("Visit added"),
    "visit_cancelled": _l("Visit cancelled"),
    "visit_accepted": _l("Technician accepted"),
    "visit_en_route": _l("Technician on the way"),
    "visit_arrived": _l("Technician arrived"),
    "visit_completed": _l("Visit completed"),
    "visit_failed": _l("Visit failed"),
    "service_report_submitted": _l("Service report submitted"),
    "follow_up_queued": _l("Follow-up call queued"),
    "follow_up_attempt": _l("Follow-up call"),
    "rebooking_needed": _l("Needs rebooking"),
    "rebook_queued": _l("Rebook call queued"),
    "rebook_call": _l("Rebook call"),
    "slot_promised": _l("Slot promised to the customer"),
    "reopened": _l("Reopened"),
    "closed": _l("Closed"),
    "cancelled": _l("Cancelled"),
    "visit_overrun": _l("Visit took longer than planned"),
    "quota_approval_requested": _l("Visit beyond the quota: waits for a manager's approval"),
    "quota_approved": _l("Manager approved the visit beyond the quota"),
    "quota_refused": _l("Manager refused the visit beyond the quota"),
    "customer_updated": _l("Customer details changed"),
    "slot_released": _l("Earlier slot given up"),
}

# Keys of timeline details worth a word; the rest show as they are.
DETAIL_KEYS: dict[str, Any] = {
    "from": _l("from"),
    "to": _l("to"),
    "reason": _l("reason"),
    "note": _l("note"),
    "source": _l("by"),
    "technician": _l("technician"),
    "start": _l("start"),
    "end": _l("end"),
    "due_at": _l("due"),
    "owner": _l("owner"),
    "outcome": _l("outcome"),
    "satisfaction": _l("satisfaction"),
    "resolved": _l("resolved"),
    "start_before": _l("previous start"),
    "made_room_for_visit": _l("moved to make room for visit"),
    "slot_start": _l("slot from"),
    "slot_end": _l("slot until"),
    "planned_start": _l("planned start"),
    "visits_used": _l("on-site visit no."),
    "approved_by": _l("approved by"),
    "phone": _l("phone"),
    "name": _l("name"),
    "address": _l("address"),
    "district": _l("district"),
    "approximate": _l("approximate"),
    "minutes": _l("minutes"),
    "result": _l("result"),
    "photos": _l("photos"),
    "customer_confirmed": _l("customer confirmed"),
    "promise_broken": _l("promise broken"),
    "at": _l("at"),
    "unanswered_calls": _l("unanswered calls"),
    "attempt": _l("call no."),
}
# Ids and coordinates help support staff, not the reader of the timeline.
HIDDEN_DETAIL_KEYS = frozenset(
    {
        "technician_id",
        "follow_up_id",
        "failed_visit_id",
        "lat",
        "lon",
        "order_no",
        "serial_no",
        "visit_quota",
        "responsibility",
        "type",
        "added_travel_s",
        "report_id",
        "reason_code",
    }
)

# The skills the default rules ask for (dispatch/rules.py DEFAULT_SKILLS); other skills show their stored code.
SKILL_LABELS: dict[str, Any] = {
    "large_appliance_install": _l("Large appliance installation"),
    "large_appliance_repair": _l("Large appliance repair"),
    "small_appliance_install": _l("Small appliance installation"),
    "small_appliance_repair": _l("Small appliance repair"),
    "furniture_assembly": _l("Furniture assembly"),
    "furniture_repair": _l("Furniture repair"),
}


# Regions are stored as codes (technicians' and customers' `region`); the pages name them.
REGION_LABELS: dict[str, Any] = {
    "shanghai": _l("Shanghai"),
}


# Who or what placed a visit (the timeline's "source"): a word for each, and "plan 12" / "rebalance 3: <event>".
SOURCE_LABELS: dict[str, Any] = {
    "booking": _l("slot booking"),
    "manual": _l("dispatcher, by hand"),
    "demo": _l("demo data"),
    # the rebalance events (scheduling/core/rebalance_events.py EVENT_KINDS)
    "technician_out": _l("technician out"),
    "overrun": _l("visit overrun"),
    "urgent": _l("urgent visit"),
    "cancel": _l("visit cancelled"),
    "technician_added": _l("technician added"),
}
# Reasons the code itself stores on the timeline (dispatch/service/follow_ups.py, visits.py).
STORED_REASONS: dict[str, Any] = {
    "follow-up: not resolved": _l("follow-up call: not resolved"),
    "visit unassigned": _l("visit taken off the plan"),
}
SOURCE_PATTERNS = (
    (r"plan (?P<plan>\d+)", _l("day plan %(plan)s")),
    (r"rebalance (?P<rebalance>\d+): (?P<event>\w+)", _l("rebalance %(rebalance)s (%(event)s)")),
)


def register() -> None:
    """Make these words known to the `label` and `timeline_detail` filters."""
    register_labels(
        enums=ENUM_LABELS,
        timeline_actions=TIMELINE_ACTIONS,
        detail_keys=DETAIL_KEYS,
        hidden_detail_keys=HIDDEN_DETAIL_KEYS,
        codes={**SKILL_LABELS, **REGION_LABELS, **SOURCE_LABELS, **STORED_REASONS},
        value_patterns=SOURCE_PATTERNS,
    )


def close_note(ticket) -> str | None:
    """The ticket's close note in the reader's language: why it closed as unreachable, then what CS typed."""
    summary = rules.close_summary(ticket)
    if summary is None:
        return ticket.close_note
    words = word(summary.code, summary.params)
    return f"{words} {ticket.close_note}" if ticket.close_note else words
