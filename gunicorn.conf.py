"""gunicorn settings used by scripts/serve; every value can be set from the environment."""

from __future__ import annotations

import os

# One process per core runs Python; threads cover the time a request waits on the database.
bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_WORKERS") or os.cpu_count() or 1)
threads = int(os.environ.get("WEB_THREADS", 4))
worker_class = "gthread"
# Load the app once in the master: workers share its memory (and the compiled search, see below).
preload_app = os.environ.get("WEB_PRELOAD", "1") == "1"
timeout = int(os.environ.get("WEB_TIMEOUT", 60))
graceful_timeout = 30
keepalive = 5
accesslog = os.environ.get("ACCESS_LOG", "-") or None
errorlog = "-"


def on_starting(server) -> None:
    """With solve jobs run in the web process, load the numba search before forking, so no worker compiles it."""
    if preload_app and os.environ.get("JOBS_EAGER", "1") == "1":
        from scheduling.core.ruin_and_recreate import driver as search

        if search.is_compiled():
            search.warm_up()
