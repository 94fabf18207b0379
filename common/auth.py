"""Who is asking: session login for pages, Bearer tokens for the API, and role checks."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import timedelta
from functools import lru_cache, wraps

from flask import current_app, g, request
from flask_login import LoginManager, current_user
from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from common.apidoc import document_roles
from common.db import UTCDateTime, db, utcnow
from common.errors import DomainError, Forbidden
from common.models import ROLE_GRANTS, ApiToken, Role, User

login_manager = LoginManager()
login_manager.login_view = "auth.login"


class Unauthorized(DomainError):
    status = 401


def hash_password(password: str) -> str:
    """A salted hash of `password` fit for storing."""
    return generate_password_hash(password)


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@login_manager.user_loader
def load_user_from_session(session_id: str) -> User | None:
    user_id, _, nonce = session_id.partition(":")
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_nonce != nonce or not user.active:
        return None
    g.login_via = "session"
    return user


@login_manager.request_loader
def load_user_from_bearer_token(req) -> User | None:
    header = req.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        return None
    user = db.session.scalar(_token_query(), {"digest": _token_digest(token.strip()), "now": utcnow()})
    if user is None:
        return None
    g.login_via = "bearer"
    return user


@lru_cache(maxsize=1)
def _token_query() -> Select:
    # Built once: every API call runs it, and building it cost about as much CPU as running it. The database
    # checks the token (it exists, is not revoked or expired, its user is active) and answers only the user
    # with their technician profile, which every API call needs: loading the token row too cost more.
    return (
        select(User)
        .join(ApiToken, ApiToken.user_id == User.id)
        .options(joinedload(User.technician))
        .where(
            ApiToken.token_sha256 == bindparam("digest"),
            ApiToken.revoked_at.is_(None),
            ApiToken.expires_at > bindparam("now", type_=UTCDateTime()),
            User.active.is_(True),
        )
    )


def authenticated_by_bearer_token() -> bool:
    """True when this request's user came from a valid Bearer token, not from a session cookie.

    Flask-Login asks the session first, so a request carrying both is a cookie request.
    """
    return current_user.is_authenticated and g.get("login_via") == "bearer"


@login_manager.unauthorized_handler
def answer_unauthorized():
    if request.path.startswith("/api/"):
        raise Unauthorized("login_first")
    from flask import redirect, url_for

    return redirect(url_for("auth.login", next=request.full_path))


def authenticate(username: str, password: str) -> User | None:
    """The active user with these credentials, or None.

    An unknown or inactive username costs the same hash check as a wrong password, so the answer's
    timing does not tell which usernames exist.
    """
    user = db.session.scalar(select(User).where(User.username == username))
    stored_hash = user.password_hash if user is not None else _dummy_password_hash()
    password_ok = check_password_hash(stored_hash, password)
    if user is None or not user.active or not password_ok:
        return None
    return user


@lru_cache(maxsize=1)
def _dummy_password_hash() -> str:
    # Made with the same method and cost as stored passwords; no password matches it.
    return hash_password(secrets.token_urlsafe(32))


def issue_token(user: User) -> str:
    """A new API token for `user`; only its digest is stored."""
    token = secrets.token_urlsafe(32)
    ttl = timedelta(hours=current_app.config["API_TOKEN_TTL_HOURS"])
    db.session.add(ApiToken(user_id=user.id, token_sha256=_token_digest(token), expires_at=utcnow() + ttl))
    db.session.commit()
    return token


def end_session(user: User) -> None:
    """Log `user` out everywhere: rotate the session nonce and revoke their API tokens."""
    user.session_nonce = secrets.token_hex(8)
    now = utcnow()
    for token in db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))):
        token.revoked_at = now
    db.session.commit()


def role_required(*roles: Role | str) -> Callable:
    """Let the view run only for a logged-in user holding one of `roles` (see ROLE_GRANTS)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not current_user.has_role(*roles):
                raise Forbidden("role_needed", params={"roles": [Role(r) for r in roles], "role": current_user.role})
            return view(*args, **kwargs)

        document_roles(wrapper, sorted({granted.value for r in roles for granted in _roles_holding(Role(r))}))
        return wrapper

    return decorator


def _roles_holding(role: Role) -> set[Role]:
    """The roles that may act as `role` (a manager may do what CS does)."""
    return {holder for holder, grants in ROLE_GRANTS.items() if role in grants}


def login_required_any(view: Callable) -> Callable:
    """Let the view run for any logged-in user."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        return view(*args, **kwargs)

    return wrapper
