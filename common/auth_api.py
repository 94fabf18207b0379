"""API login: trade a username and password for a Bearer token."""

from __future__ import annotations

from flask import current_app
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint

from common.auth import Unauthorized, authenticate, end_session, issue_token, login_required_any
from common.schemas import TokenRequestSchema, TokenSchema

blp = Blueprint("auth_api", __name__, url_prefix="/api/v1/auth", description="Log in and out of the API")


@blp.route("/token")
class Token(MethodView):
    @blp.doc(security=[])
    @blp.arguments(TokenRequestSchema)
    @blp.response(200, TokenSchema)
    @blp.alt_response(401, description="Wrong username or password.")
    @blp.alt_response(429, description="Too many failed logins for this account or address; see Retry-After.")
    def post(self, data: dict):
        """Log in: a Bearer token for the API."""
        user = authenticate(data["username"], data["password"])
        if user is None:
            raise Unauthorized("wrong_credentials")
        return {
            "token": issue_token(user),
            "expires_in_s": current_app.config["API_TOKEN_TTL_HOURS"] * 3600,
            "role": user.role.value,
            "user_id": user.id,
            "technician_id": user.technician.id if user.technician else None,
        }

    @login_required_any
    @blp.response(204)
    def delete(self):
        """Log out: revoke every token and session of the caller."""
        end_session(current_user)
