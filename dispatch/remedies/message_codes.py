"""The words of the remedy ladder's refusals (English templates; `common.message_text` translates them)."""

from __future__ import annotations

from common.messages import N_, register_messages

MESSAGES = register_messages(
    {
        "remedy_amount_required": N_("Give the compensation amount in yuan."),
        "remedy_amount_not_allowed": N_("A remedy of type “%(step)s” takes no amount; leave it empty."),
        "remedy_amount_places": N_("Give the amount in yuan with at most two decimals (e.g. 50 or 12.50)."),
        "remedy_amount_too_large": N_("The amount is above %(max)s yuan; check the figure."),
        "remedy_amount_not_positive": N_("The amount must be more than 0 yuan."),
        "remedy_compensation_too_small": N_("A compensation is at least %(min)s yuan."),
        "remedy_awaiting_approval": N_(
            "A compensation on this ticket waits for a manager's approval; record the next remedy once it is decided."
        ),
        "remedy_ladder_settled": N_(
            "The customer already accepted “%(step)s” on this ticket; no further remedy is offered."
        ),
        "remedy_step_backwards": N_(
            "“%(highest)s” was already offered; the ladder goes up (explanation, coupon, compensation, exchange, return), so “%(step)s” can no longer be offered."
        ),
        "remedy_not_pending": N_("This remedy is not waiting for an approval (it is “%(status)s”)."),
        "remedy_refusal_needs_reason": N_("Say why the compensation is refused; CS tells the customer."),
    }
)
