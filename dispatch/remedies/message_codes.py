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
        "remedy_not_found": N_("There is no remedy %(remedy_id)s."),
        "remedy_ticket_cancelled": N_("Ticket %(ticket_id)s is cancelled; no remedy is recorded on it."),
        "remedy_pickup_waits_for_visit": N_(
            "Visit %(no)s of this ticket is still to be done; cancel it or let it be done before the pickup "
            "for the exchange or return is arranged."
        ),
        "return_order_not_found": N_("There is no return order %(return_id)s."),
        "receipt_check_recorded_already": N_("The receipt check of return order %(return_id)s is already recorded."),
        "receipt_check_before_pickup": N_(
            "The unit of return order %(return_id)s has not been picked up yet; record the check when it arrives."
        ),
    }
)
