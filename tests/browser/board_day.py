"""A dispatcher's day for the board's browser tests: tomorrow, so every drop lands in the future."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from common.db import db
from common.i18n import local_zone
from common.models import Role
from dispatch.enums import VisitStatus
from tests import factories
from tests.browser.conftest import DESKTOP, PASSWORD
from tests.scheduling_app.builders import local, make_visit


@dataclass
class BoardDay:
    day: date
    dispatcher: object
    installer: object
    furniture_fitter: object
    planned: object
    waiting: object


def tomorrow() -> date:
    return datetime.now(local_zone()).date() + timedelta(days=1)


def make_board_day() -> BoardDay:
    """Two technicians; one planned visit and one waiting for a technician, both air-conditioner installs."""
    day = tomorrow()
    dispatcher = factories.make_user(Role.DISPATCHER, display_name="周调度")
    installer = factories.make_technician(name="王师傅", skills=("ac_install",))
    fitter = factories.make_technician(name="李师傅", skills=("furniture_assembly",), home_lat=31.20, home_lon=121.45)
    window = [(local(day, 9), local(day, 17))]
    planned = make_visit(
        status=VisitStatus.SCHEDULED, technician=installer, planned_start=local(day, 9, 30), windows=window
    )
    waiting = make_visit(windows=window)
    for visit, name in ((planned, "张先生"), (waiting, "陈女士")):
        visit.ticket.customer.name = name
        visit.ticket.customer.address = "上海市黄浦区南京东路100号"
    db.session.commit()
    return BoardDay(
        day=day, dispatcher=dispatcher, installer=installer, furniture_fitter=fitter, planned=planned, waiting=waiting
    )


def open_board(chromium, live, board_day: BoardDay, *, lang: str = "en", viewport: dict = DESKTOP):
    """A desktop browser logged in as the dispatcher, on the board of the day."""
    context = chromium.new_context(
        viewport=viewport, base_url=live.config["BASE_URL"], locale="zh-CN" if lang == "zh_CN" else "en-US"
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto("/login")
    page.fill("input[name=username]", board_day.dispatcher.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/tickets**")
    page.goto(f"/board?date={board_day.day.isoformat()}&region=shanghai&lang={lang}")
    page.wait_for_selector(f"#unassigned li[data-visit-id='{board_day.waiting.id}']")
    return context, page


def row_of(page, technician_name: str):
    """The timeline row (foreground) of the technician named `technician_name`."""
    labels = page.locator(".vis-labelset .vis-label")
    names = labels.all_inner_texts()
    index = next(i for i, text in enumerate(names) if technician_name in text)
    return page.locator(".vis-foreground .vis-group").nth(index)


def drag(page, source, target, *, x_fraction: float = 0.5) -> None:
    """Drag `source` with the mouse, in small steps as a hand does, and drop it on `target`."""
    a, b = source.bounding_box(), target.bounding_box()
    start = (a["x"] + min(20, a["width"] / 2), a["y"] + a["height"] / 2)
    end = (b["x"] + b["width"] * x_fraction, b["y"] + b["height"] / 2)
    page.mouse.move(*start)
    page.mouse.down()
    for step in range(1, 13):
        page.mouse.move(start[0] + (end[0] - start[0]) * step / 12, start[1] + (end[1] - start[1]) * step / 12)
    page.mouse.up()
