"""Domain errors raised below the views; pure, so rules and the scheduling core may raise them too."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base of errors a user can act on; `status` is the HTTP status it maps to."""

    status = 400

    def __init__(self, message: str, *, errors: dict | None = None, **extra: Any):
        super().__init__(message)
        self.message = message
        self.errors = errors
        self.extra = extra


class NotFound(DomainError):
    status = 404


class Forbidden(DomainError):
    status = 403


class Conflict(DomainError):
    """Slot taken, duplicate ticket, forbidden state change, stale data."""

    status = 409


class ServiceUnavailable(DomainError):
    """A service the request needs is down; the client may send it again later (503 with Retry-After)."""

    status = 503


class RuleViolation(DomainError):
    """A business rule refuses the request; `field` names the input to fix."""

    status = 422

    def __init__(self, message: str, *, field: str | None = None, location: str = "json", **extra: Any):
        errors = {location: {field: [message]}} if field else None
        super().__init__(message, errors=errors, **extra)
        self.field = field
