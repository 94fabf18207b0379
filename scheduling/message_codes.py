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
        # the core's EventError codes, as `rebalance_<code>` (ids are the API's visit and technician ids)
        "rebalance_event_not_object": N_("The event must be a JSON object with a kind."),
        "rebalance_event_kind_unknown": N_("The kind of event must be one of %(kinds)s, not %(value)s."),
        "rebalance_event_technician_unknown": N_("Technician %(technician)s does not work this day."),
        "rebalance_event_shift_shape": N_("Give the spare shift as a start and an end."),
        "rebalance_event_shift_reversed": N_("The shift must end after it starts."),
        "rebalance_event_visit_unknown": N_("Visit %(visit)s is not a visit of this day."),
        "rebalance_event_minutes_invalid": N_("Give the overrun as a whole number of minutes other than 0."),
        "rebalance_event_seconds_invalid": N_("Give a local time of day as HH:MM, e.g. 11:00."),
        "rebalance_event_visit_started": N_("Visit %(visit)s has already started; it cannot be cancelled now."),
        "rebalance_event_visit_planned": N_(
            "Visit %(visit)s is already planned; an urgent visit is one not yet on a route."
        ),
        "rebalance_event_overrun_too_short": N_("A visit cannot run shorter than no time at all."),
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
