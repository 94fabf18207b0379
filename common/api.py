"""The flask-smorest Api: error answers that keep their headers, Bearer auth in the spec, a CDN-free docs page."""

from __future__ import annotations

from flask import Blueprint, Flask, render_template, send_from_directory
from flask_smorest import Api as SmorestApi
from werkzeug.exceptions import HTTPException

from common.apidoc import ErrorResponsesPlugin, decimal_field_properties, plain_text_properties
from common.error_handlers import http_exception_payload, wants_json
from common.schemas import ErrorSchema

DOCS_ASSETS_URL = "/api/docs/assets/"


class Api(SmorestApi):
    """flask-smorest's Api, but a 405 keeps its Allow header and pages get HTML errors.

    Each operation documents the error answers it gives (common.apidoc) instead of one catch-all `default`
    answer, which would let any status code pass for documented.
    """

    ERROR_SCHEMA = ErrorSchema
    DEFAULT_ERROR_RESPONSE_NAME = None

    def _register_pagination_header(self):
        # The header carries a JSON text; flask-smorest documents it as an object, which no header value is.
        self.spec.components.header(
            "PAGINATION",
            {
                "description": "Pagination as a JSON object in text: total, total_pages, first_page, last_page, "
                'page, previous_page, next_page, e.g. {"total": 4, "total_pages": 1, "first_page": 1, ...}.',
                "schema": {"type": "string"},
            },
            lazy=True,
        )

    def handle_http_exception(self, error: HTTPException):
        payload, headers = http_exception_payload(error)
        if not wants_json():
            return (
                render_template("error.html", status=payload["code"], message=payload["message"]),
                payload["code"],
                headers,
            )
        return payload, payload["code"], headers


def create_api(app: Flask) -> Api:
    """One Api per app (tests build several apps), documenting Bearer-token auth."""
    app.config.setdefault("OPENAPI_SWAGGER_UI_PATH", "docs")
    app.config.setdefault("OPENAPI_SWAGGER_UI_URL", DOCS_ASSETS_URL)
    # Either a Bearer token (API clients) or the pages' login session (the phone's offline queue posts with it).
    security: list[dict[str, list[str]]] = [{"bearerAuth": []}, {"sessionCookie": []}]
    api = Api(app, spec_kwargs={"security": security, "extra_plugins": [ErrorResponsesPlugin()]})
    api.ma_plugin.converter.add_attribute_function(decimal_field_properties)
    api.ma_plugin.converter.add_attribute_function(plain_text_properties)
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "description": "A token from POST /api/v1/auth/token."}
    )
    api.spec.components.security_scheme(
        "sessionCookie",
        {
            "type": "apiKey",
            "in": "cookie",
            "name": app.config.get("SESSION_COOKIE_NAME", "session"),
            "description": "The session of a login at /login; every write with it also needs the X-CSRFToken header.",
        },
    )
    app.register_blueprint(_docs_assets_blueprint())
    return api


def _docs_assets_blueprint() -> Blueprint:
    # Swagger UI's files come from the swagger-ui-bundle package: the docs page needs no CDN.
    from swagger_ui_bundle import swagger_ui_path

    assets = Blueprint("api_docs_assets", __name__)

    @assets.get(DOCS_ASSETS_URL + "<path:filename>")
    def docs_asset(filename: str):
        return send_from_directory(swagger_ui_path, filename, max_age=86400)

    return assets
