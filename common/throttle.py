"""Login throttling: failed logins are counted per account and per client address, on Redis.

Only failures count, so a busy office behind one address still logs in; a guesser is slowed down
whichever of the two it varies. The page login and the API token share the same counters, so
switching between them gains nothing.
"""

from __future__ import annotations

import hashlib
import math
import time
from datetime import timedelta
from typing import cast

from flask import Flask, current_app, flash, render_template, request
from flask.typing import RouteCallable
from flask.wrappers import Response
from flask_babel import gettext as _
from flask_limiter import Limiter, RateLimitExceeded

from common.db import utcnow
from common.error_handlers import error_payload, wants_json
from common.i18n import to_local

# Views that check a password: the login page (form) and the API's token endpoint (JSON).
LOGIN_ENDPOINTS = ("auth.login", "auth_api.Token")
FAILED_LOGIN_STATUS = 401


def init_throttle(app: Flask) -> Limiter:
    """Throttle the login views of `app` and answer a breach with 429 and Retry-After."""
    limiter = Limiter(
        key_func=client_address,
        storage_uri=storage_uri(app.config),
        storage_options={"socket_connect_timeout": 2, "socket_timeout": 2},
        # Redis down: keep counting in this process rather than failing every login.
        in_memory_fallback_enabled=True,
        swallow_errors=True,
        # A moving window: five failures at 10:00:58 and 10:01:02 are five in a minute, not two
        # windows of fewer (a fixed window lets an attacker double the rate at each boundary).
        strategy="moving-window",
        key_prefix=app.config.get("RATELIMIT_KEY_PREFIX", "dispatch"),
    )
    limiter.init_app(app)
    app.extensions["login_limiter"] = limiter
    per_account = limiter.shared_limit(
        lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"],
        scope="login-account",
        key_func=account_key,
        methods=["post"],
        deduct_when=_login_failed,
    )
    per_address = limiter.shared_limit(
        lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"],
        scope="login-address",
        key_func=client_address,
        methods=["post"],
        deduct_when=_login_failed,
    )
    for endpoint in LOGIN_ENDPOINTS:
        app.view_functions[endpoint] = cast(RouteCallable, per_account(per_address(app.view_functions[endpoint])))
    app.register_error_handler(RateLimitExceeded, _answer_too_many_logins)
    return limiter


def storage_uri(config) -> str:
    """RATELIMIT_STORAGE_URI, else REDIS_URL; tests count in memory unless they name a storage."""
    if config.get("RATELIMIT_STORAGE_URI"):
        return config["RATELIMIT_STORAGE_URI"]
    return "memory://" if config.get("TESTING") else config["REDIS_URL"]


def client_address() -> str:
    """The client's address (behind a proxy, the one it reported; see TRUSTED_PROXIES)."""
    return request.remote_addr or "unknown"


def account_key() -> str:
    """The username being tried, normalised and hashed so any input makes a short, safe key."""
    if request.is_json:
        body = request.get_json(silent=True)
        username = body.get("username") if isinstance(body, dict) else None
    else:
        username = request.form.get("username")
    name = username.strip().casefold() if isinstance(username, str) else ""
    return hashlib.sha256(name.encode("utf-8", "replace")).hexdigest()[:32]


def _login_failed(response: Response) -> bool:
    return response.status_code == FAILED_LOGIN_STATUS


def _answer_too_many_logins(error: RateLimitExceeded):
    limit = current_app.extensions["login_limiter"].current_limit
    retry_after_s = max(1, math.ceil(limit.reset_at - time.time())) if limit else 60
    if limit is not None:
        # The moving window's reset is whole seconds away: rounding up must not promise more than the window.
        retry_after_s = min(retry_after_s, limit.limit.get_expiry())
    # Said as a local clock time, rounded up to the minute: "after 14:32" needs no plural forms.
    retry_at = to_local(utcnow() + timedelta(seconds=retry_after_s + 59)).strftime("%H:%M")
    message = _("Too many failed logins. Try again after %(time)s.", time=retry_at)
    headers = {"Retry-After": str(retry_after_s)}
    if wants_json():
        return error_payload(429, message), 429, headers
    flash(message, "error")
    return (
        render_template(
            "auth/login.html", next_url=request.form.get("next", ""), username=request.form.get("username", "")
        ),
        429,
        headers,
    )
