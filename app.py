"""The Flask application factory: `flask --app app run`, `flask --app app db upgrade`, `flask --app app seed-demo`."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, redirect, request, url_for
from flask_login import current_user
from flask_migrate import Migrate
from flask_wtf import CSRFProtect

from common.api import create_api
from common.auth import authenticated_by_bearer_token, login_manager
from common.config import load_config
from common.db import db, engine_options
from common.error_handlers import register_error_handlers
from common.i18n import init_i18n
from common.input_limits import init_input_limits
from common.security import init_security
from common.throttle import init_throttle

ROOT = Path(__file__).resolve().parent
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
migrate = Migrate()
csrf = CSRFProtect()


def create_app(config: dict | None = None) -> Flask:
    """Build the app; `config` overrides settings read from the environment (used by tests)."""
    app = Flask(__name__, instance_path=str(ROOT / "instance"), template_folder="templates", static_folder="static")
    app.config.update(load_config(app.instance_path))
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(ROOT / "translations")
    if config:
        app.config.update(config)

    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(
        app.config["SQLALCHEMY_DATABASE_URI"], app.config.get("SQLALCHEMY_ENGINE_OPTIONS")
    )
    _import_models()
    _register_labels()
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    init_i18n(app)
    init_input_limits(app)
    api = create_api(app)
    register_error_handlers(app)
    init_security(app)
    _register_api(app, api)
    _register_pages(app)
    # After the views exist: it wraps the login views.
    init_throttle(app)
    _register_commands(app)
    _install_hooks()
    return app


def _install_hooks() -> None:
    """Session hooks: the dashboard's summary rows follow each flush; a commit with events wakes the sender."""
    from reporting.summary import install_summary_hooks
    from webhooks.jobs import install_commit_hooks

    install_summary_hooks()
    install_commit_hooks()


def _import_models() -> None:
    """Every model module, so metadata (and Alembic autogenerate) sees every table."""
    import common.models
    import common.outbox  # noqa: F401
    import dispatch.models
    import dispatch.remedies.models  # noqa: F401
    import reporting.models  # noqa: F401
    import scheduling.models  # noqa: F401
    import technicians.models  # noqa: F401
    import webhooks.models  # noqa: F401


def _register_labels() -> None:
    """The words each domain gives its codes, for the pages' `label` and `timeline_detail` filters."""
    import dispatch.labels
    import dispatch.message_codes
    import dispatch.remedies.labels
    import scheduling.labels
    import scheduling.message_codes
    import technicians.labels
    import technicians.message_codes
    import webhooks.labels
    import webhooks.message_codes

    dispatch.labels.register()
    dispatch.remedies.labels.register()
    technicians.labels.register()
    scheduling.labels.register()
    webhooks.labels.register()


def _register_api(app: Flask, api) -> None:
    from common.auth_api import blp as auth_blp
    from dispatch.api import blueprints as dispatch_blueprints
    from dispatch.remedies.api import blueprints as remedy_blueprints
    from reporting.api import blueprints as reporting_blueprints
    from scheduling.api import blueprints as scheduling_blueprints
    from scheduling.assignments.api import blueprints as assignment_blueprints
    from scheduling.board.api import blueprints as board_blueprints
    from scheduling.offers.api import blueprints as slot_blueprints
    from scheduling.rebalance.api import blueprints as rebalance_blueprints
    from technicians.api import blueprints as technician_blueprints
    from webhooks.api import blueprints as webhook_blueprints

    # Bearer-token calls carry no ambient credentials, so CSRF does not apply to them ...
    for blp in [
        auth_blp,
        *dispatch_blueprints,
        *remedy_blueprints,
        *technician_blueprints,
        *scheduling_blueprints,
        *slot_blueprints,
        *rebalance_blueprints,
        *reporting_blueprints,
        *board_blueprints,
        *webhook_blueprints,
        *assignment_blueprints,
    ]:
        csrf.exempt(blp)
        api.register_blueprint(blp)

    @app.before_request
    def require_csrf_token_for_cookie_api_calls():
        # ... but our own pages call the API with the session cookie, so those calls must prove they
        # come from our pages with the X-CSRFToken header, whatever other headers come with them.
        if (
            request.path.startswith("/api/")
            and request.method not in SAFE_METHODS
            and app.config.get("WTF_CSRF_ENABLED", True)
            and current_user.is_authenticated
            and not authenticated_by_bearer_token()
        ):
            csrf.protect()


def _register_pages(app: Flask) -> None:
    from common.auth_views import bp as auth_pages
    from dispatch.remedies.views import bp as remedy_pages
    from dispatch.ticket_views import bp as ticket_pages
    from dispatch.views import bp as dispatch_pages
    from reporting.views import bp as reporting_pages
    from scheduling.board.views import bp as board_pages
    from scheduling.offers.views import bp as offer_pages
    from technicians.views import bp as technician_pages
    from webhooks.views import bp as webhook_pages

    for bp in (
        auth_pages,
        dispatch_pages,
        ticket_pages,
        remedy_pages,
        technician_pages,
        reporting_pages,
        board_pages,
        webhook_pages,
        offer_pages,
    ):
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
    from demo.cli import register as register_demo_commands
    from dispatch.cli import register as register_dispatch_commands
    from reporting.cli import register as register_reporting_commands
    from scheduling.cli import register as register_scheduling_commands
    from webhooks.cli import register as register_webhook_commands

    register_common_commands(app)
    register_demo_commands(app)
    register_dispatch_commands(app)
    register_scheduling_commands(app)
    register_reporting_commands(app)
    register_webhook_commands(app)
