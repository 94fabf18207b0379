"""Language and time zone: zh_CN and en, local times shown in the region's zone, UTC stored."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import overload
from zoneinfo import ZoneInfo

from flask import current_app, request, session
from flask_babel import Babel, get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from common.labels import label, timeline_detail

SUPPORTED_LOCALES = ("zh_CN", "en")
ROLE_LABELS = {
    "cs": _l("Customer service"),
    "dispatcher": _l("Dispatcher"),
    "technician": _l("Technician"),
    "manager": _l("Manager"),
    "admin": _l("Administrator"),
}
babel = Babel()


def select_locale() -> str:
    """The user's choice (?lang=, then their profile), else the browser's, else the default."""
    wanted = request.args.get("lang")
    if wanted in SUPPORTED_LOCALES:
        session["lang"] = wanted
        return wanted
    if session.get("lang") in SUPPORTED_LOCALES:
        return session["lang"]
    if current_user and getattr(current_user, "is_authenticated", False) and current_user.locale in SUPPORTED_LOCALES:
        return current_user.locale
    best = request.accept_languages.best_match(["zh_CN", "zh", "en"])
    if best in ("zh_CN", "zh"):
        return "zh_CN"
    return best or current_app.config["BABEL_DEFAULT_LOCALE"]


def local_zone() -> ZoneInfo:
    """The configured local time zone (Asia/Shanghai by default)."""
    return ZoneInfo(current_app.config["TIMEZONE"])


@overload
def to_local(value: datetime) -> datetime: ...
@overload
def to_local(value: None) -> None: ...
def to_local(value: datetime | None) -> datetime | None:
    """A stored UTC timestamp as local wall-clock time."""
    return value.astimezone(local_zone()) if value is not None else None


def local_day_bounds(day: date) -> tuple[datetime, datetime]:
    """Local midnight starting `day` and the next one: the range people mean by "on the 23rd"."""
    zone = local_zone()
    # The next day's midnight, not +24 h, so the range stays right on a daylight-saving change.
    return datetime.combine(day, time(0), tzinfo=zone), datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)


def role_label(role: object) -> object:
    """A role (enum member or its value) in the reader's words; an unknown one as it is."""
    return ROLE_LABELS.get(str(getattr(role, "value", role)), role)


def init_i18n(app) -> None:
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.globals["role_label"] = role_label

    app.jinja_env.filters["label"] = label
    app.jinja_env.filters["timeline_detail"] = lambda detail: timeline_detail(detail, to_local)

    @app.template_filter("local")
    def local_filter(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
        return to_local(value).strftime(fmt) if value is not None else ""
