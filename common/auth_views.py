"""Login and logout pages (session cookies)."""

from __future__ import annotations

from urllib.parse import urlparse

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from common.auth import authenticate, end_session

bp = Blueprint("auth", __name__, template_folder="templates")


def _safe_next(target: str | None) -> str:
    """Only same-site paths, so the login form can't bounce users to another site."""
    if target and not urlparse(target).netloc and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("home")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "POST":
        user = authenticate(request.form.get("username", ""), request.form.get("password", ""))
        if user is None:
            flash(_("Wrong username or password."), "error")
            return render_template(
                "auth/login.html", next_url=request.form.get("next", ""), username=request.form.get("username", "")
            ), 401
        login_user(user)
        return redirect(_safe_next(request.form.get("next")))
    return render_template("auth/login.html", next_url=request.args.get("next", ""), username="")


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        end_session(current_user)
        logout_user()
    return redirect(url_for("auth.login"))
