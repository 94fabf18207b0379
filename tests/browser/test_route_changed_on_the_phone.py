"""After a rebalance the moved technician's phone shows the new route: a banner and the new order, also when
the phone had no signal when the dispatcher applied it (it loads the new route once it syncs)."""

from __future__ import annotations

import re
from datetime import datetime, time

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from common.db import db
from common.i18n import local_zone
from common.models import User
from dispatch.models import Visit
from scheduling.rebalance.service import apply_rebalance, preview_rebalance
from technicians.service.route import local_today
from tests import factories
from tests.browser.conftest import log_in
from tests.technician_pages.day import plan_visit

pytestmark = pytest.mark.browser

PHONE_390 = {"width": 390, "height": 740}


def out_at_nine_hands_the_day_to_the_colleague():
    """Today, as it stood at 08:00: the installer has 10:00 and 14:00, the colleague 12:00."""
    day = local_today()
    dispatcher = factories.make_user("dispatcher")
    installer = factories.make_user("technician", display_name="王师傅")
    colleague = factories.make_user("technician", display_name="李师傅")
    for at, who in ((10, installer), (14, installer), (12, colleague)):
        plan_visit(who.technician, day=day, at=time(at), lat=31.23 + at / 1000, lon=121.47)
    out_id, colleague_id, dispatcher_id = installer.technician.id, colleague.technician.id, dispatcher.id

    def rebalance() -> None:
        eight = datetime.combine(day, time(8), local_zone())
        by = db.session.get(User, dispatcher_id)
        row = preview_rebalance(
            day,
            "shanghai",
            event={"kind": "technician_out", "technician_id": out_id, "from_": "09:00"},
            by=by,
            now=eight,
        )
        assert {m["to"]["technician"] for m in row.result["moved"]} == {f"t{colleague_id}"}
        apply_rebalance(row.id, by=by, now=eight)
        db.session.remove()

    return colleague.username, colleague_id, rebalance


def new_order(technician_id: int) -> list[str]:
    db.session.remove()
    visits = db.session.scalars(
        select(Visit).where(Visit.technician_id == technician_id).order_by(Visit.planned_start)
    ).all()
    return [str(v.id) for v in visits]


def shown_order(page) -> list[str]:
    return page.locator("#route [data-visit-id]").evaluate_all("items => items.map(i => i.dataset.visitId)")


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_the_moved_technicians_phone_shows_the_new_route_with_a_banner(phone, lang, screenshot):
    username, colleague_id, rebalance = out_at_nine_hands_the_day_to_the_colleague()
    rebalance()
    context = phone("zh-CN" if lang == "zh_CN" else "en-US", viewport=PHONE_390)
    page = context.new_page()
    log_in(page, username)

    page.goto(f"/m/today?lang={lang}")

    banner = page.locator("[data-route-changed]")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("Your route changed at 08:00" if lang == "en" else "08:00")
    expect(banner).to_contain_text(re.compile("2 added" if lang == "en" else "新增 2"))
    assert shown_order(page) == new_order(colleague_id)
    assert len(shown_order(page)) == 3
    screenshot(page, f"m_route_changed_{lang}")


def test_a_phone_offline_during_the_rebalance_shows_the_new_route_once_it_syncs(phone):
    username, colleague_id, rebalance = out_at_nine_hands_the_day_to_the_colleague()
    context = phone(viewport=PHONE_390)
    page = context.new_page()
    log_in(page, username)
    page.goto("/m/today")
    expect(page.locator("html")).to_have_attribute("data-offline-ready", "1")
    assert len(shown_order(page)) == 1

    context.set_offline(True)
    rebalance()
    page.reload()  # no signal: the phone shows the route it kept
    expect(page.locator("[data-route-changed]")).to_have_count(0)
    assert len(shown_order(page)) == 1

    context.set_offline(False)  # the page syncs and finds the route changed

    expect(page.locator("[data-route-changed]")).to_be_visible()
    expect(page.locator("[data-route-changed]")).to_contain_text("Your route changed at 08:00")
    expect(page.locator("#route [data-visit-id]")).to_have_count(3)
    assert shown_order(page) == new_order(colleague_id)
