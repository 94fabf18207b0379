"""Out-schemas nested in several answers: a user, a customer, a product."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields

from dispatch.enums import APPROXIMATE_PRECISIONS, ProductCategory
from dispatch.schemas._fields import enum_field


class UserRefSchema(ma.Schema):
    id = fields.Integer()
    name = fields.String(attribute="display_name")
    username = fields.String()


class CustomerSchema(ma.Schema):
    name = fields.String()
    phone = fields.String()
    address = fields.String()
    lat = fields.Float(allow_none=True, metadata={"description": "Latitude; found from the address when CS gave none."})
    lon = fields.Float(allow_none=True)
    location_precision = fields.String(
        allow_none=True,
        metadata={
            "description": "given (typed in), address (geocoded), district (the district's centre) or city (the city "
            "centre); null for customers stored before the app located addresses."
        },
    )
    approximate = fields.Function(
        lambda c: c.location_precision in APPROXIMATE_PRECISIONS,
        metadata={"type": "boolean", "description": "True when lat/lon are only a district's or the city's centre."},
    )
    district = fields.String(allow_none=True)
    region = fields.String()


class ProductSchema(ma.Schema):
    category = enum_field(ProductCategory, description="Product category.")
    brand = fields.String()
    sku = fields.String()
    serial_no = fields.String()
