"""Pages speak Chinese and English: every string is in the catalogues, and the language can be chosen."""

from __future__ import annotations

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
