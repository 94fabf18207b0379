"""Send the same request from several threads at once, each with its own app context, session and connection."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any


def at_once(app, count: int, send: Callable[[Any], Any], *, timeout_s: float = 120) -> list[tuple[int, dict]]:
    """Run `send(test_client)` in `count` threads released together; their (status, JSON) answers."""
    start = threading.Barrier(count, timeout=timeout_s)
    answers: list[tuple[int, dict]] = []
    lock = threading.Lock()

    def run() -> None:
        with app.app_context():
            client = app.test_client()
            start.wait()
            response = send(client)
            with lock:
                answers.append((response.status_code, response.get_json()))

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout_s)
    assert len(answers) == count, "a request did not finish"
    return answers


def statuses(answers: list[tuple[int, dict]]) -> list[int]:
    return sorted(code for code, _ in answers)
