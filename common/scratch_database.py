"""A PostgreSQL database made for one bench run and dropped after it (the benches never touch a real one)."""

from __future__ import annotations

import uuid
from collections.abc import Callable


def create_scratch_database(admin_url: str, *, prefix: str) -> tuple[str, Callable[[], None]]:
    """Create `<prefix>_<random>` through `admin_url`; its SQLAlchemy URL and a function that drops it."""
    import psycopg

    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    base, _, _ = admin_url.rpartition("/")
    url = base.replace("postgresql://", "postgresql+psycopg://", 1) + "/" + name

    def drop() -> None:
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return url, drop
