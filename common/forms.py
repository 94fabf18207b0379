"""A page's form read through the API's schema: its values, or each field's error flashed in the reader's words."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import marshmallow as ma
from flask import flash
from flask_babel import gettext as _

from common.field_errors import translate_field_errors


def load_form(schema: ma.Schema, body: Mapping[str, str], field_names: Mapping[str, Any]) -> dict | None:
    """`body` loaded by `schema` (an empty input counts as not given), or None after flashing what to fix.

    `field_names` names the form's fields in the reader's language (lazy strings); others show as they are.
    """
    try:
        return schema.load({k: v for k, v in body.items() if v != ""})
    except ma.ValidationError as error:
        for field, messages in translate_field_errors(error.messages).items():
            text = " ".join(str(m) for m in messages) if isinstance(messages, list) else str(messages)
            flash(_("%(field)s: %(message)s", field=str(field_names.get(field, field)), message=text), "error")
        return None
