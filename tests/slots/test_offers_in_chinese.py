"""A Chinese-speaking CS agent reads why a slot is cheap, or why a day has none, in Chinese; programs get codes."""

from __future__ import annotations

from tests import factories
from tests.slots.conftest import technician, visit_at
from tests.slots.intake_form import FORM


def test_slot_reasons_come_in_the_agents_language_with_code_and_params(clock, login_as):
    wang = technician("王磊", working_days=[1, 3, 4, 5, 6, 7])  # not on Tuesdays
    visit = visit_at(31.2397, 121.4998)
    cs = login_as("cs", locale="zh_CN")

    body = cs.get(f"/api/v1/visits/{visit.id}/slots?days=2").json

    tuesday, wednesday = body["days"]
    assert tuesday == {
        "date": "2026-11-24",
        "offered": 0,
        "outside_availability": 0,
        "reason": "星期二 2026-11-24 没有技师上班",
        "reason_code": "day_no_technician",
        "reason_params": {"date": "2026-11-24"},
    }
    assert (wednesday["offered"], wednesday["reason"], wednesday["reason_code"]) == (5, None, None)
    cheapest = body["offers"][0]
    assert cheapest["reason"].startswith("王磊 当天没有其他上门：往返路程 ") and cheapest["reason"].endswith(" 分钟")
    assert cheapest["reason_code"] == "slot_empty_route"
    assert cheapest["reason_params"] == {
        "technician": f"t{wang.id}",
        "technician_name": "王磊",
        "added_travel_s": cheapest["added_travel_s"],
    }
    assert body["unavailable"][0]["reason"] == "星期二 2026-11-24 没有技师上班"


def test_the_same_request_in_english_keeps_the_english_sentence(clock, login_as):
    technician("Wang Lei", working_days=[1, 3, 4, 5, 6, 7])
    visit = visit_at(31.2397, 121.4998)
    cs = login_as("cs", locale="en")

    body = cs.get(f"/api/v1/visits/{visit.id}/slots?days=1").json

    assert body["days"][0]["reason"] == "no technician works on Tuesday 2026-11-24"


def test_the_intake_page_shows_the_reasons_in_chinese(clock, page_login):
    technician("王磊")
    browser = page_login(factories.make_user("cs"))

    registered = browser.post("/intake?lang=zh_CN", data=FORM)
    html = browser.get(registered.headers["Location"]).get_data(as_text=True)

    assert "王磊 当天没有其他上门：往返路程" in html
    assert "has no other visit" not in html
