"""The words of the scheduling side's error codes (English templates; `common.message_text` translates them)."""

from __future__ import annotations

from common.messages import N_, register_messages

MESSAGES = register_messages(
    {
        # day plans
        "no_open_visit_on_day": N_(
            "No open visit of region '%(region)s' falls on %(day)s; pick another date or region."
        ),
        "plan_not_found": N_("There is no plan %(plan_id)s."),
        "plan_not_found_list": N_("There is no plan %(plan_id)s; list plans with GET /api/v1/plans?date=&region=."),
        "plan_not_draft": N_("Plan %(plan_id)s is %(current)s; only a draft plan can be published."),
        "plan_job_not_succeeded": N_(
            "Plan %(plan_id)s cannot be published before its solve job succeeds (it is %(current)s)."
        ),
        "plan_breaks_rules": N_("Plan %(plan_id)s breaks %(count)s rule(s) and cannot be published: %(details)s"),
        "plan_out_of_date": N_("Plan %(plan_id)s is out of date; solve the day again: %(details)s"),
        # manual moves on the board
        "start_in_past": N_("The start is in the past; pick a time from now on."),
        # rebalance
        "rebalance_event_refused": N_("The event does not fit the day: %(detail)s"),
        "rebalance_not_found_preview": N_(
            "There is no rebalance %(rebalance_id)s; preview one with POST /api/v1/rebalance/preview."
        ),
        "rebalance_not_found": N_("There is no rebalance %(rebalance_id)s."),
        "rebalance_applied_already": N_(
            "Rebalance %(rebalance_id)s was applied already; preview the day again for a new change set."
        ),
        "rebalance_day_changed": N_(
            "The day changed since rebalance %(rebalance_id)s was previewed (%(details)s); preview again."
        ),
        "no_active_technician": N_("There is no active technician %(technician_id)s."),
        # slot offers and booking
        "slot_begun": N_("The slot %(slot)s has already begun; pick one of the offered slots from tomorrow on."),
        "slot_contended": N_(
            "The slot %(slot)s is being booked by several agents at this moment; send the booking again."
        ),
        "slot_already_booked": N_(
            "Visit %(visit_id)s is already booked for this slot (%(slot)s, %(name)s); nothing was changed "
            "and the customer was not texted again."
        ),
        "slot_gone": N_(
            "The slot %(slot)s is not among the current offers any more (another booking "
            "may have taken it); pick one of the fresh offers."
        ),
        "visit_done_not_bookable": N_(
            "Visit %(visit_id)s is %(current)s; a slot can only be booked for a visit still to "
            "be done (register a new visit instead)."
        ),
        "visit_under_way_not_bookable": N_(
            "Visit %(visit_id)s is already %(current)s: the technician is on it; it cannot be booked into another slot."
        ),
        "address_without_coordinates": N_(
            "The customer's address (%(address)s) has no coordinates; enter its latitude "
            "and longitude so slots can be offered."
        ),
    }
)
