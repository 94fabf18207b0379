"""A small threaded HTTP client: N clients, each on its own keep-alive connection, bounded in count and time.

Closed loop by default (each client sends its next request as soon as the last is answered: the server's
saturation). With a rate it is an open loop: requests are due at a fixed pace whatever the answers, and a
request's latency runs from when it was due, so a server that falls behind shows it in its p99 (the queue
the clients could not send is counted, not hidden: no coordinated omission).
"""

from __future__ import annotations

import http.client
import itertools
import json
import statistics
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

# A step: (method, path, JSON body or None, Bearer token).
Step = tuple[str, str, dict | None, str]


@dataclass(frozen=True)
class LevelResult:
    scenario: str
    clients: int
    requests: int
    errors: int
    seconds: float
    p50_ms: float
    p99_ms: float
    first_error: str | None
    rate: float | None = None  # requests/s offered, None for a closed loop

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def line(self) -> str:
        error = f"  first error: {self.first_error}" if self.first_error else ""
        offered = f"  at {self.rate:5.0f}/s" if self.rate else "  closed  "
        return (
            f"{self.scenario:<14} {self.clients:>3} clients{offered}  {self.requests:>5} requests in {self.seconds:5.1f} s"
            f"  {self.per_second:7.1f}/s  p50 {self.p50_ms:6.1f} ms  p99 {self.p99_ms:7.1f} ms"
            f"  errors {self.errors}{error}"
        )


def request(connection: http.client.HTTPConnection, step: Step) -> tuple[int, bytes]:
    """Send one step on a kept-alive connection; its status and body.

    A POST carries a fresh `Idempotency-Key`, as the technicians' phones send every event."""
    method, path, body, token = step
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    if method == "POST":
        headers["Idempotency-Key"] = uuid.uuid4().hex
    payload = None
    if body is not None:
        payload = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    connection.request(method, path, body=payload, headers=headers)
    response = connection.getresponse()
    return response.status, response.read()


def run_level(
    base_url: str,
    scenario: str,
    clients: int,
    work: Callable[[], Iterator[list[Step]]],
    *,
    max_requests: int,
    max_seconds: float,
    rate: float | None = None,
) -> LevelResult:
    """Run `clients` threads that take batches of steps from `work` until `max_requests` or `max_seconds`.

    A batch (e.g. one visit's accepted, en_route, arrived) is sent in order by one client. The
    figures count every request sent, client time included, from the first start to the last answer.
    With `rate`, request i is due at i / rate seconds from the start (whichever client is free sends it)
    and its latency is counted from then.
    """
    parts = urlsplit(base_url)
    batches = work()
    lock = threading.Lock()
    latencies: list[float] = []
    errors: list[str] = []
    sent = [0]
    due_count = itertools.count()
    started = time.perf_counter()
    deadline = started + max_seconds

    def due_time() -> float:
        # closed loop: a request is due when its client is ready to send it
        if rate is None:
            return time.perf_counter()
        with lock:
            due = started + next(due_count) / rate
        time.sleep(max(0.0, due - time.perf_counter()))
        return due

    def next_batch() -> list[Step] | None:
        with lock:
            if sent[0] >= max_requests or time.perf_counter() >= deadline:
                return None
            batch = next(batches, None)
            if batch is not None:
                sent[0] += len(batch)
            return batch

    def client() -> None:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        mine: list[float] = []
        try:
            while (batch := next_batch()) is not None:
                for step in batch:
                    t0 = due_time()
                    try:
                        status, body = request(connection, step)
                    except (OSError, http.client.HTTPException) as error:
                        connection.close()
                        status, body = 0, str(error).encode()
                    mine.append(time.perf_counter() - t0)
                    if not 200 <= status < 300:
                        with lock:
                            errors.append(f"{step[0]} {step[1]} -> {status} {body[:200].decode(errors='replace')}")
        finally:
            connection.close()
            with lock:
                latencies.extend(mine)

    threads = [threading.Thread(target=client, name=f"client-{i}") for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    ordered = sorted(latencies)
    p50 = statistics.median(ordered) * 1000 if ordered else 0.0
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000 if ordered else 0.0
    return LevelResult(
        scenario=scenario,
        clients=clients,
        requests=len(ordered),
        errors=len(errors),
        seconds=seconds,
        p50_ms=p50,
        p99_ms=p99,
        first_error=errors[0] if errors else None,
        rate=rate,
    )
