"""The words of the CS side's error codes (English templates; `common.message_text` translates them)."""

from __future__ import annotations

from common.messages import N_, register_messages

MESSAGES = register_messages(
    {
        # lifecycles
        "ticket_transition_refused": N_(
            "A ticket that is %(current)s cannot become %(target)s; allowed next: %(allowed)s."
        ),
        "ticket_transition_final": N_("A ticket that is %(current)s cannot become %(target)s; it is final."),
        "visit_transition_refused": N_(
            "A visit that is %(current)s cannot become %(target)s; allowed next: %(allowed)s."
        ),
        "visit_transition_final": N_("A visit that is %(current)s cannot become %(target)s; it is final."),
        "availability_already_over": N_(
            "The customer's availability window %(start)s-%(end)s is already over; give when the customer "
            "is at home from now on."
        ),
        # visit quota
        "visit_awaits_quota_approval": N_(
            "Visit %(visit_id)s is on-site visit %(visits_used)s, beyond the order's quota of "
            "%(visit_quota)s; a manager must approve it before it is booked or planned."
        ),
        "visit_quota_used": N_(
            "The quota of %(visit_quota)s on-site visits for this order is used "
            "(%(visits_used)s so far); a manager must approve another visit."
        ),
        "visit_quota_used_one": N_(
            "The quota of %(visit_quota)s on-site visit for this order is used "
            "(%(visits_used)s so far); a manager must approve another visit."
        ),
        "visit_not_awaiting_approval": N_(
            "Visit %(visit_id)s is not waiting for a quota approval (it is within the quota, already "
            "approved, or no longer open)."
        ),
        "quota_refusal_needs_reason": N_("Say why the visit is refused; CS tells the customer."),
        # follow-up calls
        "ticket_closed_unreachable": N_("No answer to %(count)s follow-up calls (%(times)s local time)."),
        "clock_today": N_("%(time)s"),
        "clock_tomorrow": N_("%(time)s tomorrow"),
        "clock_on_day": N_("%(time)s on %(day)s"),
        "follow_up_attempts_used": N_(
            "All %(max_attempts)s follow-up calls for this ticket are used; no more calls are allowed."
        ),
        "follow_up_too_soon": N_("Call again after %(next)s; the last attempt was at %(last)s."),
        "follow_up_outside_window": N_("Calls are allowed %(opens)s-%(closes)s local time; next allowed at %(next)s."),
        "follow_ups_own_queue_only": N_("CS staff see only their own follow-up queue; leave out 'owner'."),
        "follow_up_not_found": N_("There is no follow-up %(follow_up_id)s."),
        "follow_up_not_yours": N_(
            "Follow-up %(follow_up_id)s is in %(owner)s's queue; only they or a manager may record calls."
        ),
        "follow_up_finished": N_("Follow-up %(follow_up_id)s is %(current)s; no more calls are recorded on it."),
        # manual assignment
        "technician_not_active": N_("%(name)s is not active; pick another technician."),
        "technician_lacks_skills": N_("%(name)s lacks the skill(s) %(missing_skills)s this visit needs."),
        "technician_day_off": N_("%(name)s does not work on %(day)s (works %(days)s)."),
        "technician_works_no_days": N_("%(name)s does not work on %(day)s (works no days)."),
        "visit_outside_shift": N_(
            "The visit would run %(start)s-%(end)s local time, outside %(name)s's shift %(shift_start)s-%(shift_end)s."
        ),
        "start_outside_promised_slot": N_(
            "The customer was promised %(promised)s-%(slot_end)s local time; start between %(slot_start)s and %(slot_end)s."
        ),
        "technician_busy": N_(
            "%(name)s already has visit %(visit_id)s at %(busy_start)s-%(busy_end)s local time; "
            "pick another time or technician."
        ),
        # tickets and visits
        "visit_not_found": N_("There is no visit %(visit_id)s."),
        "ticket_not_found": N_("There is no ticket %(ticket_id)s."),
        "ticket_photo_not_found": N_("Ticket %(ticket_id)s has no photo %(name)s."),
        "file_missing_from_storage": N_("The file %(name)s is missing from storage; ask an administrator."),
        "ticket_not_closed": N_(
            "Ticket %(ticket_id)s is %(current)s; only a closed ticket can be reopened "
            "(an open one takes a new visit instead)."
        ),
        "ticket_not_waiting_for_service": N_(
            "Ticket %(ticket_id)s is %(current)s; a visit is added to a ticket still waiting "
            "for service (reopen a closed one)."
        ),
        "ticket_has_open_visit": N_(
            "Visit %(visit_id)s of ticket %(ticket_id)s is still to be done; book or reschedule it "
            "instead of adding another."
        ),
        "order_differs": N_(
            "Order %(order_no)s on %(platform)s is stored with value %(order_value)s yuan and purchase date "
            "%(purchase_date)s; send the same values (an order does not change), or check the order number."
        ),
        "unit_category_differs": N_(
            "Unit %(serial_no)s on this order is a %(stored)s, not a %(given)s; check the serial number."
        ),
        "ticket_already_open": N_("Ticket %(ticket_id)s is already open for this unit and type; add to it instead."),
        "unknown_skill_codes": N_(
            "Unknown skill code(s): %(unknown)s; known skills are set up with the technicians first."
        ),
    }
)
