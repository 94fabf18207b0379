"""A technician's day on a phone-sized chromium, with and without signal."""

from __future__ import annotations

import base64
from datetime import time

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from common.db import db
from common.models import IdempotencyRecord
from dispatch.enums import FollowUpStatus, TicketStatus, VisitStatus
from dispatch.models import FollowUp, Ticket, TimelineEvent, Visit
from technicians.models import ServiceReport
from technicians.service.route import local_today
from tests import factories
from tests.browser.conftest import SHANGHAI, fresh, log_in
from tests.technician_pages.day import plan_visit

pytestmark = pytest.mark.browser

# A 1x1 PNG: enough for the server's type sniffing and the page's size check.
PNG_1PX = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
STEPS = ("visit_accepted", "visit_en_route", "visit_arrived", "service_report_submitted", "visit_completed")


def timeline_actions(visit_id: int) -> list[str]:
    db.session.rollback()
    return list(
        db.session.scalars(
            select(TimelineEvent.action).where(TimelineEvent.visit_id == visit_id).order_by(TimelineEvent.id)
        )
    )


def queue_count(page):
    return page.locator("#queue-count")


def wait_until_sent(page, n: int) -> None:
    """Wait until this page has had `n` queued actions accepted by the server, and nothing waits."""
    expect(page.locator("html")).to_have_attribute("data-sent", str(n))
    expect(queue_count(page)).to_have_text("0")


def draw_signature(page) -> None:
    pad = page.locator("#signature-pad")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    x, y = box["x"], box["y"] + box["height"] / 2
    page.mouse.move(x + 20, y)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(x + 20 + step * 20, y + (-1) ** step * 25)
    page.mouse.up()


def fill_service_report(page, *, work_done: str) -> None:
    page.fill("textarea[name=work_done]", work_done)
    page.select_option("select[name=result]", "resolved")
    page.click("#add-part")
    page.fill(".part-row input[name=part_qty]", "2")
    page.fill("input[name=fees_yuan]", "80")
    page.set_input_files("#photo-input", files=[{"name": "unit.png", "mimeType": "image/png", "buffer": PNG_1PX}])
    expect(page.locator("#photo-list li")).to_have_count(1)
    draw_signature(page)
    page.check("input[name=customer_confirmed]")


def test_a_full_day_online_and_offline_reaches_the_server_exactly_once(live, phone, screenshot):
    owner = factories.make_user("cs")
    technician = factories.make_user("technician")
    factories.make_part("CAP-35UF", name="Capacitor 35uF", price_yuan="45.00")
    today = local_today()
    first, second, third = (
        plan_visit(technician.technician, day=today, at=at, owner=owner) for at in (time(9), time(11), time(14))
    )
    page = phone().new_page()
    log_in(page, technician.username)

    # The route, in order, ready for a basement (the service worker has saved today's pages).
    expect(page.locator("#route > li")).to_have_count(3)
    assert page.locator("#route > li").evaluate_all("els => els.map(e => +e.dataset.visitId)") == [
        first.id,
        second.id,
        third.id,
    ]
    expect(page.locator("html")).to_have_attribute("data-offline-ready", "1")
    expect(page.locator("#net-state")).to_have_attribute("data-state", "online")
    screenshot(page, "m_route")

    # Visit 1, with signal: accept, on the way, arrived, service report, completed.
    page.click(f'#route li[data-visit-id="{first.id}"] a.button.primary')
    page.click("text=Accept")
    page.click("text=On my way")
    page.click("text=Arrived: check in here")
    page.set_input_files("#photo-input", files=[{"name": "notes.gif", "mimeType": "image/gif", "buffer": b"GIF89a"}])
    expect(page.locator("#photo-errors")).to_contain_text("notes.gif: only JPEG, PNG or WebP")
    fill_service_report(page, work_done="Mounted the indoor unit, vacuumed the lines.")
    screenshot(page, "m_job")
    page.click("#complete")
    expect(page.locator("#job")).to_have_attribute("data-status", "completed")
    wait_until_sent(page, 5)
    assert timeline_actions(first.id)[-1] == "follow_up_queued"

    # Visit 2: accepted with signal; the answer to "on my way" is lost as the signal drops, then the basement.
    page.click("text=Back to today's route")
    expect(page.locator(f'#route li[data-visit-id="{first.id}"]')).to_have_attribute("data-status", "completed")
    page.click(f'#route li[data-visit-id="{second.id}"] a.button.primary')
    page.click("text=Accept")
    wait_until_sent(page, 1)
    lost = []

    def lose_the_answer(route):
        if not lost:  # the server applies it, the signal goes, the phone never hears back
            lost.append(route.fetch().status)
            page.context.set_offline(True)
            route.abort("internetdisconnected")
        else:
            route.continue_()

    page.route(f"**/api/v1/visits/{second.id}/events", lose_the_answer)
    page.click("text=On my way")
    expect(page.locator("#net-state")).to_have_attribute("data-state", "offline")
    expect(queue_count(page)).to_have_text("1")
    assert lost == [201]

    page.click("text=Arrived: check in here")
    fill_service_report(page, work_done="Replaced the capacitor; cools again.")
    page.click("#complete")
    expect(page.locator("#job")).to_have_attribute("data-status", "completed")
    # on my way (resent), arrived, report, completed wait on the phone; the page survives a reload offline.
    expect(queue_count(page)).to_have_text("4")
    page.reload()
    expect(page.locator("#job")).to_have_attribute("data-status", "completed")
    expect(queue_count(page)).to_have_text("4")
    assert fresh(Visit, second.id).status is VisitStatus.EN_ROUTE

    page.context.set_offline(False)
    wait_until_sent(page, 4)  # the reload started the count afresh
    expect(page.locator("#net-state")).to_have_attribute("data-state", "online")

    # Visit 3: the customer is not at home.
    page.goto(f"/m/visits/{third.id}")
    page.click("text=Accept")
    page.click("text=On my way")
    page.click("text=The visit cannot be done")
    page.select_option("select[name=reason]", "customer_absent")
    page.fill("textarea[name=note]", "Rang twice, no answer.")
    page.click("text=Report failed visit")
    expect(page.locator("#job")).to_have_attribute("data-status", "failed")
    wait_until_sent(page, 3)
    expect(page.locator("#attention")).to_be_hidden()

    # The server has each step exactly once, and the consequences went to the CS owner.
    for visit in (first, second):
        assert fresh(Visit, visit.id).status is VisitStatus.COMPLETED
        assert sorted(a for a in timeline_actions(visit.id) if a in STEPS) == sorted(STEPS)
        report = db.session.scalar(select(ServiceReport).where(ServiceReport.visit_id == visit.id))
        assert report.parts[0]["sku"] == "CAP-35UF" and report.parts[0]["qty"] == 2
        assert len(report.photos) == 1 and report.signature and report.customer_confirmed
        follow_up = db.session.scalar(select(FollowUp).where(FollowUp.visit_id == visit.id))
        assert follow_up.owner_id == owner.id and follow_up.status is FollowUpStatus.PENDING
    assert fresh(Visit, second.id).checkin_lat == pytest.approx(SHANGHAI["latitude"])
    assert db.session.scalar(select(func.count()).select_from(ServiceReport)) == 2

    failed = fresh(Visit, third.id)
    assert failed.status is VisitStatus.FAILED and failed.failure_reason == "customer_absent"
    assert [a for a in timeline_actions(third.id) if a.startswith("visit_")] == [
        "visit_accepted",
        "visit_en_route",
        "visit_failed",
    ]
    assert fresh(Ticket, failed.ticket_id).status is TicketStatus.OPEN
    rebooking = db.session.scalars(
        select(TimelineEvent).where(
            TimelineEvent.ticket_id == failed.ticket_id, TimelineEvent.action == "rebooking_needed"
        )
    ).all()
    assert len(rebooking) == 1 and rebooking[0].detail["reason"] == "customer_absent"
    # 5 + 5 + 3 actions, each under its own Idempotency-Key; the resent "on my way" was replayed, not redone.
    assert db.session.scalar(select(func.count()).select_from(IdempotencyRecord)) == 13


def test_another_technician_opening_the_job_gets_404(live, phone):
    mine = factories.make_user("technician")
    visit = plan_visit(mine.technician, day=local_today(), at=time(10))
    other = factories.make_user("technician")
    page = phone().new_page()
    log_in(page, other.username)

    response = page.goto(f"/m/visits/{visit.id}")

    assert response.status == 404
    expect(page.locator("body")).not_to_contain_text(visit.ticket.customer.phone)


def test_a_visit_moved_while_offline_keeps_the_technicians_notes_and_says_so(live, phone):
    from dispatch.service.visits import place_visit

    dispatcher = factories.make_user("dispatcher")
    technician = factories.make_user("technician")
    colleague = factories.make_user("technician")
    visit = plan_visit(technician.technician, day=local_today(), at=time(10))
    page = phone().new_page()
    log_in(page, technician.username)
    page.goto(f"/m/visits/{visit.id}")

    page.context.set_offline(True)
    page.click("text=Accept")
    page.click("text=The visit cannot be done")
    page.select_option("select[name=reason]", "wrong_address")
    page.fill("textarea[name=note]", "Building 7 does not exist; customer says building 17.")
    page.click("text=Report failed visit")
    expect(queue_count(page)).to_have_text("2")
    # Meanwhile the dispatcher gives the visit to a colleague.
    moved = fresh(Visit, visit.id)
    place_visit(moved, technician=colleague.technician, start=moved.planned_start, by=dispatcher, source="manual")
    db.session.commit()

    page.context.set_offline(False)
    expect(queue_count(page)).to_have_text("0")
    attention = page.locator("#attention")
    expect(attention).to_be_visible()
    expect(page.locator("#attention-count")).to_have_text("2")
    expect(attention).to_contain_text("This visit was moved to another technician")
    expect(attention).to_contain_text("Building 7 does not exist; customer says building 17.")
    expect(page.locator("#actions")).to_be_hidden()
    after = fresh(Visit, visit.id)
    assert after.technician_id == colleague.technician.id and after.status is VisitStatus.SCHEDULED
    assert not [a for a in timeline_actions(visit.id) if a in ("visit_accepted", "visit_failed")]


def test_pages_render_in_chinese_when_asked(live, phone, screenshot):
    technician = factories.make_user("technician")
    plan_visit(technician.technician, day=local_today(), at=time(10))
    page = phone(locale="zh-CN").new_page()
    log_in(page, technician.username)

    page.goto("/m/today?lang=zh_CN")

    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.locator(".where").first).to_have_text("上海市浦东新区世纪大道100号")
    screenshot(page, "m_route_zh")


def test_a_confirmed_report_needs_the_signature_and_the_error_goes_once_it_is_drawn(live, phone):
    technician = factories.make_user("technician")
    visit = plan_visit(technician.technician, day=local_today(), at=time(9), owner=factories.make_user("cs"))
    page = phone().new_page()
    log_in(page, technician.username)
    page.click(f'#route li[data-visit-id="{visit.id}"] a.button.primary')
    page.click("text=Accept")
    page.click("text=On my way")
    page.click("text=Arrived: check in here")
    # The check-in is sent behind the technician's back; the refusal below must not race it.
    expect(page.locator("#action-message")).to_have_text("Sent.")
    page.fill("textarea[name=work_done]", "Mounted the indoor unit.")
    page.check("input[name=customer_confirmed]")

    page.click("#complete")
    expect(page.locator("#report-errors")).to_contain_text("ask them to sign first")
    assert fresh(Visit, visit.id).status is VisitStatus.ARRIVED

    draw_signature(page)
    expect(page.locator("#report-errors")).to_have_text("")
    page.click("#complete")
    expect(page.locator("#job")).to_have_attribute("data-status", "completed")
