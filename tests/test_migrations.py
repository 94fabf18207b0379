"""The committed Alembic revisions build exactly the models' schema, on SQLite and on PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from tests.services import create_postgres_database

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def test_revisions_form_a_single_line_of_history():
    config = Config(str(MIGRATIONS / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS))
    heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) == 1, f"several heads {heads}: merge them with `flask db merge`"


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database_url(request, tmp_path):
    if request.param == "sqlite":
        yield "sqlite:///" + str(tmp_path / "empty.db")
        return
    url, drop = create_postgres_database()
    yield url
    drop()


def test_upgrade_on_an_empty_database_yields_the_models_schema(empty_database_url):
    from flask_migrate import downgrade, upgrade

    from app import create_app
    from common.db import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url, "TESTING": True})
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
        assert differences == [], "models and migrations disagree; run `flask db migrate` and review it"
        # The way back works too, so a bad deploy can be rolled back.
        downgrade(revision="base")
        upgrade()
        db.engine.dispose()


def test_postgresql_refuses_overlapping_visits_of_one_technician_after_upgrade():
    """The backstop behind the booking lock exists in a migrated PostgreSQL database."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from app import create_app
    from common.db import db

    url, drop = create_postgres_database()
    try:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
        with app.app_context():
            upgrade()
            found = db.session.scalar(
                text("SELECT count(*) FROM pg_constraint WHERE conname = 'ex_visits_technician_no_overlap'")
            )
            db.session.remove()
            db.engine.dispose()
        assert found == 1
    finally:
        drop()
