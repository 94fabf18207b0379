"""Images people upload (ticket photos, service-report photos, signatures): decoded and checked. Pure."""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass

from common.errors import RuleViolation

PHOTO_TYPES: dict[str, str] = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp"}
MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_PHOTOS = 6
MAX_SIGNATURE_BYTES = 1024 * 1024
# base64 grows data by 4/3; checking the text length first refuses a huge upload before decoding it.
MAX_PHOTO_BASE64_CHARS = (MAX_PHOTO_BYTES + 2) // 3 * 4
MAX_SIGNATURE_BASE64_CHARS = (MAX_SIGNATURE_BYTES + 2) // 3 * 4

_DATA_URL = re.compile(r"^data:(?P<type>[\w.+-]+/[\w.+-]+);base64,(?P<data>.*)$", re.DOTALL)


@dataclass(frozen=True)
class UploadedImage:
    """A decoded, checked image ready to be stored under a generated name."""

    content_type: str
    data: bytes

    @property
    def extension(self) -> str:
        return PHOTO_TYPES[self.content_type]


def sniff_image_type(data: bytes) -> str | None:
    """The image type the file's first bytes say it is (JPEG, PNG or WebP), or None."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def decode_photo(*, index: int, filename: str, content_type: str, data_base64: str) -> UploadedImage:
    """Decode photo number `index` (1-based) and check its type and size; refuse it naming the photo."""
    label = f"Photo {index} ({filename})"
    if content_type not in PHOTO_TYPES:
        raise RuleViolation(f"{label} is {content_type}; send JPEG, PNG or WebP.", field="photos")
    match = _DATA_URL.match(data_base64)
    if match:  # a data URL straight from the page's canvas or file input
        data_base64 = match["data"]
    if len(data_base64) > MAX_PHOTO_BASE64_CHARS + 4:
        raise RuleViolation(
            f"{label} is larger than {MAX_PHOTO_BYTES // (1024 * 1024)} MB; send a smaller photo.", field="photos"
        )
    data = _b64decode(data_base64, label=label, field="photos")
    if len(data) > MAX_PHOTO_BYTES:
        raise RuleViolation(
            f"{label} is larger than {MAX_PHOTO_BYTES // (1024 * 1024)} MB; send a smaller photo.", field="photos"
        )
    actual = sniff_image_type(data)
    if actual != content_type:
        found = f"its content is {actual}" if actual else "its content is not a JPEG, PNG or WebP image"
        raise RuleViolation(f"{label} says {content_type} but {found}; send the image file itself.", field="photos")
    return UploadedImage(content_type=content_type, data=data)


def decode_signature(data_url: str) -> UploadedImage:
    """Decode the customer's drawn signature, a PNG data URL, and check its size."""
    match = _DATA_URL.match(data_url)
    if not match or match["type"] != "image/png":
        raise RuleViolation("signature must be a PNG data URL ('data:image/png;base64,...').", field="signature")
    if len(match["data"]) > MAX_SIGNATURE_BASE64_CHARS + 4:
        raise RuleViolation(f"The signature is larger than {MAX_SIGNATURE_BYTES // 1024} KB.", field="signature")
    data = _b64decode(match["data"], label="The signature", field="signature")
    if sniff_image_type(data) != "image/png":
        raise RuleViolation("The signature is not a PNG image; send the canvas as PNG.", field="signature")
    return UploadedImage(content_type="image/png", data=data)


def _b64decode(text: str, *, label: str, field: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise RuleViolation(f"{label} is not valid base64.", field=field) from None
