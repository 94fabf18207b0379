"""Configuration read from the environment, with defaults that run out of the box."""

from __future__ import annotations

import json
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
        # A running solve job's lease, renewed by its worker every third of it: a job whose worker died is
        # taken by another worker once it runs out. Idle workers look for such jobs (and for queued jobs
        # whose message Redis lost) every JOB_MAINTENANCE_S.
        "JOB_LEASE_S": int(os.environ.get("JOB_LEASE_S", 30)),
        "JOB_MAINTENANCE_S": int(os.environ.get("JOB_MAINTENANCE_S", 15)),
        # Until the ruin-and-recreate search is compiled, a solve starts compiling it in the background
        # (minutes of CPU); 0 leaves that to `python -m scheduling.core.ruin_and_recreate`.
        "SOLVE_WARM_UP": os.environ.get("SOLVE_WARM_UP", "1") == "1",
        # Without a worker running, solve jobs run in the web process (fine for the demo).
        "JOBS_EAGER": os.environ.get("JOBS_EAGER", "1") == "1",
        "UPLOAD_DIR": os.environ.get("UPLOAD_DIR", str(Path(instance_path) / "uploads")),
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_CONTENT_LENGTH", 16 * 1024 * 1024)),
        # A technician's page may queue actions offline for hours; its CSRF token must outlive that.
        "WTF_CSRF_TIME_LIMIT": None,
        "API_TOKEN_TTL_HOURS": int(os.environ.get("API_TOKEN_TTL_HOURS", 12)),
        # Answers kept for Idempotency-Key retries; a phone's offline queue may resend a day or two later.
        "IDEMPOTENCY_KEEP_HOURS": int(os.environ.get("IDEMPOTENCY_KEEP_HOURS", 72)),
        # The day board reloads its data this often to follow the technicians' status events.
        "BOARD_POLL_MS": int(os.environ.get("BOARD_POLL_MS", 5000)),
        "BABEL_DEFAULT_LOCALE": os.environ.get("BABEL_DEFAULT_LOCALE", "zh_CN"),
        "BABEL_DEFAULT_TIMEZONE": os.environ.get("TIMEZONE", "Asia/Shanghai"),
        # flask-smorest / OpenAPI
        "API_TITLE": "Field-service dispatch API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api",
        "OPENAPI_JSON_PATH": "openapi.json",
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        # Served over HTTPS (usually a proxy that terminates TLS): Secure cookies and HSTS.
        "HTTPS": os.environ.get("HTTPS", "0") == "1",
        # How many reverse proxies stand in front of the app and set X-Forwarded-For / -Proto.
        "TRUSTED_PROXIES": int(os.environ.get("TRUSTED_PROXIES", 0)),
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        # Failed logins: counted on Redis (RATELIMIT_STORAGE_URI, else REDIS_URL), in memory without it.
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI"),
        "RATELIMIT_KEY_PREFIX": os.environ.get("RATELIMIT_KEY_PREFIX", "dispatch"),
        "LOGIN_LIMIT_PER_ACCOUNT": os.environ.get("LOGIN_LIMIT_PER_ACCOUNT", "5 per minute;20 per hour"),
        "LOGIN_LIMIT_PER_ADDRESS": os.environ.get("LOGIN_LIMIT_PER_ADDRESS", "20 per minute;100 per hour"),
        # Seconds a client is told to wait when the database or the job queue is down.
        "UNAVAILABLE_RETRY_AFTER_S": int(os.environ.get("UNAVAILABLE_RETRY_AFTER_S", 10)),
        # Business rules (docs/rules.md)
        "FOLLOW_UP_WINDOW": (10, 18),
        "FOLLOW_UP_MAX_ATTEMPTS": 3,
        "FOLLOW_UP_MIN_SPACING_H": 2,
        "QUOTA_UNDER_3000": int(os.environ.get("QUOTA_UNDER_3000", 1)),
        # Where returned units go, by product category, over dispatch/remedies/rules.py's defaults (JSON in the env).
        "RETURN_WAREHOUSES": json.loads(os.environ.get("RETURN_WAREHOUSES") or "{}"),
        # Webhooks: receivers on this machine's loopback are refused unless allowed (local test receivers);
        # the app's own host:port is refused always.
        "WEBHOOK_ALLOW_LOOPBACK": os.environ.get("WEBHOOK_ALLOW_LOOPBACK", "0") == "1",
        "WEBHOOK_OWN_HOSTS": [h for h in os.environ.get("WEBHOOK_OWN_HOSTS", "").split(",") if h.strip()],
        "WEBHOOK_QUEUE": os.environ.get("WEBHOOK_QUEUE", ""),  # empty: "webhooks-<database label>"
        "WEBHOOK_CONNECT_TIMEOUT_S": float(os.environ.get("WEBHOOK_CONNECT_TIMEOUT_S", 3)),
        "WEBHOOK_READ_TIMEOUT_S": float(os.environ.get("WEBHOOK_READ_TIMEOUT_S", 5)),
        "WEBHOOK_RETRY_HOURS": float(os.environ.get("WEBHOOK_RETRY_HOURS", 24)),
    }
