"""Accounts shared by every domain: users with roles, API tokens, idempotency records."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import JSON, Enum, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from common.db import Model, UTCDateTime, utcnow


class Role(str, enum.Enum):
    CS = "cs"
    DISPATCHER = "dispatcher"
    TECHNICIAN = "technician"
    MANAGER = "manager"
    ADMIN = "admin"


def str_enum(enum_cls: type[enum.Enum], name: str) -> Enum:
    """A portable enum column storing the enum's values (not names), checked by a constraint."""
    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class User(UserMixin, Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[Role] = mapped_column(str_enum(Role, "role"))
    locale: Mapped[str | None] = mapped_column(String(16))
    # Rotated on logout so an old session cookie stops working (Flask's cookie session can't be revoked).
    session_nonce: Mapped[str] = mapped_column(String(32), default="0", server_default="0")
    on_shift: Mapped[bool] = mapped_column(default=True, server_default="1")
    active: Mapped[bool] = mapped_column(default=True, server_default="1")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    # The technician's model lives in a layer above common, so the relationship is named by string only.
    technician: Mapped[Technician | None] = relationship(back_populates="user", uselist=False)  # type: ignore[name-defined]  # noqa: F821

    def get_id(self) -> str:
        return f"{self.id}:{self.session_nonce}"

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    def has_role(self, *roles: Role | str) -> bool:
        """True when the user holds one of `roles`, directly or through a supervising role."""
        wanted = {Role(r) for r in roles}
        return bool(wanted & ROLE_GRANTS[self.role])


# A manager can do what CS and dispatchers do; an admin also manages accounts.
# Technician actions are never granted upward: they need the technician's own identity.
ROLE_GRANTS: dict[Role, set[Role]] = {
    Role.CS: {Role.CS},
    Role.DISPATCHER: {Role.DISPATCHER},
    Role.TECHNICIAN: {Role.TECHNICIAN},
    Role.MANAGER: {Role.MANAGER, Role.CS, Role.DISPATCHER},
    Role.ADMIN: {Role.ADMIN, Role.MANAGER, Role.CS, Role.DISPATCHER},
}


class ApiToken(Model):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()


class IdempotencyRecord(Model):
    """The first answer to a request sent with an Idempotency-Key, replayed for retries."""

    __tablename__ = "idempotency_records"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(128))
    method: Mapped[str] = mapped_column(String(8))
    path: Mapped[str] = mapped_column(String(255))
    body_sha256: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    response_body: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
