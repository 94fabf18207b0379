"""A real HTTP receiver for webhook tests: http.server in a thread on 127.0.0.1, on a free port."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes

    @property
    def message_id(self) -> str:
        return self.headers["webhook-id"]


@dataclass
class Receiver:
    """Records every POST; answers with the next status of `script` (then `default_status`) after `delay_s`."""

    url: str = ""
    script: list[int] = field(default_factory=list)
    default_status: int = 200
    delay_s: float = 0.0
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, request: Received) -> int:
        with self.lock:
            self.received.append(request)
            return self.script.pop(0) if self.script else self.default_status

    def unique_ids(self) -> list[str]:
        """The message ids in the order first received: what a de-duplicating receiver keeps."""
        seen: list[str] = []
        for request in self.received:
            if request.message_id not in seen:
                seen.append(request.message_id)
        return seen


def start_receiver(**options) -> tuple[Receiver, ThreadingHTTPServer]:
    receiver = Receiver(**options)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            status = receiver.answer(Received(headers={k.lower(): v for k, v in self.headers.items()}, body=body))
            if receiver.delay_s:
                time.sleep(receiver.delay_s)
            try:
                self.send_response(status)
                self.send_header("content-type", "text/plain")
                self.end_headers()
                self.wfile.write(b"ok" if status < 300 else b"receiver says no")
            except (BrokenPipeError, ConnectionResetError):
                pass  # the sender gave up waiting (the slow-receiver test)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    receiver.url = f"http://127.0.0.1:{server.server_port}/hooks"
    return receiver, server
