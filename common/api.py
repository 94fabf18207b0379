"""The flask-smorest Api object, with an error handler that keeps exception headers."""
from __future__ import annotations

from flask import render_template
from flask_smorest import Api as SmorestApi
from werkzeug.exceptions import HTTPException

from common.error_handlers import http_exception_payload, wants_json


class Api(SmorestApi):
    """flask-smorest's Api, but a 405 keeps its Allow header and pages get HTML errors."""

    def handle_http_exception(self, error: HTTPException):
        payload, headers = http_exception_payload(error)
        if not wants_json():
            return render_template("error.html", status=payload["code"], message=payload["message"]), payload["code"], headers
        return payload, payload["code"], headers


api = Api()
