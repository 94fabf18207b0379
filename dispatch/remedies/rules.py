"""Pure rules of remedies: the ladder's order, CS's compensation limit, who pays, where returns go, receipt checks.

No Flask, no database: the service passes configured values in and words the refusals (a code, the field to
fix and parameters) in the reader's language.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from decimal import Decimal
from typing import Any

from dispatch.enums import Cause, ProductCategory, Responsibility
from dispatch.remedies.enums import RemedyStatus, RemedyStep, ReturnStatus
from dispatch.rules import responsibility_for

# The ladder, cheapest first. CS offers remedies in this order; a step may be skipped forward, never back.
LADDER: tuple[RemedyStep, ...] = (
    RemedyStep.EXPLANATION,
    RemedyStep.COUPON,
    RemedyStep.COMPENSATION,
    RemedyStep.EXCHANGE,
    RemedyStep.RETURN,
)

# Compensation CS may give on its own, in yuan (both ends included); above it a manager approves.
CS_COMPENSATION_MIN = Decimal("5")
CS_COMPENSATION_MAX = Decimal("30")
# Nobody types more than this for one ticket; a larger figure is a typing mistake.
MAX_AMOUNT_YUAN = Decimal("10000")

# A remedy the customer took (and a manager approved where needed) settles the ticket's ladder.
IN_EFFECT = frozenset({RemedyStatus.ACCEPTED, RemedyStatus.APPROVED})
# Remedies that send the unit back: they get a return order, a pickup visit and a destination warehouse.
SENDS_UNIT_BACK = frozenset({RemedyStep.EXCHANGE, RemedyStep.RETURN})

# Where returned units go by product category (config RETURN_WAREHOUSES overrides any of these).
# Furniture goes to the Zhongshan factory with large appliances: it is bulky freight from the same
# carriers, and the southern factory is where the furniture lines are.
DEFAULT_RETURN_WAREHOUSES: dict[str, str] = {
    ProductCategory.SMALL_APPLIANCE.value: "beijing_factory",
    ProductCategory.LARGE_APPLIANCE.value: "zhongshan_factory",
    ProductCategory.FURNITURE.value: "zhongshan_factory",
}


@dataclass(frozen=True)
class Refusal:
    """Why an offer or a decision is refused: `code` is worded by the app; `field` names the input to fix
    (None: the request is fine but the ticket's state refuses it, a conflict)."""

    code: str
    field: str | None = None
    params: dict[str, Any] = dataclass_field(default_factory=dict)


@dataclass(frozen=True)
class PriorRemedy:
    """What the ladder rule reads of a remedy already recorded on the ticket."""

    step: RemedyStep
    status: RemedyStatus


def rank(step: RemedyStep) -> int:
    """The step's place on the ladder, 1 = explanation."""
    return LADDER.index(RemedyStep(step)) + 1


def check_amount(step: RemedyStep, amount: Decimal | None) -> Refusal | None:
    """Compensation needs an amount of at least 5 yuan; a coupon may say its value; the other steps take none."""
    step = RemedyStep(step)
    if amount is None:
        return Refusal("amount_required", "amount_yuan") if step is RemedyStep.COMPENSATION else None
    if step not in (RemedyStep.COUPON, RemedyStep.COMPENSATION):
        return Refusal("amount_not_allowed", "amount_yuan", {"step": step.value})
    if amount != amount.quantize(Decimal("0.01")):
        return Refusal("amount_places", "amount_yuan")
    if amount > MAX_AMOUNT_YUAN:
        return Refusal("amount_too_large", "amount_yuan", {"max": MAX_AMOUNT_YUAN})
    if step is RemedyStep.COMPENSATION and amount < CS_COMPENSATION_MIN:
        return Refusal("compensation_too_small", "amount_yuan", {"min": CS_COMPENSATION_MIN})
    if amount <= 0:
        return Refusal("amount_not_positive", "amount_yuan")
    return None


def check_ladder(prior: Iterable[PriorRemedy], step: RemedyStep) -> Refusal | None:
    """May `step` be offered after the remedies already recorded on the ticket?

    - never while a compensation waits for a manager (conflict: the manager decides first);
    - never once a remedy is in effect (the customer accepted it, approved where needed): the ladder is settled;
    - never below the highest step already offered: the ladder goes up. The same step again is allowed
      (a second coupon, a higher compensation), and steps may be skipped forward (straight to a return).
    """
    prior = list(prior)
    step = RemedyStep(step)
    if any(p.status is RemedyStatus.PENDING_APPROVAL for p in prior):
        return Refusal("awaiting_approval")
    settled = next((p for p in prior if p.status in IN_EFFECT), None)
    if settled is not None:
        return Refusal("ladder_settled", params={"step": settled.step.value})
    highest = max((p.step for p in prior), key=rank, default=None)
    if highest is not None and rank(step) < rank(highest):
        return Refusal("step_backwards", "step", {"step": step.value, "highest": highest.value})
    return None


def needs_manager(step: RemedyStep, amount: Decimal | None) -> bool:
    """Compensation above CS's limit (30 yuan) needs a manager's approval."""
    return RemedyStep(step) is RemedyStep.COMPENSATION and amount is not None and amount > CS_COMPENSATION_MAX


def status_for(step: RemedyStep, *, accepted: bool, amount: Decimal | None, by_manager: bool) -> RemedyStatus:
    """The status a newly recorded remedy starts in.

    Declined: declined. Accepted compensation above the limit: pending_approval, unless a manager records
    it (then approved at once). Anything else accepted: accepted.
    """
    if not accepted:
        return RemedyStatus.DECLINED
    if needs_manager(step, amount):
        return RemedyStatus.APPROVED if by_manager else RemedyStatus.PENDING_APPROVAL
    return RemedyStatus.ACCEPTED


def check_decision(status: RemedyStatus, *, approve: bool, reason: str | None) -> Refusal | None:
    """Only a pending compensation is decided; a refusal says why (CS tells the customer)."""
    if RemedyStatus(status) is not RemedyStatus.PENDING_APPROVAL:
        return Refusal("not_pending", params={"current": RemedyStatus(status).value})
    if not approve and not (reason or "").strip():
        return Refusal("refusal_needs_reason", "reason")
    return None


def who_pays(cause: Cause | None) -> Responsibility:
    """Who bears a remedy's cost: the responsibility rule of the CS side (quality/wrong/missing item -> seller,
    change of mind -> customer, transport damage -> logistics; no cause recorded -> undetermined)."""
    return responsibility_for(cause)


def warehouse_for(category: ProductCategory, configured: Mapping[str, str] | None = None) -> str:
    """The warehouse a returned unit of `category` goes back to: the configured one, else the default."""
    table = {**DEFAULT_RETURN_WAREHOUSES, **(configured or {})}
    return table[ProductCategory(category).value]


def receipt_outcome(*, packaging_ok: bool, appearance_ok: bool, quantity_ok: bool) -> ReturnStatus:
    """The warehouse's receipt check: all three pass -> to stock; any one fails -> to repair."""
    return ReturnStatus.TO_STOCK if packaging_ok and appearance_ok and quantity_ok else ReturnStatus.TO_REPAIR
