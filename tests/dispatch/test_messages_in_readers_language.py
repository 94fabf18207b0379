"""Errors, refusals and pages speak the reader's language: the API by Accept-Language, pages by the user's choice."""

from __future__ import annotations

from datetime import timedelta

from tests import factories
from tests.clock import TUESDAY_9_LOCAL
from tests.slots.intake_form import FORM
from tests.steps import assign
from tests.visible_text import english_left, visible_text

ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}
EN = {"Accept-Language": "en-US,en;q=0.9"}


def _bad_ticket():
    body = factories.ticket_payload()
    del body["customer"]["name"]
    body["order"]["order_value"] = -5
    return body


def test_a_schema_422_names_the_fields_in_chinese_when_the_client_asks_for_chinese(cs):
    answer = cs.post("/api/v1/tickets", json=_bad_ticket(), headers=ZH)

    assert answer.status_code == 422
    assert answer.json["errors"]["json"]["customer"]["name"] == ["此项必填。"]
    assert answer.json["errors"]["json"]["order"]["order_value"] == ["必须在 0 到 10000000 之间。"]
    assert answer.json["message"].startswith("请修改这些字段：")
    assert answer.json["code"] == 422 and answer.json["status"] == "Unprocessable Entity"


def test_the_same_422_stays_english_for_an_english_client(cs):
    answer = cs.post("/api/v1/tickets", json=_bad_ticket(), headers=EN)

    assert answer.json["errors"]["json"]["customer"]["name"] == ["Missing data for required field."]
    assert answer.json["message"].startswith("Fix these fields: ")


def test_accept_language_wins_over_the_api_users_profile(clock, login_as):
    english_user = login_as("cs", locale="en")
    answer = english_user.post("/api/v1/tickets", json=_bad_ticket(), headers=ZH)

    assert answer.json["errors"]["json"]["customer"]["name"] == ["此项必填。"]


def test_a_rule_refusal_is_worded_in_chinese_with_its_code_and_the_field(dispatcher, new_ticket):
    ticket = new_ticket()
    washer_man = factories.make_technician(skills=("washer_repair",))

    answer = dispatcher.post(
        f"/api/v1/visits/{ticket['visits'][0]['id']}/assignment",
        json={"technician_id": washer_man.id, "start": TUESDAY_9_LOCAL.isoformat()},
        headers=ZH,
    )

    assert answer.status_code == 422
    assert answer.json["message_code"] == "technician_lacks_skills"
    assert answer.json["message"] == f"{washer_man.name} 不具备此次上门所需的技能：大家电安装。"
    assert answer.json["errors"] == {"json": {"technician_id": [answer.json["message"]]}}
    assert answer.json["missing_skills"] == ["large_appliance_install"]  # the machine keeps the code


def test_a_refused_day_names_the_weekdays_in_the_readers_language(dispatcher, new_ticket):
    ticket = new_ticket()
    monday_only = factories.make_technician(skills=("large_appliance_install",), working_days=[1])
    visit_id = ticket["visits"][0]["id"]

    chinese = dispatcher.post(
        f"/api/v1/visits/{visit_id}/assignment",
        json={"technician_id": monday_only.id, "start": TUESDAY_9_LOCAL.isoformat()},
        headers=ZH,
    )
    english = dispatcher.post(
        f"/api/v1/visits/{visit_id}/assignment",
        json={"technician_id": monday_only.id, "start": TUESDAY_9_LOCAL.isoformat()},
        headers=EN,
    )

    assert chinese.status_code == english.status_code == 422
    assert chinese.json["message"] == f"{monday_only.name} 在 2026年11月24日星期二 不上班（工作日：周一）。"
    assert english.json["message"] == f"{monday_only.name} does not work on Tuesday, November 24, 2026 (works Mon)."


def test_the_boards_script_gets_refusals_in_the_page_language(dispatcher, new_ticket, client, page_login):
    ticket = new_ticket()
    page_login(dispatcher.user)
    client.get("/tickets?lang=zh_CN")  # the dispatcher chose Chinese on the pages
    late = TUESDAY_9_LOCAL + timedelta(hours=9, minutes=30)  # 18:30 local, after every shift

    answer = client.post(
        f"/api/v1/visits/{ticket['visits'][0]['id']}/assignment",
        json={
            "technician_id": factories.make_technician(name="李伟", skills=("large_appliance_install",)).id,
            "start": late.isoformat(),
        },
    )

    assert answer.status_code == 422 and answer.json["message_code"] == "visit_outside_shift"
    assert "超出" in answer.json["message"] and "班次 08:30-18:00" in answer.json["message"]
    assert not english_left(answer.json["message"])


def test_a_chinese_ticket_page_has_no_english_message_or_raw_code(cs, dispatcher, new_ticket, page_login):
    ticket = new_ticket(description="卧室挂机空调新装。")
    installer = factories.make_technician(name="李伟", skills=("large_appliance_install",))
    assert assign(dispatcher, ticket["visits"][0]["id"], installer.id).status_code == 200

    html = page_login(cs.user).get(f"/tickets/{ticket['id']}?lang=zh_CN").get_data(as_text=True)
    text = visible_text(html)

    assert "调度员手动安排" in text  # the timeline's source, worded
    assert "大家电安装" in text  # the skill, worded
    assert english_left(text) == []


def test_the_chinese_intake_form_marks_the_fields_to_fix_in_chinese(clock, page_login):
    browser = page_login(factories.make_user("cs"))
    browser.get("/intake?lang=zh_CN")
    form = {**FORM, "name": "", "order_value": "-1", "description": "卧室挂机空调新装。"}

    response = browser.post("/intake", data=form)
    text = visible_text(response.get_data(as_text=True))

    assert response.status_code == 422
    assert "此项不能为空。" in text and "必须在 0 到 10000000 之间。" in text
    assert english_left(text) == []


def test_a_choice_not_on_the_list_names_the_choices_by_their_chinese_labels(clock, page_login):
    browser = page_login(factories.make_user("cs"))
    browser.get("/intake?lang=zh_CN")

    response = browser.post("/intake", data={**FORM, "type": "teleport", "description": "卧室挂机空调新装。"})
    text = visible_text(response.get_data(as_text=True))

    assert response.status_code == 422
    assert "必须是以下之一：安装、维修、检测/测量、退货取件、换货。" in text
    assert english_left(text) == []


def test_a_chinese_board_page_has_no_english_left_in_its_markup(dispatcher, page_login):
    html = page_login(dispatcher.user).get("/board?lang=zh_CN").get_data(as_text=True)

    assert english_left(visible_text(html)) == []
