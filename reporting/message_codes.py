"""The words of the dashboard's refusals (English templates; `common.message_text` translates them)."""

from __future__ import annotations

from common.messages import N_, register_messages

MESSAGES = register_messages(
    {
        "report_period_reversed": N_("The period ends before it starts; give a 'to' date on or after 'from'."),
        "report_period_too_long": N_("Choose a period of at most %(days)s days."),
    }
)
