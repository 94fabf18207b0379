"""The Flask application factory: `flask --app app run`, `flask --app app db upgrade`, `flask --app app seed-demo`."""
from __future__ import annotations

from pathlib import Path

from flask import Flask, redirect, request, url_for
from flask_login import current_user
from flask_migrate import Migrate
from flask_wtf import CSRFProtect

from common.api import create_api
from common.auth import login_manager
from common.config import load_config
from common.db import db
from common.error_handlers import register_error_handlers
from common.i18n import init_i18n

ROOT = Path(__file__).resolve().parent
migrate = Migrate()
csrf = CSRFProtect()


def create_app(config: dict | None = None) -> Flask:
    """Build the app; `config` overrides settings read from the environment (used by tests)."""
    app = Flask(__name__, instance_path=str(ROOT / "instance"), template_folder="templates",
                static_folder="static")
    app.config.update(load_config(app.instance_path))
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(ROOT / "translations")
    if config:
        app.config.update(config)

    _import_models()
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    init_i18n(app)
    api = create_api(app)
    register_error_handlers(app)
    _register_api(app, api)
    _register_pages(app)
    _register_commands(app)
    return app


def _import_models() -> None:
    """Every model module, so metadata (and Alembic autogenerate) sees every table."""
    import common.models  # noqa: F401
    import dispatch.models  # noqa: F401
    import scheduling.models  # noqa: F401
    import technicians.models  # noqa: F401


def _register_api(app: Flask, api) -> None:
    from common.auth_api import blp as auth_blp
    from dispatch.api import blueprints as dispatch_blueprints
    from scheduling.api import blueprints as scheduling_blueprints
    from scheduling.offers_api import blueprints as slot_blueprints
    from technicians.api import blueprints as technician_blueprints

    # Bearer-token calls carry no ambient credentials, so CSRF does not apply to them ...
    for blp in [auth_blp, *dispatch_blueprints, *technician_blueprints, *scheduling_blueprints, *slot_blueprints]:
        csrf.exempt(blp)
        api.register_blueprint(blp)

    @app.before_request
    def require_csrf_header_for_cookie_api_calls():
        # ... but our own pages call the API with the session cookie, so those calls must
        # prove they come from our pages with the X-CSRFToken header.
        if (request.path.startswith("/api/") and request.method not in ("GET", "HEAD", "OPTIONS")
                and "Authorization" not in request.headers and app.config.get("WTF_CSRF_ENABLED", True)
                and current_user.is_authenticated):
            csrf.protect()


def _register_pages(app: Flask) -> None:
    from common.auth_views import bp as auth_pages
    from dispatch.ticket_views import bp as ticket_pages
    from dispatch.views import bp as dispatch_pages
    from technicians.views import bp as technician_pages

    for bp in (auth_pages, dispatch_pages, ticket_pages, technician_pages):
        app.register_blueprint(bp)

    @app.get("/")
    def home():
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login"))
        if current_user.role.value == "technician":
            return redirect(url_for("technician_pages.today"))
        return redirect(url_for("dispatch_pages.ticket_list"))


def _register_commands(app: Flask) -> None:
    from common.cli import register as register_common_commands
    from dispatch.cli import register as register_dispatch_commands
    from scheduling.cli_flask import register as register_scheduling_commands

    register_common_commands(app)
    register_dispatch_commands(app)
    register_scheduling_commands(app)
