"""A manager opens the dashboard in a real browser: the figures show and the charts are drawn."""

from __future__ import annotations

import pytest

from tests import factories
from tests.browser.conftest import DESKTOP, LARGE_PHONE, sign_in
from tests.reporting.history import build_week

PERIOD = "from=2026-11-02&to=2026-11-08"


@pytest.fixture
def manager_browser(desk):
    build_week()
    manager = factories.make_user("manager")

    def open_page(viewport: dict, lang: str):
        page = desk(viewport=viewport, mobile=viewport is LARGE_PHONE)
        sign_in(page, manager, lang)
        page.goto(f"/dashboard?{PERIOD}&lang={lang}")
        page.wait_for_selector(".chart[data-drawn='1']")
        return page

    return open_page


def _painted(page, canvas_id: str) -> bool:
    """Whether the canvas has any non-transparent pixel, i.e. Chart.js drew on it."""
    return page.evaluate(
        """(id) => {
        const c = document.getElementById(id);
        const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        for (let i = 3; i < data.length; i += 4) { if (data[i] !== 0) return true; }
        return false;
    }""",
        canvas_id,
    )


def test_manager_sees_the_figures_and_the_charts_in_english(manager_browser, screenshot):
    page = manager_browser(DESKTOP, "en")
    assert page.inner_text("[data-kpi=first_time_fix] .value") == "50.0%"
    assert page.inner_text("[data-kpi=on_time] .value") == "40.0%"
    assert page.inner_text("[data-kpi=satisfaction] .value") == "4.0"
    assert _painted(page, "chart-trend") and _painted(page, "chart-arrivals")
    page.click("[data-table=arrivals] summary")
    assert "In the window" in page.inner_text("[data-table=arrivals] table")
    screenshot(page, "dashboard-desktop-en")


def test_manager_reads_the_dashboard_in_chinese_on_a_phone(manager_browser, screenshot):
    page = manager_browser(LARGE_PHONE, "zh_CN")
    assert "一次修复率" in page.inner_text("[data-kpi=first_time_fix]")
    assert _painted(page, "chart-utilisation")
    # Nothing wider than the phone: the page never scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "dashboard-phone-zh")


def test_every_chart_is_drawn_at_both_sizes_and_in_both_languages(manager_browser, screenshot):
    for viewport, lang, name in ((DESKTOP, "zh_CN", "desktop-zh"), (LARGE_PHONE, "en", "phone-en")):
        page = manager_browser(viewport, lang)
        canvases = page.eval_on_selector_all("canvas", "nodes => nodes.map(n => n.id)")
        assert len(canvases) == 9
        assert [c for c in canvases if not _painted(page, c)] == []
        screenshot(page, f"dashboard-{name}")
