"""Language and time zone: zh_CN and en, local times shown in the region's zone, UTC stored."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import overload
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime, format_skeleton, format_time
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
    if request.path.startswith("/api/") and request.headers.get("Authorization", "").startswith("Bearer "):
        # An API client says its language per request; it wins over the token user's profile.
        asked = _accepted()
        if asked:
            return asked
    if session.get("lang") in SUPPORTED_LOCALES:
        return session["lang"]
    if current_user and getattr(current_user, "is_authenticated", False) and current_user.locale in SUPPORTED_LOCALES:
        return current_user.locale
    return _accepted() or current_app.config["BABEL_DEFAULT_LOCALE"]


def _accepted() -> str | None:
    """The supported locale the Accept-Language header prefers (zh-CN, zh-Hans, zh -> zh_CN), or None."""
    best = request.accept_languages.best_match(["zh_CN", "zh-Hans", "zh", "en"])
    if best is None:
        return None
    return "zh_CN" if best.startswith("zh") else best


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
    from common.labels import register_labels
    from common.message_text import init_message_text
    from common.models import Role

    babel.init_app(app, locale_selector=select_locale)
    init_message_text()
    register_labels(enums={Role: ROLE_LABELS})
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.globals["role_label"] = role_label

    app.jinja_env.filters["label"] = label
    app.jinja_env.filters["timeline_detail"] = lambda detail: timeline_detail(detail, to_local)

    @app.template_filter("local")
    def local_filter(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
        return format_local(value, fmt)

    app.jinja_env.filters["day"] = format_short_day


def format_short_day(value: date | datetime | None, skeleton: str | None = None) -> str:
    """A day with its weekday, short, as the reader's locale writes it ("Thu, Dec 3" / "12月3日周四")."""
    if value is None:
        return ""
    return format_skeleton(skeleton or DAY_SKELETON, value, locale=get_locale())


# The formats the pages ask `local` for, written by Babel for the reader's locale: weekday and month names
# in the reader's language ("Thu, Dec 3" / "12月3日周四"), 24-hour clock times.
DAY_SKELETON = "MMMEd"
_BABEL_FORMATS = {
    "%Y-%m-%d %H:%M": lambda v, loc: format_datetime(v, "yyyy-MM-dd HH:mm", locale=loc),
    "%H:%M": lambda v, loc: format_time(v, "HH:mm", locale=loc),
    "%Y-%m-%d": lambda v, loc: format_date(v, "yyyy-MM-dd", locale=loc),
    "%a %Y-%m-%d %H:%M": lambda v, loc: (
        f"{format_skeleton(DAY_SKELETON, v, locale=loc)} {format_time(v, 'HH:mm', locale=loc)}"
    ),
    "%a %Y-%m-%d": lambda v, loc: format_skeleton(DAY_SKELETON, v, locale=loc),
}


def format_local(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored UTC timestamp as local time, in the reader's locale (Babel) for the formats the pages use."""
    if value is None:
        return ""
    local = to_local(value)
    babel_format = _BABEL_FORMATS.get(fmt)
    if babel_format is None:
        return local.strftime(fmt)
    return babel_format(local, get_locale())
