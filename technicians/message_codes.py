"""The words of the technician side's error codes (English templates; `common.message_text` translates them)."""

from __future__ import annotations

from common.messages import N_, register_messages

MESSAGES = register_messages(
    {
        # working hours
        "shift_ends_before_start": N_("shift_end %(shift_end)s must be after shift_start %(shift_start)s."),
        "break_needs_both_ends": N_("Give both break_start and break_end, or neither."),
        "break_outside_shift": N_(
            "The break window %(break_start)s-%(break_end)s must lie inside the shift "
            "%(shift_start)s-%(shift_end)s and end after it starts."
        ),
        "break_window_too_short": N_(
            "The break window %(break_start)s-%(break_end)s is %(window_min)s min, shorter than "
            "break_duration_min %(break_duration_min)s; widen the window or shorten the break."
        ),
        "working_days_not_iso": N_("working_days are ISO weekdays 1 (Monday) to 7 (Sunday); fix %(wrong)s."),
        "working_days_repeated": N_("List each working day once."),
        # status events
        "event_in_future": N_(
            "'at' (%(at)s) is in the future; send the time the event happened (server time is %(now)s)."
        ),
        "event_too_old": N_("'at' (%(at)s) is more than %(max_days)s days old; send the time the event happened."),
        "event_before_previous_step": N_(
            "'at' (%(at)s) is before the visit's previous step at %(not_before)s; check the phone's clock."
        ),
        "event_not_on_planned_day": N_(
            "This visit is planned for %(planned_day)s, not %(event_day)s; "
            "send it on the day of the visit, or ask the dispatcher to move the visit."
        ),
        "failure_needs_reason": N_("Say why the visit failed: reason is one of %(reasons)s."),
        "reason_only_when_failed": N_("A reason is only sent with a failed event."),
        "location_needs_both": N_("Send both lat and lon, or neither."),
        "report_before_completed": N_(
            "submit the service report first (POST /api/v1/visits/%(visit_id)s/report), then send completed."
        ),
        "visit_not_on_your_list": N_("No visit %(visit_id)s on your list."),
        "visit_moved_off_your_list": N_(
            "Visit %(visit_id)s is not on your list; it may have been moved to another technician."
        ),
        "login_without_technician": N_(
            "Your login is not linked to a technician profile; ask a dispatcher to link it."
        ),
        # service reports
        "report_exists": N_(
            "Visit %(visit_id)s already has a service report; a submitted report is not replaced. "
            "Ask the CS owner to note corrections on the ticket."
        ),
        "report_before_arrival": N_(
            "A service report is filed on site, after arrived; this visit is %(current)s. Send arrived first."
        ),
        "report_not_on_site": N_("A service report is filed on site, after arrived; this visit is %(current)s."),
        "report_not_found": N_("Visit %(visit_id)s has no service report yet."),
        "report_file_not_found": N_("The report of visit %(visit_id)s has no file %(name)s."),
        "parts_repeated": N_("List each part once with its qty; repeated: %(repeated)s."),
        "unknown_parts": N_("Unknown parts: %(unknown)s; pick parts from GET /api/v1/parts."),
        # technicians and skills
        "technician_not_found": N_("No technician %(technician_id)s."),
        "skill_code_taken": N_("The skill code %(code)s exists already; use it or choose another code."),
        "unknown_skills": N_(
            "Unknown skill codes: %(unknown)s; add them with POST /api/v1/skills or fix the spelling."
        ),
        "password_needed": N_("Send a password with the username."),
        "username_taken": N_("username %(username)s is taken; choose another."),
    }
)
