"""Rebalancing from the board: "out from 11:00" shows the change set and applies it only when confirmed.

Needs the rebalance API (POST /api/v1/rebalance/preview, POST /api/v1/rebalance/<id>/apply).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from common.db import db
from dispatch.enums import VisitStatus
from dispatch.models import Visit
from technicians.models import Technician
from tests import factories
from tests.browser.board_day import make_board_day, open_board
from tests.browser.conftest import fresh
from tests.scheduling_app.builders import local

pytestmark = pytest.mark.browser


def test_technician_out_from_eleven_shows_the_change_set_and_applies_it_on_confirmation(chromium, live):
    board_day = make_board_day()
    # The installer's afternoon visit must go to someone else with the skill when the installer goes home.
    afternoon = fresh(Visit, board_day.planned.id)  # (fresh rolls the session back: before any change)
    afternoon.planned_start, afternoon.planned_end = local(board_day.day, 14), local(board_day.day, 15)
    colleague = db.session.get(Technician, board_day.furniture_fitter.id)
    colleague.skills = list(db.session.get(Technician, board_day.installer.id).skills)
    db.session.commit()
    context, page = open_board(chromium, live, board_day)

    page.locator(".vis-label", has_text="王师傅").click()
    page.fill("#out-from", "11:00")
    page.click("#out-button")

    panel = page.locator("#rebalance-panel")
    expect(panel).to_be_visible()
    expect(panel.locator("li[data-visit]")).to_have_count(1)
    expect(panel).to_contain_text("张先生")
    expect(panel).to_contain_text("李师傅")
    # Nothing changes before the dispatcher confirms.
    assert fresh(Visit, board_day.planned.id).technician_id == board_day.installer.id

    page.click("#rebalance-apply")

    expect(page.locator("#board-ok")).to_contain_text("applied")
    expect(panel).to_be_hidden()
    moved = fresh(Visit, board_day.planned.id)
    assert moved.technician_id == board_day.furniture_fitter.id and moved.status is VisitStatus.SCHEDULED
    context.close()


def test_leaving_the_change_set_changes_nothing(chromium, live):
    board_day = make_board_day()
    context, page = open_board(chromium, live, board_day)

    page.locator(".vis-item.visit", has_text="张先生").click()
    page.fill("#overrun-minutes", "45")
    page.click("#overrun-button")
    expect(page.locator("#rebalance-panel")).to_be_visible()
    page.click("#rebalance-cancel")

    expect(page.locator("#rebalance-panel")).to_be_hidden()
    visit = fresh(Visit, board_day.planned.id)
    assert visit.technician_id == board_day.installer.id
    assert visit.planned_start == local(board_day.day, 9, 30)
    context.close()


def test_a_spare_shift_shows_its_change_set_and_puts_the_spare_on_the_board(chromium, live):
    board_day = make_board_day()
    board_day.installer.max_visits_per_day = 1  # 王师傅 has no room for the waiting visit
    off_that_day = [d for d in range(1, 8) if d != board_day.day.isoweekday()]
    factories.make_technician(name="赵师傅", skills=("ac_install",), working_days=off_that_day)
    context, page = open_board(chromium, live, board_day)

    page.select_option("#spare-technician", label="赵师傅 (ac_install)")
    page.fill("#spare-from", "13:00")
    page.fill("#spare-to", "18:00")
    page.click("#spare-button")

    panel = page.locator("#rebalance-panel")
    expect(panel).to_be_visible()
    waiting = panel.locator(f"li[data-visit='{board_day.waiting.id}']")
    expect(waiting).to_contain_text("陈女士")
    expect(waiting).to_contain_text("赵师傅")
    assert fresh(Visit, board_day.waiting.id).technician_id is None

    page.click("#rebalance-apply")

    expect(page.locator("#board-ok")).to_contain_text("applied")
    expect(page.locator(".vis-label", has_text="赵师傅")).to_be_visible()
    expect(page.locator(".vis-item.visit", has_text="陈女士")).to_be_visible()
    context.close()
