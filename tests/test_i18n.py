"""Pages speak Chinese and English: every string is in the catalogues, and the language can be chosen."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po
from flask_babel import force_locale

from common.labels import timeline_detail
from tests import factories

ROOT = Path(__file__).resolve().parent.parent
ZH_CATALOGUE = ROOT / "translations" / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po"


def _read(path: Path):
    with path.open("rb") as handle:
        return read_po(handle)


def test_every_string_of_the_code_is_in_the_chinese_catalogue_and_translated(tmp_path):
    template = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-o",
            str(template),
            "--ignore-dirs=.venv instance migrations tests",
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    in_code = {m.id for m in _read(template) if m.id}
    catalogue = {m.id: m.string for m in _read(ZH_CATALOGUE) if m.id}
    missing = sorted(in_code - set(catalogue))
    assert not missing, f"run `scripts/i18n update` and translate: {missing}"
    untranslated = sorted(msgid for msgid in in_code if not catalogue[msgid])
    assert not untranslated, f"translate these in {ZH_CATALOGUE.relative_to(ROOT)}: {untranslated}"


def test_login_page_speaks_the_language_asked_for(client):
    chinese = client.get("/login?lang=zh_CN").get_data(as_text=True)
    assert 'lang="zh-CN"' in chinese and "登录" in chinese and "用户名" in chinese
    english = client.get("/login?lang=en").get_data(as_text=True)
    assert 'lang="en"' in english and "Log in" in english and "登录" not in english.split("</nav>")[1]


def test_the_language_choice_sticks_for_the_session(client):
    client.get("/login?lang=en")
    assert "Log in" in client.get("/login").get_data(as_text=True)


def test_a_chinese_browser_gets_chinese_pages_without_asking(client):
    page = client.get("/login", headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"}).get_data(as_text=True)
    assert "用户名" in page


def test_role_names_are_translated_in_the_top_bar(app, client, page_login):
    page_login(factories.make_user("dispatcher"))
    assert "调度员" in client.get("/tickets?lang=zh_CN").get_data(as_text=True)


def test_a_visit_moved_for_a_booking_says_so_on_the_timeline_in_chinese(app):
    detail = {"start_before": "2026-11-24T02:00:00+00:00", "made_room_for_visit": 42, "technician_id": 3}
    with app.test_request_context(), force_locale("zh_CN"):
        words = [(str(key), value) for key, value in timeline_detail(detail, lambda moment: moment)]

    assert words == [("原开始时间", "11-24 02:00"), ("为此上门腾出时间", "42")]


_PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def test_every_message_code_has_a_chinese_translation_with_the_same_placeholders(app):
    from common.messages import MESSAGES

    catalogue = {m.id: m.string for m in _read(ZH_CATALOGUE) if m.id}
    untranslated = sorted(code for code, template in MESSAGES.items() if not catalogue.get(template))
    assert not untranslated, f"translate the templates of these message codes: {untranslated}"
    mismatched = sorted(
        code
        for code, template in MESSAGES.items()
        if set(_PLACEHOLDER.findall(template)) != set(_PLACEHOLDER.findall(catalogue[template]))
    )
    assert not mismatched, f"the translation of these codes names other placeholders than the English: {mismatched}"


def test_no_chinese_translation_drops_or_invents_a_placeholder():
    wrong = [
        m.id
        for m in _read(ZH_CATALOGUE)
        if m.id
        and m.string
        and isinstance(m.id, str)
        and set(_PLACEHOLDER.findall(m.id)) != set(_PLACEHOLDER.findall(m.string))
    ]
    assert not wrong, wrong


def test_a_refusal_reads_in_chinese_and_english_from_one_code(app):
    from datetime import time

    from common.errors import RuleViolation

    refusal = RuleViolation(
        "visit_outside_shift",
        field="start",
        params={
            "start": time(17, 30),
            "end": time(19, 0),
            "name": "李伟",
            "shift_start": time(8, 30),
            "shift_end": time(18),
        },
    )
    with app.test_request_context(), force_locale("zh_CN"):
        chinese = refusal.message
        field_message = refusal.errors["json"]["start"][0]
    with app.test_request_context(), force_locale("en"):
        english = refusal.message

    assert chinese == field_message == "此次上门将在当地时间 17:30-19:00 进行，超出 李伟 的班次 08:30-18:00。"
    assert english == "The visit would run 17:30-19:00 local time, outside 李伟's shift 08:30-18:00."
    assert str(refusal) == english  # outside a request: English, for logs and the command line


def test_a_follow_up_refusal_says_tomorrow_in_chinese(app):
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    import pytest

    from common.errors import RuleViolation
    from dispatch.rules import CallPolicy, check_follow_up_call

    evening = datetime(2026, 11, 23, 11, 0, tzinfo=UTC)  # 19:00 in Shanghai, after the call window
    with pytest.raises(RuleViolation) as refused:
        check_follow_up_call([], now=evening, policy=CallPolicy(zone=ZoneInfo("Asia/Shanghai")))
    with app.test_request_context(), force_locale("zh_CN"):
        assert refused.value.message == "只能在当地时间 10:00-18:00 拨打；下次可拨打时间：明天 10:00。"
    assert refused.value.message == "Calls are allowed 10:00-18:00 local time; next allowed at 10:00 tomorrow."


def test_every_message_marshmallow_gives_for_bad_input_is_translated(app):
    import marshmallow as ma
    import pytest
    from marshmallow import fields, validate

    from common.field_errors import translate_message

    class Everything(ma.Schema):
        number = fields.Integer(required=True)
        ratio = fields.Float(validate=validate.Range(min=0, max=1))
        at_least = fields.Integer(validate=validate.Range(min=1))
        at_most = fields.Integer(validate=validate.Range(max=5))
        exclusive = fields.Float(validate=validate.Range(min=0, min_inclusive=False))
        money = fields.Decimal()
        text = fields.String(validate=validate.Length(min=2, max=3))
        exact = fields.String(validate=validate.Length(equal=4))
        choice = fields.String(validate=validate.OneOf(["a", "b"]))
        pattern = fields.String(validate=validate.Regexp(r"\d+"))
        moment = fields.DateTime()
        aware = fields.AwareDateTime()
        day = fields.Date()
        clock = fields.Time()
        flag = fields.Boolean()
        items = fields.List(fields.Integer())
        inner = fields.Nested(ma.Schema.from_dict({"x": fields.Integer()}))
        mail = fields.Email()
        link = fields.URL()
        not_null = fields.String(allow_none=False)

    bad = {
        "ratio": 2,
        "at_least": 0,
        "at_most": 9,
        "exclusive": 0,
        "money": "abc",
        "text": "x",
        "exact": "x",
        "choice": "c",
        "pattern": "x",
        "moment": "noon",
        "aware": "2026-11-23T10:00:00",
        "day": "x",
        "clock": "x",
        "flag": "maybe",
        "items": "x",
        "inner": 1,
        "mail": "x",
        "link": "x",
        "not_null": None,
        "extra": 1,
    }
    with pytest.raises(ma.ValidationError) as refused:
        Everything().load(bad)

    def walk(node):
        if isinstance(node, dict):
            return [m for value in node.values() for m in walk(value)]
        return [m for value in node for m in walk(value)] if isinstance(node, list) else [node]

    produced = walk(refused.value.messages)
    with app.test_request_context(), force_locale("zh_CN"):
        left = [m for m in produced if not re.search(r"[\u4e00-\u9fff]", translate_message(m))]
    assert len(produced) > 20 and not left, left


def test_an_unknown_address_is_answered_in_the_readers_language(client):
    answer = client.get("/api/v1/no-such-thing", headers={"Accept-Language": "en"})
    assert answer.status_code == 404 and answer.json["message"] == "There is nothing at this address."
    page = client.get("/no-such-page?lang=zh_CN")
    assert page.status_code == 404 and "此地址没有内容。" in page.get_data(as_text=True)


def test_remedy_webhook_and_dashboard_refusals_answer_in_the_readers_language(app, login_as):
    zh = {"Accept-Language": "zh-CN"}
    manager, admin = login_as("manager"), login_as("admin")
    asked = [
        (manager.get("/api/v1/remedies/returns/424242", headers=zh), "退货单 424242 不存在。"),
        (
            manager.post("/api/v1/remedies/returns/424242/receipt-check", headers=zh, json={}),
            None,  # the body is checked first: every field named, in Chinese
        ),
        (admin.post("/api/v1/webhook-deliveries/424242/replay", headers=zh), "没有编号为 424242 的 Webhook 推送。"),
        (
            admin.post("/api/v1/webhook-endpoints", headers=zh, json={"url": "ftp://crm.example.com", "events": []}),
            None,
        ),
        (manager.get("/api/v1/kpis?from=2026-11-20&to=2026-11-01", headers=zh), None),
    ]
    for response, message in asked:
        assert response.status_code in (404, 409, 422), response.json
        if message is not None:  # worded from a code a client can act on
            assert response.json["message"] == message and response.json["message_code"]
        text = str(response.json.get("errors") or response.json["message"])
        assert not re.search(r"[A-Za-z]{4,} [a-z]{2,} [a-z]{2,}", text), text  # no English sentence left
    period = manager.get("/api/v1/kpis?from=2026-11-20&to=2026-11-01", headers=zh).json
    assert period["errors"]["query"]["to"] == ["结束日期早于开始日期；请让“至”不早于“从”。"]


def test_the_demo_is_typed_in_chinese_only_so_an_english_label_stands_out():
    from demo import seed

    texts = [
        *seed.SKILL_NAMES.values(),
        *(text for problems in seed.PROBLEMS.values() for text in problems),
        *(name for _sku, name, _price in seed.PARTS),
        *(brand for products in seed.PRODUCTS.values() for brand, _sku, _price in products),
        *(work for work, _sku in seed.MORNING_REPORTS),
    ]
    english = [text for text in texts if re.search(r"[A-Za-z]{2,}", text)]
    assert not english, english


def test_remedy_and_dashboard_field_errors_read_in_chinese(app, login_as):
    zh = {"Accept-Language": "zh-CN"}
    manager = login_as("manager")

    decision = manager.post("/api/v1/remedies/424242/approval", headers=zh, json={"decision": "maybe"})
    long_ago = manager.get("/api/v1/kpis?from=1999-01-01&to=1999-01-31", headers=zh)

    assert decision.status_code == 422
    assert decision.json["errors"]["json"]["decision"] == ["必须是以下之一：批准 (approve)、拒绝 (refuse)。"]
    assert long_ago.status_code == 422
    assert long_ago.json["errors"]["query"]["from"] == ["请填写 2000-01-01 至 2099-12-31 之间的日期。"]


def test_a_dashboard_filter_that_cannot_be_read_is_named_by_its_chinese_label(app, client, page_login):
    from tests.visible_text import english_left, visible_text

    page_login(factories.make_user("manager"))
    html = client.get("/dashboard?from=1999-01-01&lang=zh_CN").get_data(as_text=True)

    text = visible_text(html)
    assert "从: 请填写 2000-01-01 至 2099-12-31 之间的日期。" in text
    assert english_left(text) == []
