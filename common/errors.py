"""Domain errors raised below the views; pure, so rules and the scheduling core may raise them too.

An error names a message code (registered in `common.messages` by its domain) and its parameters; the
words are chosen when the error is read: in the request's language by the web layer (see
`set_wording`), in English elsewhere. A text that is no registered code is shown as it is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from common import message_codes, messages  # noqa: F401 - common's own codes come with the errors

# Installed by the web layer: (code, params) -> the words in the request's language.
_wording: Callable[[str, dict[str, Any]], str] | None = None


def set_wording(wording: Callable[[str, dict[str, Any]], str] | None) -> None:
    """Word every error's message with `wording` (the app installs the request-language one)."""
    global _wording
    _wording = wording


class DomainError(Exception):
    """Base of errors a user can act on; `status` is the HTTP status it maps to.

    `code` is the message code, `params` fill its template (JSON-able `extra` keys go into the error answer
    and fill the template too; `params` are only for the words, e.g. times and dates).
    """

    status = 400

    def __init__(self, code: str, *, errors: dict | None = None, params: dict | None = None, **extra: Any):
        super().__init__(code)
        self.code = code
        self.params = {**extra, **(params or {})}
        self._errors = errors
        self.extra = extra

    @property
    def message_code(self) -> str | None:
        """The stable code of the message, for clients that act on it (None for a plain text)."""
        return self.code if messages.is_code(self.code) else None

    @property
    def message(self) -> str:
        if _wording is not None:
            return _wording(self.code, self.params)
        return messages.english(self.code, self.params)

    @property
    def errors(self) -> dict | None:
        return self._errors

    def __str__(self) -> str:
        return self.message


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

    def __init__(
        self, code: str, *, field: str | None = None, location: str = "json", params: dict | None = None, **extra: Any
    ):
        super().__init__(code, params=params, **extra)
        self.field = field
        self.location = location

    @property
    def errors(self) -> dict | None:
        return {self.location: {self.field: [self.message]}} if self.field else None
