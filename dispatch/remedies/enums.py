"""The words of the remedy ladder, returns and receipt checks, as str enums."""

from __future__ import annotations

import enum


class RemedyStep(str, enum.Enum):
    """The steps of the ladder, in the order CS offers them (rules.LADDER)."""

    EXPLANATION = "explanation"
    COUPON = "coupon"
    COMPENSATION = "compensation"
    EXCHANGE = "exchange"
    RETURN = "return"


class CustomerAnswer(str, enum.Enum):
    ACCEPTED = "accepted"
    DECLINED = "declined"


class RemedyStatus(str, enum.Enum):
    ACCEPTED = "accepted"  # the customer took it; in effect
    DECLINED = "declined"  # the customer said no; CS may go up the ladder
    PENDING_APPROVAL = "pending_approval"  # accepted compensation above CS's limit, waiting for a manager
    APPROVED = "approved"  # a manager approved it; in effect
    REFUSED = "refused"  # a manager refused it (with a reason); CS may go up the ladder


class ReturnKind(str, enum.Enum):
    EXCHANGE = "exchange"  # the unit goes back, a new one comes
    RETURN = "return"  # the unit goes back, the money goes back


class ReturnStatus(str, enum.Enum):
    AWAITING_PICKUP = "awaiting_pickup"  # the pickup visit is still to be done
    TO_STOCK = "to_stock"  # the warehouse's receipt check passed
    TO_REPAIR = "to_repair"  # the receipt check failed: the unit goes to repair
