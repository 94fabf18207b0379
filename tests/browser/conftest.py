"""Browser tests: the app served over real HTTP from a thread, on its own SQLite file, driven by Debian's chromium.

Never a downloaded browser: scripts/browser-deps installs Debian's chromium and fonts-noto-cjk.
Set BROWSER_SCREENSHOTS=/some/dir to keep screenshots of the pages at phone size.
"""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.services import service_missing

CHROMIUM = "/usr/bin/chromium"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1366, "height": 900}
LARGE_PHONE = {"width": 390, "height": 844}
SHANGHAI = {"latitude": 31.2304, "longitude": 121.4737, "accuracy": 20}
PASSWORD = "secret-pass"


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    """The app on 127.0.0.1 (a free port) with a fresh SQLite file; CSRF on, as in production."""
    from app import create_app
    from common.db import db

    folder = tmp_path_factory.mktemp("browser")
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(folder / "browser.db"),
            "SECRET_KEY": "browser-tests",
            "UPLOAD_DIR": str(folder / "uploads"),
            "BABEL_DEFAULT_LOCALE": "en",
            "JOBS_EAGER": True,
            "RATELIMIT_STORAGE_URI": "memory://",  # login counters of this run only
        }
    )
    with app.app_context():
        db.create_all()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-app", daemon=True)
    thread.start()
    app.config["BASE_URL"] = f"http://127.0.0.1:{server.server_port}"
    yield app
    server.shutdown()
    thread.join(timeout=10)
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def live(live_app):
    """An app context on the live app for building data and checking it; empty tables afterwards."""
    from common.db import db

    with live_app.app_context():
        yield live_app
        db.session.remove()
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        db.session.commit()
        db.session.remove()


@pytest.fixture(scope="session")
def chromium():
    if not Path(CHROMIUM).exists():
        service_missing("Debian chromium (scripts/browser-deps)", FileNotFoundError(CHROMIUM))
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
        )
        yield browser
        browser.close()


@pytest.fixture
def phone(chromium, live):
    """A fresh phone-sized browser (own storage, location in Shanghai); `phone()` opens another one."""
    contexts = []

    def open_phone(locale: str = "en-US", viewport: dict = PHONE):
        context = chromium.new_context(
            viewport=viewport,
            device_scale_factor=2,
            is_mobile=True,
            has_touch=True,
            locale=locale,
            geolocation=SHANGHAI,
            permissions=["geolocation"],
            base_url=live.config["BASE_URL"],
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context

    yield open_phone
    for context in contexts:
        context.close()


@pytest.fixture
def screenshot():
    """Save a screenshot when BROWSER_SCREENSHOTS names a folder (for looking at the pages at phone size)."""
    folder = os.environ.get("BROWSER_SCREENSHOTS")

    def take(page, name: str) -> None:
        if folder:
            page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)

    return take


@pytest.fixture
def desk(chromium, live):
    """A fresh desktop browser's page; `desk(locale, viewport, mobile=...)` opens another (a phone-sized one too)."""
    contexts = []

    def open_desk(locale: str = "en-US", viewport: dict = DESKTOP, *, mobile: bool = False):
        context = chromium.new_context(
            viewport=viewport, locale=locale, base_url=live.config["BASE_URL"], is_mobile=mobile, has_touch=mobile
        )
        context.set_default_timeout(20_000)
        contexts.append(context)
        return context.new_page()

    yield open_desk
    for context in contexts:
        context.close()


def fresh(model, id_):
    """A row as the database has it now (the server wrote it from another thread)."""
    from common.db import db

    db.session.rollback()
    db.session.expire_all()
    return db.session.get(model, id_)


def log_in(page, username: str, password: str = PASSWORD, *, lang: str | None = None, landing: str = "**/m/today"):
    """Log in through the login page (in `lang` when given) and wait for the page it leads to: by default the
    technician's day, as on the phone."""
    page.goto(f"/login?lang={lang}" if lang else "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(landing)


def sign_in(page, user, lang: str | None = "en") -> None:
    """An office user (CS, dispatcher, manager, admin) logs in and lands on the ticket list."""
    log_in(page, user.username, lang=lang, landing="**/tickets**")


# Latin letters a Chinese page may show because they are the demo's data: brands, model, serial and order numbers, usernames.
DATA_WORDS = re.compile(r"\b(?:Haier|KFR-35GW|SN\w+|TM\w+|JD\w+|PLAN\w+|PSN\w+|cs\d+|manager\d+)\b")


def english_words(text: str) -> list[str]:
    """Words of three or more Latin letters left in a page's text once its data is taken out."""
    return re.findall(r"[A-Za-z]{3,}", DATA_WORDS.sub("", text))
