"""A CS agent's day on real Chromium: register by a Chinese address, book, reschedule, rebook, follow up, search."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from common.db import db
from dispatch.enums import FollowUpStatus, TicketStatus, VisitStatus
from dispatch.models import Customer, FollowUp, Ticket, Visit
from tests import factories
from tests.browser.conftest import DESKTOP, LARGE_PHONE, english_words, fresh, sign_in

pytestmark = pytest.mark.browser

# Words the data itself brings onto a page (brand, model, serial and order numbers are what the customer has).


def crew():
    return factories.make_technician(name="王磊", skills=("large_appliance_install",))


def test_cs_registers_by_a_chinese_address_books_reschedules_and_finds_the_ticket_by_phone(live, desk, screenshot):
    crew()
    cs = factories.make_user("cs")
    page = desk()
    sign_in(page, cs)

    page.goto("/intake?lang=en")
    form = page.locator("form[enctype]")
    form.locator("select[name=platform]").select_option("jd")
    form.locator("input[name=order_no]").fill("JD20261201001")
    form.locator("input[name=order_value]").fill("4599")
    form.locator("input[name=purchase_date]").fill((datetime.now() - timedelta(days=20)).date().isoformat())
    form.locator("input[name=name]").fill("陈静")
    form.locator("input[name=phone]").fill("139 1700 2288")
    form.locator("input[name=address]").fill("上海市徐汇区漕溪北路88号3号楼502室")
    form.locator("select[name=category]").select_option("large_appliance")
    form.locator("input[name=brand]").fill("海尔")
    form.locator("input[name=sku]").fill("KFR-35GW")
    form.locator("input[name=serial_no]").fill("SN7788990011")
    form.locator("select[name=type]").select_option("installation")
    form.locator("textarea[name=description]").fill("新买的空调，卧室挂机安装")
    form.locator("button[type=submit]").click()

    page.wait_for_url("**/slots**")
    expect(page.locator("body")).to_contain_text("王磊")
    page.locator("button:has-text('Book')").first.click()
    page.wait_for_url(re.compile(r"/tickets/\d+$"))
    expect(page.locator(".flash.success")).to_contain_text("Slot promised")
    expect(page.locator("body")).to_contain_text("Position approximate")
    ticket_id = int(page.url.rsplit("/", 1)[1])
    customer = db.session.scalar(select(Customer).where(Customer.name == "陈静"))
    assert customer.district == "徐汇区" and customer.location_precision == "district"
    first_promise = fresh(Ticket, ticket_id).visits[0].promised_start

    page.locator("a:has-text('Reschedule')").click()
    page.wait_for_url("**/slots**")
    # another day than the one promised (the visit's own slot is on offer again: it gives it up when moved)
    page.locator(".slot-day").last.locator(".slot-cell.free button").first.click()
    page.wait_for_url(re.compile(r"/tickets/\d+$"))
    expect(page.locator("ol.timeline")).to_contain_text("Earlier slot given up")
    visit = fresh(Ticket, ticket_id).visits[0]
    assert visit.status is VisitStatus.SCHEDULED and visit.promised_start != first_promise

    page.goto("/tickets?lang=en")
    page.fill("input[name=q]", "13917002288")
    page.locator("form[role=search] button[type=submit]").click()
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.locator("tbody")).to_contain_text("陈静")
    screenshot(page, "cs-ticket-search-en-desktop")


def in_chinese(visit, name: str, address: str) -> None:
    """Customer and problem as a Shanghai CS team types them (the builders write English)."""
    customer = visit.ticket.customer
    customer.name, customer.address, customer.phone = name, address, "13916881234"
    visit.ticket.description = "空调不制冷，外机有异响"
    visit.ticket.product.brand = "海尔"


def failed_visit_awaiting_approval():
    """A 4,599-yuan order (quota 1) whose only visit failed: its rebooking waits for a manager."""
    from dispatch.service.visits import return_for_rebooking
    from tests.scheduling_app.builders import make_visit

    first = make_visit(lat=31.2397, lon=121.4998, district="浦东新区", skills=("large_appliance_install",), windows=[])
    in_chinese(first, "刘洋", "上海市浦东新区世纪大道100号")
    first.status, first.failure_reason, first.failure_note = VisitStatus.FAILED, "customer_absent", "敲门无人应答"
    first.finished_at = datetime.now(UTC)
    second = return_for_rebooking(first, reason="customer_absent", note="敲门无人应答", by=None)
    db.session.commit()
    return first.ticket_id, second.id


def test_a_failed_visit_is_approved_by_a_manager_and_cs_books_the_rebooking_from_the_ticket_page(live, desk):
    crew()
    ticket_id, second_id = failed_visit_awaiting_approval()
    cs, manager = factories.make_user("cs"), factories.make_user("manager")

    page = desk()
    sign_in(page, cs)
    page.goto(f"/tickets/{ticket_id}?lang=en")
    expect(page.locator(f"tr[data-visit='{second_id}']")).to_contain_text("Waits for a manager")
    expect(page.locator(".service-report")).to_contain_text("Customer absent")

    boss = desk()
    sign_in(boss, manager)
    boss.goto(f"/tickets/{ticket_id}?lang=en")
    boss.locator(f"tr[data-visit='{second_id}'] button:has-text('Approve the visit')").click()
    expect(boss.locator(".flash.success")).to_contain_text("Visit approved")
    assert fresh(Visit, second_id).approved_by_id == manager.id

    page.reload()
    page.locator(f"tr[data-visit='{second_id}'] a:has-text('Offer slots and book')").click()
    page.wait_for_url("**/slots**")
    page.locator("button:has-text('Book')").first.click()
    expect(page.locator(".flash.success")).to_contain_text("Slot promised")
    assert fresh(Visit, second_id).status is VisitStatus.SCHEDULED


def visited_ticket_with_report(owner):
    """A ticket whose visit was done and reported; its follow-up waits in `owner`'s queue."""
    from dispatch.service.follow_ups import queue_follow_up
    from technicians.enums import ServiceResult
    from technicians.models import ServiceReport
    from tests.scheduling_app.builders import make_visit

    technician = crew()
    visit = make_visit(lat=31.2397, lon=121.4998, district="浦东新区", skills=("large_appliance_install",))
    in_chinese(visit, "孙丽", "上海市浦东新区张杨路500号")
    visit.ticket.owner_id, visit.ticket.status = owner.id, TicketStatus.SCHEDULED
    visit.status, visit.technician_id = VisitStatus.COMPLETED, technician.id
    now = datetime.now(UTC)
    visit.promised_start, visit.promised_end = now - timedelta(hours=3), now - timedelta(hours=1)
    visit.started_at, visit.finished_at = now - timedelta(hours=2), now - timedelta(hours=1)
    db.session.add(
        ServiceReport(
            visit_id=visit.id,
            technician_id=technician.id,
            work_done="安装挂机，试机制冷正常",
            result=ServiceResult.RESOLVED,
            fees_yuan=120,
            customer_confirmed=True,
            parts=[{"sku": "PIPE-3M", "name": "加长铜管3米", "qty": 1, "price_yuan": "120.00"}],
        )
    )
    follow_up = queue_follow_up(visit.ticket, visit=visit, by=None)
    db.session.commit()
    return visit.ticket_id, follow_up.id


@pytest.fixture
def calls_any_time(live):
    """Follow-up calls allowed at any hour, so the test does not depend on the time it runs at."""
    window = live.config.get("FOLLOW_UP_WINDOW")
    live.config["FOLLOW_UP_WINDOW"] = (0, 24)
    yield
    live.config["FOLLOW_UP_WINDOW"] = window or (10, 18)


def test_cs_reads_the_technicians_report_on_the_follow_up_card_and_records_the_call(live, desk, calls_any_time):
    cs = factories.make_user("cs")
    ticket_id, follow_up_id = visited_ticket_with_report(cs)
    page = desk()
    sign_in(page, cs)

    page.goto("/followups?lang=en")
    card = page.locator(f"[data-follow-up='{follow_up_id}']")
    expect(card).to_contain_text("安装挂机，试机制冷正常")
    expect(card).to_contain_text("加长铜管3米 × 1")
    expect(card).to_contain_text("on time")
    card.locator("select[name=outcome]").select_option("reached")
    card.locator("select[name=resolved]").select_option("yes")
    card.locator("select[name=satisfaction]").select_option("5")
    card.locator("button:has-text('Record call')").click()

    expect(page.locator(".flash.success")).to_contain_text("Call recorded")
    assert fresh(FollowUp, follow_up_id).status is FollowUpStatus.DONE
    assert fresh(Ticket, ticket_id).status is TicketStatus.CLOSED


def closed_unreachable(owner) -> int:
    """A reported visit whose follow-up rang out three times: the ticket is closed as unreachable."""
    from dispatch.enums import CallOutcome
    from dispatch.service.follow_ups import record_call_attempt

    ticket_id, follow_up_id = visited_ticket_with_report(owner)
    first_call = datetime.now(UTC) - timedelta(hours=5)
    for n in range(3):
        at = first_call + timedelta(hours=2, minutes=10) * n
        record_call_attempt(follow_up_id, outcome=CallOutcome.NO_ANSWER, note="客户电话关机", by=owner, now=at)
    assert fresh(Ticket, ticket_id).status is TicketStatus.CLOSED
    return ticket_id


def test_the_chinese_cs_pages_show_no_english_message_or_raw_code(live, desk, screenshot, calls_any_time):
    crew()
    ticket_id, _ = failed_visit_awaiting_approval()
    manager = factories.make_user("manager")
    cs = factories.make_user("cs")
    visited_ticket_with_report(cs)
    closed_id = closed_unreachable(cs)
    pages = {
        "ticket": f"/tickets/{ticket_id}",
        "list": "/tickets",
        "followups": "/followups",
        "slots": f"/intake/{ticket_id}/slots",
        "closed": f"/tickets/{closed_id}",  # its close note is worded when read, not stored in English
    }
    for lang, locale in (("zh_CN", "zh-CN"), ("en", "en-US")):
        for size, viewport in (("desktop", DESKTOP), ("phone", LARGE_PHONE)):
            for who, user in (("cs", cs), ("manager", manager)):
                page = desk(locale, viewport)
                sign_in(page, user, lang)
                for name, path in pages.items():
                    page.goto(f"{path}?lang={lang}")
                    screenshot(page, f"cs-{name}-{who}-{lang}-{size}")
                    if lang == "zh_CN":
                        text = page.locator("main").inner_text()
                        assert english_words(text) == [], (name, who, english_words(text))
                    if name == "closed":
                        expect(page.locator("main")).to_contain_text(
                            "回访 3 次均无人接听" if lang == "zh_CN" else "No answer to 3 follow-up calls"
                        )


def test_cs_sees_the_days_of_slots_the_customer_is_home_for_shows_all_and_books_one_from_the_grid(
    live, desk, screenshot
):
    from zoneinfo import ZoneInfo

    from tests.scheduling_app.builders import make_visit

    zone = ZoneInfo("Asia/Shanghai")
    crew()
    cs = factories.make_user("cs")
    tomorrow = datetime.now(zone).date() + timedelta(days=1)
    at_home = (datetime.combine(tomorrow, datetime.min.time().replace(hour=9), zone), None)
    at_home = (at_home[0], at_home[0] + timedelta(hours=5))  # 09:00-14:00: the 10:00 and 12:00 slots
    visit = make_visit(windows=[at_home], skills=("large_appliance_install",))
    ticket_id = visit.ticket_id
    page = desk("zh-CN")
    sign_in(page, cs, lang="zh_CN")

    page.goto(f"/intake/{ticket_id}/slots?lang=zh_CN")
    days = page.locator(".slot-day")
    expect(days).to_have_count(7)
    first_day = days.first
    expect(first_day.locator("h4")).to_contain_text("周")  # the weekday in Chinese, by Babel
    expect(first_day.locator(".slot-cell.free")).to_have_count(2)
    expect(first_day.locator(".slot-cell.free .time")).to_have_text(["10:00-12:00", "12:00-14:00"])
    expect(first_day.locator(".slot-cell.taken").first).to_contain_text("客户不在家")
    expect(days.nth(1)).to_contain_text("客户没有完整一个时段在家")
    expect(page.locator(".slot-cell.cheapest")).to_have_count(1)

    page.locator("input[name=show_all]").check()
    page.locator(".slot-filter button[type=submit]").click()
    page.wait_for_url("**show_all=1**")
    expect(first_day.locator(".slot-cell.free")).to_have_count(5)
    expect(first_day.locator(".slot-cell.free.outside")).to_have_count(3)
    screenshot(page, "cs-slot-grid-show-all-zh-desktop")

    noon = datetime.combine(tomorrow, datetime.min.time().replace(hour=12), zone)
    first_day.locator(f".slot-cell[data-slot='{noon.isoformat()}'] button").click()
    page.wait_for_url(re.compile(r"/tickets/\d+$"))
    expect(page.locator(".flash.success")).to_contain_text("王磊")
    booked = fresh(Visit, visit.id)
    assert booked.status is VisitStatus.SCHEDULED
    assert booked.promised_start == noon.astimezone(UTC)
