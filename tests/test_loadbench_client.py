"""The load bench's client: what it sends and how it counts a server that falls behind."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from loadbench.client import Step, run_level

ANSWER_S = 0.05


class _SlowServer(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    seen_keys: list[str | None] = []

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        type(self).seen_keys.append(self.headers.get("Idempotency-Key"))
        time.sleep(ANSWER_S)
        self.send_response(201)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def slow_server() -> Iterator[str]:
    _SlowServer.seen_keys = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _SlowServer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _events() -> Iterator[list[Step]]:
    while True:
        yield [("POST", "/api/v1/visits/1/events", {"type": "accepted"}, "token")]


def test_every_posted_event_carries_its_own_idempotency_key(slow_server):
    result = run_level(slow_server, "status_events", 2, _events, max_requests=6, max_seconds=30)

    assert result.errors == 0 and result.requests == 6
    keys = _SlowServer.seen_keys
    assert len(keys) == 6 and None not in keys and len(set(keys)) == 6


def test_at_a_rate_the_server_cannot_keep_the_wait_for_a_turn_is_counted(slow_server):
    # One client, one answer per 50 ms at best, 100 requests/s offered: request i is due at i x 10 ms and
    # answered no sooner than (i + 1) x 50 ms, so the last of 20 waited at least 810 ms since it was due.
    paced = run_level(slow_server, "status_events", 1, _events, max_requests=20, max_seconds=30, rate=100)

    assert paced.requests == 20 and paced.rate == 100
    assert paced.p99_ms >= 20 * ANSWER_S * 1000 - 19 * 10
    assert "at   100/s" in paced.line()
