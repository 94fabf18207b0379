"""A refusal on the day board reads in the dispatcher's language, on a real chromium."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.board_day import drag, make_board_day, open_board, row_of
from tests.browser.conftest import LARGE_PHONE

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("zh_CN", "李师傅 不具备此次上门所需的技能：ac_install。"),
        ("en", "李师傅 lacks the skill(s) ac_install this visit needs."),
    ],
)
def test_a_refused_drag_says_why_in_the_boards_language(chromium, live, screenshot, lang, words):
    board_day = make_board_day()
    context, page = open_board(chromium, live, board_day, lang=lang)

    drag(page, page.locator(f"#unassigned li[data-visit-id='{board_day.waiting.id}']"), row_of(page, "李师傅"))

    refusal = page.locator("#board-error")
    expect(refusal).to_contain_text(words)
    screenshot(page, f"board-refusal-{lang}-desktop")
    page.set_viewport_size(LARGE_PHONE)
    expect(refusal).to_be_visible()
    screenshot(page, f"board-refusal-{lang}-phone")
    if lang == "zh_CN":
        # A skill code nobody has worded yet stays a code; nothing else in the refusal is English.
        assert set(re.findall(r"[A-Za-z][A-Za-z_]+", refusal.inner_text())) == {"ac_install"}
    context.close()
