"""The remedy ladder on real Chromium: CS offers 50 yuan and it waits for the manager, who approves it; a return
gets its pickup visit and the warehouse of its category; the warehouse's receipt check lands on the timeline."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from common.db import db
from dispatch.enums import TicketStatus, VisitStatus
from dispatch.models import Ticket
from dispatch.remedies.enums import RemedyStatus, ReturnStatus
from dispatch.remedies.models import Remedy, ReturnOrder
from dispatch.schemas import TicketCreateSchema
from dispatch.service.tickets import register_ticket
from tests import factories
from tests.browser.conftest import LARGE_PHONE, english_words, fresh, sign_in

pytestmark = pytest.mark.browser


def registered(by, **overrides) -> Ticket:
    return register_ticket(TicketCreateSchema().load(factories.ticket_payload(**overrides)), by=by)


def served(by, *, category: str) -> Ticket:
    """A ticket whose installation visit is done: the follow-up call is where the customer asks for a return."""
    payload = factories.ticket_payload(type="installation", cause="quality", description="新买的家电，上门安装")
    payload["order"]["order_value"] = 12000
    payload["product"]["category"] = category
    ticket = register_ticket(TicketCreateSchema().load(payload), by=by)
    ticket.visits[0].status = VisitStatus.COMPLETED
    ticket.status = TicketStatus.AWAITING_FOLLOW_UP
    db.session.commit()
    return ticket


def test_cs_offers_50_yuan_which_waits_for_the_manager_who_approves_it(live, desk, screenshot):
    cs, manager = factories.make_user("cs"), factories.make_user("manager")
    ticket = registered(cs, cause="quality", type="repair", description="空调外机噪音大")

    page = desk()
    sign_in(page, cs)
    page.goto(f"/tickets/{ticket.id}?lang=en")
    form = page.locator("form.remedy-form")
    form.locator("select[name=step]").select_option("explanation")
    form.locator("input[name=answer][value=declined]").check()
    form.locator("input[name=note]").fill("解释了噪音原因")
    form.get_by_role("button", name="Record the remedy").click()
    expect(page.locator(".flash").first).to_contain_text("Remedy recorded.")

    form.locator("select[name=step]").select_option("compensation")
    form.locator("input[name=amount_yuan]").fill("50")
    form.locator("input[name=answer][value=accepted]").check()
    form.get_by_role("button", name="Record the remedy").click()

    expect(page.locator(".flash").first).to_contain_text("waits for a manager's approval")
    pending = page.locator("tr[data-status=pending_approval]")
    expect(pending).to_contain_text("50.00")
    expect(pending).to_contain_text("Waits for a manager's approval")
    expect(pending).to_contain_text("A manager approves or refuses it on this page.")
    expect(page.locator("form.remedy-form")).to_have_count(0)  # nothing more until the manager decides
    screenshot(page, "remedies_pending_cs_en")

    boss = desk("zh-CN")
    sign_in(boss, manager, lang="zh_CN")
    boss.goto(f"/tickets/{ticket.id}")
    boss.locator("tr[data-status=pending_approval]").get_by_role("button", name="批准补偿").click()
    expect(boss.locator(".flash").first).to_contain_text("已批准补偿")
    expect(boss.locator("tr[data-remedy]").last).to_contain_text("主管已批准")
    expect(boss.locator("ol.timeline")).to_contain_text("主管批准了补偿")
    screenshot(boss, "remedies_approved_manager_zh")

    remedy = fresh(Remedy, int(boss.locator("tr[data-remedy]").last.get_attribute("data-remedy")))
    assert remedy.status is RemedyStatus.APPROVED and remedy.decided_by_id == manager.id


def test_a_return_gets_its_pickup_and_warehouse_by_category_and_the_receipt_check_goes_on_the_timeline(
    live,
    desk,
    screenshot,
):
    cs, dispatcher = factories.make_user("cs"), factories.make_user("dispatcher")
    small = served(cs, category="small_appliance")
    large = served(cs, category="large_appliance")

    page = desk("zh-CN", LARGE_PHONE)
    sign_in(page, cs, lang="zh_CN")
    for ticket, warehouse, step in ((small, "北京工厂", "return"), (large, "中山工厂", "exchange")):
        page.goto(f"/tickets/{ticket.id}")
        form = page.locator("form.remedy-form")
        form.locator("select[name=step]").select_option(step)
        form.locator("input[name=answer][value=accepted]").check()
        form.get_by_role("button", name="记录方案").click()
        expect(page.locator(".flash").first).to_contain_text("已创建退货单和上门取件")
        order = page.locator(".return-order")
        expect(order.locator(".warehouse")).to_contain_text(warehouse)
        expect(order.locator(".pickup")).to_contain_text("第 2 次上门")
        expect(order.locator(".pickup")).to_contain_text("未排程")
        # The pickup is a visit of the ticket like any other, booked from the visits table.
        expect(page.locator("table.visits tbody tr")).to_have_count(2)
        expect(page.locator("ol.timeline")).to_contain_text("已添加上门取件")
        # The remedies, the return order and its timeline read in Chinese: no English message, no raw code.
        assert english_words(page.locator("main").inner_text()) == []
    screenshot(page, "remedies_return_zh_phone")

    order = fresh(ReturnOrder, int(page.locator(".return-order").get_attribute("data-return")))
    assert order.warehouse == "zhongshan_factory" and order.pickup_visit.required_skills == ["large_appliance_install"]
    small_order = db.session.scalars(select(ReturnOrder).where(ReturnOrder.ticket_id == small.id)).one()
    assert small_order.warehouse == "beijing_factory" and small_order.pickup_visit.required_skills == []

    # The technician collects the unit; the warehouse then checks it in: the casing is scratched.
    small_order.pickup_visit.status = VisitStatus.COMPLETED
    db.session.commit()
    desk_page = desk()
    sign_in(desk_page, dispatcher)
    desk_page.goto(f"/tickets/{small.id}?lang=en")
    check = desk_page.locator("form.receipt-form")
    check.locator("input[name=packaging_ok]").check()
    check.locator("input[name=quantity_ok]").check()
    check.locator("input[name=note]").fill("外壳有划痕")
    check.get_by_role("button", name="Record the receipt check").click()

    expect(desk_page.locator(".flash").first).to_contain_text("the unit goes to repair")
    expect(desk_page.locator(".return-order .receipt")).to_contain_text("Received: to repair")
    expect(desk_page.locator("ol.timeline")).to_contain_text("Warehouse receipt check")
    screenshot(desk_page, "remedies_receipt_en_desktop")
    assert fresh(ReturnOrder, small_order.id).status is ReturnStatus.TO_REPAIR
