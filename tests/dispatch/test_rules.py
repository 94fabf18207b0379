"""Pure CS rules: warranty, visit quota, due time, responsibility, follow-up calls, manual assignment."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from common.errors import Conflict, RuleViolation
from dispatch import assignment_rules, rules
from dispatch.enums import Cause, ProductCategory, Responsibility, TicketStatus, TicketType, WarrantyStatus

SHANGHAI = ZoneInfo("Asia/Shanghai")
POLICY = rules.CallPolicy(zone=SHANGHAI)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def shanghai(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


# --- warranty ---


@pytest.mark.parametrize(
    "category, months, until",
    [
        (ProductCategory.LARGE_APPLIANCE, 36, date(2027, 3, 14)),
        (ProductCategory.SMALL_APPLIANCE, 12, date(2025, 3, 14)),
        (ProductCategory.FURNITURE, 24, date(2026, 3, 14)),
    ],
)
def test_warranty_runs_a_category_specific_number_of_months_from_purchase(category, months, until):
    status, last_day = rules.warranty_for(date(2024, 3, 15), category, today=date(2024, 6, 1))
    assert (status, last_day) == (WarrantyStatus.IN_WARRANTY, until)


def test_warranty_covers_its_last_day_and_ends_the_day_after():
    bought = date(2024, 3, 15)
    assert (
        rules.warranty_for(bought, ProductCategory.SMALL_APPLIANCE, today=date(2025, 3, 14))[0]
        is WarrantyStatus.IN_WARRANTY
    )
    assert (
        rules.warranty_for(bought, ProductCategory.SMALL_APPLIANCE, today=date(2025, 3, 15))[0]
        is WarrantyStatus.OUT_OF_WARRANTY
    )


def test_warranty_months_are_configurable():
    status, until = rules.warranty_for(
        date(2024, 1, 1), ProductCategory.FURNITURE, today=date(2024, 2, 15), months_by_category={"furniture": 1}
    )
    assert (status, until) == (WarrantyStatus.OUT_OF_WARRANTY, date(2024, 1, 31))


def test_month_arithmetic_clamps_to_the_end_of_short_months():
    assert rules.add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert rules.add_months(date(2023, 11, 30), 3) == date(2024, 2, 29)


# --- visit quota ---


@pytest.mark.parametrize(
    "value, quota",
    [
        (0, 1),
        ("2999.99", 1),  # under 3,000: per policy (default 1)
        (3000, 1),
        ("9999.99", 1),  # [3,000, 10,000)
        (10000, 2),
        ("29999.99", 2),  # [10,000, 30,000)
        (30000, 3),
        ("49999.99", 3),  # [30,000, 50,000)
        (50000, 4),
        ("79999.99", 4),  # [50,000, 80,000)
        (80000, 6),
        (1_000_000, 6),  # 80,000 and more: at most 6
    ],
)
def test_visit_quota_bands_are_lower_inclusive(value, quota):
    assert rules.visit_quota(Decimal(str(value))) == quota


def test_visit_quota_under_3000_follows_the_configured_policy():
    assert rules.visit_quota(Decimal("1200"), under_3000=2) == 2
    assert rules.visit_quota(Decimal("3000"), under_3000=2) == 1


def test_visit_beyond_quota_needs_a_manager():
    rules.check_visit_quota(1, 2, approved=False)
    with pytest.raises(RuleViolation, match="quota of 2 on-site visits .* a manager must approve"):
        rules.check_visit_quota(2, 2, approved=False)
    rules.check_visit_quota(2, 2, approved=True)


# --- due time and overdue flag ---


@pytest.mark.parametrize(
    "ticket_type, days",
    [
        (TicketType.RETURN_PICKUP, 3),
        (TicketType.REPAIR, 5),
        (TicketType.EXCHANGE, 5),
        (TicketType.INSTALLATION, 5),
        (TicketType.INSPECTION, 5),
    ],
)
def test_due_time_depends_on_ticket_type(ticket_type, days):
    created = utc(2026, 11, 23, 2, 0)
    assert rules.due_at(created, ticket_type) == created + timedelta(days=days)


def test_open_ticket_past_due_is_overdue_but_a_closed_one_is_not():
    due = utc(2026, 11, 26, 2, 0)
    assert not rules.is_overdue(due, status=TicketStatus.SCHEDULED, now=due)
    assert rules.is_overdue(due, status=TicketStatus.SCHEDULED, now=due + timedelta(seconds=1))
    assert not rules.is_overdue(due, status=TicketStatus.CLOSED, now=due + timedelta(days=3))


# --- responsibility ---


@pytest.mark.parametrize(
    "cause, who",
    [
        (Cause.QUALITY, Responsibility.SELLER),
        (Cause.WRONG_ITEM, Responsibility.SELLER),
        (Cause.MISSING_ITEM, Responsibility.SELLER),
        (Cause.CHANGE_OF_MIND, Responsibility.CUSTOMER),
        (Cause.TRANSPORT_DAMAGE, Responsibility.LOGISTICS),
        (None, Responsibility.UNDETERMINED),
    ],
)
def test_cause_decides_who_pays(cause, who):
    assert rules.responsibility_for(cause) is who


def test_every_type_and_category_has_default_skills():
    assert rules.default_skills(TicketType.INSTALLATION, ProductCategory.LARGE_APPLIANCE) == ["large_appliance_install"]
    for ticket_type in TicketType:
        for category in ProductCategory:
            assert isinstance(rules.default_skills(ticket_type, category), list)


# --- follow-up calls (Asia/Shanghai is UTC+8: 10:00 local = 02:00 UTC, 18:00 local = 10:00 UTC) ---


def test_first_call_inside_the_window_is_allowed():
    rules.check_follow_up_call([], now=shanghai(2026, 11, 23, 10, 0), policy=POLICY)
    rules.check_follow_up_call([], now=shanghai(2026, 11, 23, 17, 59), policy=POLICY)


def test_call_before_ten_local_is_refused_with_the_opening_time():
    # 01:30 UTC is 09:30 in Shanghai.
    with pytest.raises(RuleViolation) as refused:
        rules.check_follow_up_call([], now=utc(2026, 11, 23, 1, 30), policy=POLICY)
    assert refused.value.message == "Calls are allowed 10:00-18:00 local time; next allowed at 10:00."


def test_call_at_six_pm_local_is_refused_until_ten_tomorrow():
    # 10:00 UTC is 18:00 in Shanghai: the window is [10:00, 18:00).
    with pytest.raises(RuleViolation) as refused:
        rules.check_follow_up_call([], now=utc(2026, 11, 23, 10, 0), policy=POLICY)
    assert refused.value.message == "Calls are allowed 10:00-18:00 local time; next allowed at 10:00 tomorrow."
    assert refused.value.extra["next_allowed_at"] == "2026-11-24T02:00:00+00:00"


def test_second_call_within_two_hours_is_refused_naming_the_next_time():
    last = shanghai(2026, 11, 23, 12, 30)
    with pytest.raises(RuleViolation) as refused:
        rules.check_follow_up_call([last], now=shanghai(2026, 11, 23, 14, 29), policy=POLICY)
    assert refused.value.message == "Call again after 14:30; the last attempt was at 12:30."
    rules.check_follow_up_call([last], now=shanghai(2026, 11, 23, 14, 30), policy=POLICY)


def test_spacing_that_runs_past_six_pm_moves_the_next_call_to_tomorrow():
    last = shanghai(2026, 11, 23, 16, 45)
    with pytest.raises(RuleViolation, match="Call again after 10:00 tomorrow; the last attempt was at 16:45"):
        rules.check_follow_up_call([last], now=shanghai(2026, 11, 23, 17, 0), policy=POLICY)


def test_no_fourth_call_after_three_attempts():
    calls = [shanghai(2026, 11, 23, 10), shanghai(2026, 11, 23, 12), shanghai(2026, 11, 23, 14)]
    with pytest.raises(RuleViolation, match="All 3 follow-up calls"):
        rules.check_follow_up_call(calls, now=shanghai(2026, 11, 24, 11), policy=POLICY)


def test_call_window_and_spacing_are_configurable():
    policy = rules.CallPolicy(zone=SHANGHAI, window=(9, 20), max_attempts=5, min_spacing_h=1)
    rules.check_follow_up_call([shanghai(2026, 11, 23, 18)], now=shanghai(2026, 11, 23, 19), policy=policy)


# --- manual assignment feasibility ---

CREW = assignment_rules.CrewMember(
    name="Li Wei",
    active=True,
    skills=frozenset({"large_appliance_install"}),
    working_days=frozenset({1, 2, 3, 4, 5}),
    shift_start=time(8, 30),
    shift_end=time(18, 0),
)
MONDAY_9 = shanghai(2026, 11, 23, 9, 0)  # 2026-11-23 is a Monday


def _check(start=MONDAY_9, minutes=90, crew=CREW, **kw):
    assignment_rules.check_assignment(
        start=start,
        end=start + timedelta(minutes=minutes),
        required_skills=kw.pop("skills", ["large_appliance_install"]),
        crew=crew,
        zone=SHANGHAI,
        **kw,
    )


def test_assignment_inside_shift_with_skills_passes():
    _check()
    _check(start=shanghai(2026, 11, 23, 16, 30))  # ends exactly at 18:00


def test_assignment_needs_every_required_skill():
    with pytest.raises(RuleViolation) as refused:
        _check(skills=["large_appliance_install", "gas_heater"])
    assert refused.value.field == "technician_id" and "gas_heater" in refused.value.message


def test_assignment_outside_the_local_shift_is_refused():
    # 16:45 + 90 min = 18:15, past the 18:00 end of the shift (local wall-clock time).
    with pytest.raises(RuleViolation, match="16:45-18:15 local time, outside Li Wei's shift 08:30-18:00"):
        _check(start=shanghai(2026, 11, 23, 16, 45))


def test_assignment_on_a_day_off_is_refused():
    with pytest.raises(RuleViolation, match="does not work on Sunday"):
        _check(start=shanghai(2026, 11, 29, 9, 0))


def test_assignment_on_a_days_changed_hours_follows_them_not_the_usual_week():
    spare_sunday = assignment_rules.CrewMember(**{**CREW.__dict__, "shift_override": (time(13, 0), time(18, 0))})
    _check(start=shanghai(2026, 11, 29, 14, 0), crew=spare_sunday)  # a day off, but a spare shift that day
    with pytest.raises(RuleViolation, match="outside Li Wei's shift 13:00-18:00"):
        _check(start=shanghai(2026, 11, 29, 9, 0), crew=spare_sunday)


def test_assignment_must_keep_the_promised_window():
    promised = (shanghai(2026, 11, 23, 10, 0), shanghai(2026, 11, 23, 12, 0))
    _check(start=shanghai(2026, 11, 23, 10, 30), promised=promised)
    with pytest.raises(RuleViolation, match="promised .* start between 10:00 and 12:00") as refused:
        _check(start=MONDAY_9, promised=promised)
    assert refused.value.field == "start"
    with pytest.raises(RuleViolation, match="promised"):
        _check(start=shanghai(2026, 11, 23, 12, 1), promised=promised)


def test_promised_slot_is_a_start_window_as_booking_reads_it():
    # Booked at 15:30 in the 14:00-16:00 slot, a 90 min visit runs to 17:00: moving it to its own
    # time must pass, as the slot only says when the technician starts.
    promised = (shanghai(2026, 11, 23, 14, 0), shanghai(2026, 11, 23, 16, 0))
    _check(start=shanghai(2026, 11, 23, 15, 30), minutes=90, promised=promised)
    _check(start=shanghai(2026, 11, 23, 16, 0), minutes=90, promised=promised)


def test_assignment_overlapping_another_visit_is_a_conflict():
    busy = [assignment_rules.BusySpan(7, shanghai(2026, 11, 23, 10, 0), shanghai(2026, 11, 23, 11, 0))]
    _check(start=shanghai(2026, 11, 23, 8, 30), busy=busy)  # 08:30-10:00 touches but does not overlap
    with pytest.raises(Conflict, match="already has visit 7 at 10:00-11:00"):
        _check(busy=busy)


def test_inactive_technician_cannot_be_assigned():
    crew = assignment_rules.CrewMember(**{**CREW.__dict__, "active": False})
    with pytest.raises(RuleViolation, match="not active"):
        _check(crew=crew)


# --- phone numbers ---


@pytest.mark.parametrize(
    "phone",
    [
        "13812345678",
        "+86 138 1234 5678",
        "138-1234-5678",
        "021-65432100",
        "0512 6523 4567",
        "(021)65432100",
        "021-65432100 转 8021",
        "400-820-8820",
    ],
)
def test_mainland_mobiles_and_landlines_with_area_code_are_phones(phone):
    assert rules.is_mainland_phone(phone)


@pytest.mark.parametrize("phone", ["12345", "12812345678", "1381234567", "65432100", "call me", "+1 415 555 0100"])
def test_short_foreign_or_made_up_numbers_are_not(phone):
    assert not rules.is_mainland_phone(phone)
