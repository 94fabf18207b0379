"""Images people upload (ticket photos, service-report photos, signatures): decoded and checked. Pure."""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass

from common.errors import RuleViolation
from common.messages import Message

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
    label = Message("photo_label", {"index": index, "filename": filename})
    if content_type not in PHOTO_TYPES:
        raise RuleViolation("photo_wrong_type", field="photos", params={"photo": label, "content_type": content_type})
    match = _DATA_URL.match(data_base64)
    if match:  # a data URL straight from the page's canvas or file input
        data_base64 = match["data"]
    if len(data_base64) > MAX_PHOTO_BASE64_CHARS + 4:
        raise RuleViolation(
            "photo_too_large", field="photos", params={"photo": label, "max_mb": MAX_PHOTO_BYTES // (1024 * 1024)}
        )
    data = _b64decode(data_base64, label=label, field="photos")
    if len(data) > MAX_PHOTO_BYTES:
        raise RuleViolation(
            "photo_too_large", field="photos", params={"photo": label, "max_mb": MAX_PHOTO_BYTES // (1024 * 1024)}
        )
    actual = sniff_image_type(data)
    if actual != content_type:
        raise RuleViolation(
            "photo_content_differs" if actual else "photo_content_not_an_image",
            field="photos",
            params={"photo": label, "content_type": content_type, "actual": actual},
        )
    return UploadedImage(content_type=content_type, data=data)


def decode_signature(data_url: str) -> UploadedImage:
    """Decode the customer's drawn signature, a PNG data URL, and check its size."""
    match = _DATA_URL.match(data_url)
    if not match or match["type"] != "image/png":
        raise RuleViolation("signature_not_png_data_url", field="signature")
    if len(match["data"]) > MAX_SIGNATURE_BASE64_CHARS + 4:
        raise RuleViolation("signature_too_large", field="signature", params={"max_kb": MAX_SIGNATURE_BYTES // 1024})
    data = _b64decode(match["data"], label=Message("signature_label"), field="signature")
    if sniff_image_type(data) != "image/png":
        raise RuleViolation("signature_not_png", field="signature")
    return UploadedImage(content_type="image/png", data=data)


def _b64decode(text: str, *, label: Message, field: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise RuleViolation("not_base64", field=field, params={"what": label}) from None
