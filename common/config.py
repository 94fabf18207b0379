"""Configuration read from the environment, with defaults that run out of the box."""
from __future__ import annotations

import os
from pathlib import Path


def load_config(instance_path: str) -> dict:
    """Settings for `create_app`; every value can be overridden by an environment variable."""
    Path(instance_path).mkdir(parents=True, exist_ok=True)
    default_db = "sqlite:///" + str(Path(instance_path) / "dispatch.db")
    return {
        "SQLALCHEMY_DATABASE_URI": os.environ.get("DATABASE_URL", default_db),
        "SECRET_KEY": os.environ.get("SECRET_KEY", "dev-only-change-me"),
        "TIMEZONE": os.environ.get("TIMEZONE", "Asia/Shanghai"),
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        # The solve queue's name; empty means "solve-<database name>" (see common.jobs.queue_name).
        "JOB_QUEUE": os.environ.get("JOB_QUEUE", ""),
        # Without a worker running, solve jobs run in the web process (fine for the demo).
        "JOBS_EAGER": os.environ.get("JOBS_EAGER", "1") == "1",
        "UPLOAD_DIR": os.environ.get("UPLOAD_DIR", str(Path(instance_path) / "uploads")),
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_CONTENT_LENGTH", 16 * 1024 * 1024)),
        # A technician's page may queue actions offline for hours; its CSRF token must outlive that.
        "WTF_CSRF_TIME_LIMIT": None,
        "API_TOKEN_TTL_HOURS": int(os.environ.get("API_TOKEN_TTL_HOURS", 12)),
        # Answers kept for Idempotency-Key retries; a phone's offline queue may resend a day or two later.
        "IDEMPOTENCY_KEEP_HOURS": int(os.environ.get("IDEMPOTENCY_KEEP_HOURS", 72)),
        "BABEL_DEFAULT_LOCALE": os.environ.get("BABEL_DEFAULT_LOCALE", "zh_CN"),
        "BABEL_DEFAULT_TIMEZONE": os.environ.get("TIMEZONE", "Asia/Shanghai"),
        # flask-smorest / OpenAPI
        "API_TITLE": "Field-service dispatch API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api",
        "OPENAPI_JSON_PATH": "openapi.json",
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        # Business rules (DESIGN.md defaults)
        "FOLLOW_UP_WINDOW": (10, 18),
        "FOLLOW_UP_MAX_ATTEMPTS": 3,
        "FOLLOW_UP_MIN_SPACING_H": 2,
        "QUOTA_UNDER_3000": int(os.environ.get("QUOTA_UNDER_3000", 1)),
    }
