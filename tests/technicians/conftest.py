"""Fixtures of the technician-side tests: API clients per role and small request builders."""

from __future__ import annotations

import base64

import pytest

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(64)
JPEG = b"\xff\xd8\xff\xe0" + bytes(64)
WEBP = b"RIFF\x00\x00\x00\x00WEBPVP8 " + bytes(64)
GIF = b"GIF89a" + bytes(64)


def photo(data: bytes = JPEG, *, content_type: str = "image/jpeg", filename: str = "unit.jpg") -> dict:
    return {"filename": filename, "content_type": content_type, "data_base64": base64.b64encode(data).decode()}


def signature_url(data: bytes = PNG) -> str:
    return "data:image/png;base64," + base64.b64encode(data).decode()


@pytest.fixture
def technician(login_as):
    """An API client logged in as a technician (with a technician profile)."""
    return login_as("technician")


@pytest.fixture
def dispatcher(login_as):
    return login_as("dispatcher")


def event(api, visit_id: int, kind: str, headers: dict | None = None, **extra):
    return api.post(f"/api/v1/visits/{visit_id}/events", json={"type": kind, **extra}, headers=headers)
