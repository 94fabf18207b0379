"""Field builders the CS side's schemas share: a bounded text and an enum by its value, each described."""

from __future__ import annotations

from marshmallow import fields, validate


def text_field(
    max_len: int, *, required: bool = True, description: str, min_len: int = 1, also: tuple = (), **kw
) -> fields.String:
    """A string of `min_len` to `max_len` characters (required unless told), with its description."""
    return fields.String(
        required=required,
        validate=[validate.Length(min=min_len, max=max_len), *also],
        metadata={"description": description},
        **kw,
    )


def enum_field(enum_cls, *, description: str, **kw) -> fields.Enum:
    """An enum read and written by its value (the API's codes), with its description."""
    return fields.Enum(enum_cls, by_value=True, metadata={"description": description}, **kw)
