"""The remedy ladder's rules, without a database: order, CS's limit, who pays, warehouses, receipt checks."""

from __future__ import annotations

from decimal import Decimal

import pytest

from dispatch.enums import Cause, ProductCategory, Responsibility
from dispatch.remedies import rules
from dispatch.remedies.enums import RemedyStatus, RemedyStep, ReturnStatus

S, St = RemedyStep, RemedyStatus


def prior(*pairs):
    return [rules.PriorRemedy(step=step, status=status) for step, status in pairs]


def test_the_ladder_runs_explanation_coupon_compensation_exchange_return():
    assert [s.value for s in rules.LADDER] == ["explanation", "coupon", "compensation", "exchange", "return"]


def test_any_step_may_open_the_ladder_and_steps_may_be_skipped_forward():
    assert rules.check_ladder([], S.RETURN) is None
    assert rules.check_ladder(prior((S.EXPLANATION, St.DECLINED)), S.EXCHANGE) is None


def test_the_same_step_may_be_offered_again_after_a_decline():
    assert rules.check_ladder(prior((S.COUPON, St.DECLINED)), S.COUPON) is None


def test_the_ladder_never_goes_back_below_the_highest_step_offered():
    refusal = rules.check_ladder(prior((S.EXPLANATION, St.DECLINED), (S.EXCHANGE, St.DECLINED)), S.COUPON)
    assert refusal.code == "step_backwards" and refusal.field == "step"
    assert refusal.params == {"step": "coupon", "highest": "exchange"}


def test_a_remedy_in_effect_settles_the_ladder():
    for status in (St.ACCEPTED, St.APPROVED):
        refusal = rules.check_ladder(prior((S.COMPENSATION, status)), S.RETURN)
        assert refusal.code == "ladder_settled" and refusal.field is None


def test_nothing_is_offered_while_a_compensation_waits_for_a_manager_and_a_refusal_reopens_the_ladder():
    assert rules.check_ladder(prior((S.COMPENSATION, St.PENDING_APPROVAL)), S.EXCHANGE).code == "awaiting_approval"
    assert rules.check_ladder(prior((S.COMPENSATION, St.REFUSED)), S.EXCHANGE) is None


@pytest.mark.parametrize(
    ("amount", "accepted", "by_manager", "status"),
    [
        ("5", True, False, St.ACCEPTED),
        ("30", True, False, St.ACCEPTED),
        ("30.01", True, False, St.PENDING_APPROVAL),
        ("50", True, False, St.PENDING_APPROVAL),
        ("50", True, True, St.APPROVED),
        ("50", False, False, St.DECLINED),
    ],
)
def test_compensation_up_to_30_yuan_is_cs_own_and_more_waits_for_a_manager(amount, accepted, by_manager, status):
    assert rules.status_for(S.COMPENSATION, accepted=accepted, amount=Decimal(amount), by_manager=by_manager) is status


@pytest.mark.parametrize(
    ("step", "amount", "code"),
    [
        (S.COMPENSATION, None, "amount_required"),
        (S.COMPENSATION, "4.99", "compensation_too_small"),
        (S.COMPENSATION, "12.345", "amount_places"),
        (S.COMPENSATION, "10000.01", "amount_too_large"),
        (S.COUPON, "0", "amount_not_positive"),
        (S.EXPLANATION, "10", "amount_not_allowed"),
        (S.RETURN, "10", "amount_not_allowed"),
    ],
)
def test_amounts_are_checked_and_the_refusal_names_the_amount_field(step, amount, code):
    refusal = rules.check_amount(step, Decimal(amount) if amount is not None else None)
    assert (refusal.code, refusal.field) == (code, "amount_yuan")


def test_good_amounts_pass():
    assert rules.check_amount(S.COMPENSATION, Decimal("5")) is None
    assert rules.check_amount(S.COUPON, Decimal("20")) is None
    assert rules.check_amount(S.COUPON, None) is None
    assert rules.check_amount(S.EXCHANGE, None) is None


@pytest.mark.parametrize(
    ("cause", "payer"),
    [
        (Cause.QUALITY, Responsibility.SELLER),
        (Cause.WRONG_ITEM, Responsibility.SELLER),
        (Cause.CHANGE_OF_MIND, Responsibility.CUSTOMER),
        (Cause.TRANSPORT_DAMAGE, Responsibility.LOGISTICS),
        (None, Responsibility.UNDETERMINED),
    ],
)
def test_who_pays_follows_the_responsibility_rule(cause, payer):
    assert rules.who_pays(cause) is payer


def test_returned_units_go_to_the_warehouse_of_their_category_and_config_overrides_it():
    assert rules.warehouse_for(ProductCategory.SMALL_APPLIANCE) == "beijing_factory"
    assert rules.warehouse_for(ProductCategory.LARGE_APPLIANCE) == "zhongshan_factory"
    assert rules.warehouse_for(ProductCategory.FURNITURE) == "zhongshan_factory"
    configured = {"furniture": "shanghai_depot"}
    assert rules.warehouse_for(ProductCategory.FURNITURE, configured) == "shanghai_depot"
    assert rules.warehouse_for(ProductCategory.SMALL_APPLIANCE, configured) == "beijing_factory"


def test_a_receipt_check_sends_the_unit_to_stock_only_when_all_three_pass():
    assert rules.receipt_outcome(packaging_ok=True, appearance_ok=True, quantity_ok=True) is ReturnStatus.TO_STOCK
    for failed in ("packaging_ok", "appearance_ok", "quantity_ok"):
        checks = {"packaging_ok": True, "appearance_ok": True, "quantity_ok": True, failed: False}
        assert rules.receipt_outcome(**checks) is ReturnStatus.TO_REPAIR


def test_only_a_pending_compensation_is_decided_and_a_refusal_needs_a_reason():
    assert rules.check_decision(St.PENDING_APPROVAL, approve=True, reason=None) is None
    assert rules.check_decision(St.PENDING_APPROVAL, approve=False, reason=" ").field == "reason"
    assert rules.check_decision(St.APPROVED, approve=True, reason=None).code == "not_pending"
