"""The dispatcher's day board on a real chromium: optimize and publish, drag to assign, the Chinese page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from common.db import db
from dispatch.enums import VisitStatus
from dispatch.models import Visit
from scheduling.enums import PlanStatus
from scheduling.models import Plan
from tests.browser.board_day import drag, make_board_day, open_board, row_of
from tests.browser.conftest import fresh

pytestmark = pytest.mark.browser


def test_optimize_shows_the_search_progress_and_the_changes_then_publishes(chromium, live):
    board_day = make_board_day()
    context, page = open_board(chromium, live, board_day)

    page.fill("#time-limit", "1")
    page.click("#optimize")

    # The solve runs inside the request here (JOBS_EAGER); give a busy machine time to load the solver.
    expect(page.locator("#solve-progress")).to_have_attribute("value", "100", timeout=90_000)
    expect(page.locator("#solve-status")).to_contain_text(re.compile(r"Search finished in [\d.]+ s: 2 visits planned"))
    expect(page.locator("#changes-summary")).to_contain_text("1 added")
    expect(page.locator("#changes-list li.added")).to_contain_text("陈女士")
    page.click("#publish")

    expect(page.locator("#board-ok")).to_contain_text("is published", timeout=30_000)
    expect(page.locator("#unassigned-count")).to_have_text("0")
    expect(page.locator(".vis-item.visit", has_text="陈女士")).to_be_visible()
    plan = fresh(Plan, int(page.locator("#board-ok").inner_text().split()[1]))
    assert plan.status is PlanStatus.PUBLISHED
    assert fresh(Visit, board_day.waiting.id).status is VisitStatus.SCHEDULED
    context.close()


def test_a_visit_dragged_onto_a_technician_with_the_skill_is_scheduled(chromium, live):
    board_day = make_board_day()
    context, page = open_board(chromium, live, board_day)

    drag(page, page.locator(f"#unassigned li[data-visit-id='{board_day.waiting.id}']"), row_of(page, "王师傅"))

    expect(page.locator("#board-ok")).to_contain_text(f"Visit {board_day.waiting.id} is now with 王师傅")
    expect(page.locator("#unassigned-count")).to_have_text("0")
    expect(page.locator(".vis-item.visit", has_text="陈女士")).to_be_visible()
    visit = fresh(Visit, board_day.waiting.id)
    assert visit.technician_id == board_day.installer.id and visit.status is VisitStatus.SCHEDULED
    context.close()


def test_a_drag_the_rules_refuse_leaves_the_visit_and_says_why(chromium, live):
    board_day = make_board_day()
    context, page = open_board(chromium, live, board_day)

    drag(page, page.locator(f"#unassigned li[data-visit-id='{board_day.waiting.id}']"), row_of(page, "李师傅"))

    expect(page.locator("#board-error")).to_contain_text("Not moved: 李师傅 lacks the skill(s) ac_install")
    expect(page.locator("#unassigned-count")).to_have_text("1")
    visit = fresh(Visit, board_day.waiting.id)
    assert visit.technician_id is None and visit.status is VisitStatus.UNSCHEDULED
    context.close()


def test_a_visit_under_way_cannot_be_dragged(chromium, live):
    board_day = make_board_day()
    planned = fresh(Visit, board_day.planned.id)
    planned.status = VisitStatus.EN_ROUTE
    db.session.commit()
    context, page = open_board(chromium, live, board_day)

    block = page.locator(".vis-item.visit.st-en_route", has_text="张先生")
    expect(block).to_be_visible()
    drag(page, block, row_of(page, "李师傅"))

    page.wait_for_timeout(500)
    assert fresh(Visit, board_day.planned.id).technician_id == board_day.installer.id
    context.close()


def test_the_chinese_board_has_no_english_left(chromium, live, screenshot):
    board_day = make_board_day()
    context, page = open_board(chromium, live, board_day, lang="zh_CN")
    expect(page.locator("#last-update")).to_contain_text("更新于")
    page.locator(".vis-item.visit", has_text="张先生").click()
    expect(page.locator("#selection")).to_contain_text("超时")
    screenshot(page, "board-zh")

    text = page.locator("body").inner_text()
    # Codes a dispatcher types are not words to translate: a skill code without a label, the language link.
    allowed = {"ac_install", "EN"}
    words = set(re.findall(r"[A-Za-z][A-Za-z_]{1,}", text)) - allowed
    assert words == set(), words
    assert "调度看板" in text and "未分配" in text and "尚未排班" in text
    context.close()


def test_the_board_follows_status_events_and_keeps_the_dispatchers_selection(chromium, live):
    board_day = make_board_day()
    context, page = open_board(chromium, live, board_day)
    page.locator(".vis-item.visit", has_text="张先生").click()
    expect(page.locator("#selection")).to_contain_text("张先生")
    url = page.url

    # The technician accepts the visit on the phone; the board hears it on its next reload of the data.
    visit = fresh(Visit, board_day.planned.id)
    visit.status = VisitStatus.ACCEPTED
    db.session.commit()

    expect(page.locator(".vis-item.visit.st-accepted", has_text="张先生")).to_be_visible(timeout=15_000)
    expect(page.locator(".vis-item.visit.vis-selected", has_text="张先生")).to_be_visible()
    expect(page.locator("#selection")).to_contain_text("Accepted")
    assert page.url == url
    context.close()
