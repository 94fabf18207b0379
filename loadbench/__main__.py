"""`python -m loadbench`: the app behind gunicorn on a fresh PostgreSQL database, under 1, 8 and 32 clients.

It prints throughput and p50/p99 latency for technicians' status events, CS's slot offers and the
ticket list. Everything runs on this machine (the server on 127.0.0.1), bounded in requests and time.
By default each client sends as fast as it is answered (the server's saturation); `--rate 150` offers
150 requests/s in all, spread over the clients, and counts each latency from when its request was due.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

from common.scratch_database import create_scratch_database
from loadbench import cpu
from loadbench.client import Step, run_level

ROOT = Path(__file__).resolve().parent.parent
EVENT_KINDS = ("accepted", "en_route", "arrived")
SCENARIOS = ("status_events", "slot_offers", "ticket_list")
PASSWORD = "demo-pass"


def main(argv: list[str] | None = None) -> int:
    """Build the data, start gunicorn, run every scenario at every client count, print the figures."""
    parser = argparse.ArgumentParser(prog="python -m loadbench", description=__doc__)
    parser.add_argument(
        "--pg-admin-url",
        default="postgresql://postgres@127.0.0.1:5432/postgres",
        help="where to create (and afterwards drop) the bench database",
    )
    parser.add_argument("--clients", default="1,8,32", help="comma-separated client counts")
    parser.add_argument("--requests", type=int, default=600, help="at most this many requests per level")
    parser.add_argument("--seconds", type=float, default=20.0, help="at most this long per level")
    parser.add_argument(
        "--rate",
        type=float,
        default=None,
        help="offer this many requests/s per level in all (an open loop) instead of sending as fast as answered",
    )
    parser.add_argument("--scenarios", default=",".join(SCENARIOS))
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (default: scripts/serve's)")
    parser.add_argument("--threads", type=int, default=None, help="gunicorn threads per worker")
    parser.add_argument("--keep", action="store_true", help="keep the database and server up (prints their URLs)")
    args = parser.parse_args(argv)
    levels = [int(c) for c in args.clients.split(",") if c.strip()]
    scenarios = [s for s in args.scenarios.split(",") if s.strip()]
    visits_needed = 0
    if "status_events" in scenarios:  # every level takes fresh visits; the last batches may overrun the count
        visits_needed = (args.requests // len(EVENT_KINDS) + max(levels)) * len(levels)

    database_url, drop = create_scratch_database(args.pg_admin_url, prefix="dispatch_loadbench")
    server = None
    try:
        data = _build_data(database_url, visits_needed)
        port = _free_port()
        server = _start_server(database_url, port, workers=args.workers, threads=args.threads)
        base_url = f"http://127.0.0.1:{port}"
        _wait_until_up(base_url)
        tokens = {name: _token(base_url, name) for name in [*data["technicians"], data["cs_user"]]}
        print(f"gunicorn: {server.args_text}; python {sys.version.split()[0]}; {os.cpu_count()} cores")
        event_batches = _status_event_batches(data, tokens)
        for scenario in scenarios:
            for clients in levels:
                work = {
                    "status_events": lambda: event_batches,
                    "slot_offers": lambda: _offer_batches(data, tokens),
                    "ticket_list": lambda: _ticket_list_batches(data, tokens),
                }[scenario]
                cpu_before = cpu.snapshot(server.pid) if cpu.available() else None
                result = run_level(
                    base_url,
                    scenario,
                    clients,
                    work,
                    max_requests=args.requests,
                    max_seconds=args.seconds,
                    rate=args.rate,
                )
                print(result.line(), flush=True)
                if cpu_before is not None:
                    after = cpu.snapshot(server.pid)
                    print(cpu.summary(cpu_before, after, requests=result.requests, seconds=result.seconds), flush=True)
        if args.keep:
            print(f"kept: {base_url} on {database_url}")
            return 0
    finally:
        if server is not None and not args.keep:
            server.stop()
        if not args.keep:
            drop()
    return 0


def _status_event_batches(data: dict, tokens: dict) -> Iterator[list[Step]]:
    # Shared across levels: each visit's three events are sent once, in order, by one client.
    by_technician = [[(name, visit) for visit in visits] for name, visits in data["event_visits"].items()]
    for name, visit in (pair for row in itertools.zip_longest(*by_technician) for pair in row if pair):
        yield [("POST", f"/api/v1/visits/{visit}/events", {"type": kind}, tokens[name]) for kind in EVENT_KINDS]


def _offer_batches(data: dict, tokens: dict) -> Iterator[list[Step]]:
    for visit in itertools.cycle(data["offer_visits"]):
        yield [("GET", f"/api/v1/visits/{visit}/slots?days=3", None, tokens[data["cs_user"]])]


def _ticket_list_batches(data: dict, tokens: dict) -> Iterator[list[Step]]:
    for page in itertools.cycle(range(1, 6)):
        yield [("GET", f"/api/v1/tickets?page={page}&page_size=20", None, tokens[data["cs_user"]])]


def _build_data(database_url: str, event_visits: int) -> dict:
    """Build the data set in a child process, so this process holds no app, numba or database state."""
    code = (
        "import dataclasses, json, sys; from app import create_app; from loadbench.data import build\n"
        "with create_app({'SQLALCHEMY_DATABASE_URI': sys.argv[1]}).app_context():\n"
        "    print(json.dumps(dataclasses.asdict(build(event_visits=int(sys.argv[2])))))"
    )
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code, database_url, str(event_visits)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "JOBS_EAGER": "1"},
    )
    print(f"data: demo + {event_visits} visits for today in {time.perf_counter() - started:.0f} s", flush=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


class _Server:
    def __init__(self, process: subprocess.Popen, args_text: str):
        self.process, self.args_text = process, args_text

    @property
    def pid(self) -> int:
        return self.process.pid

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


def _start_server(database_url: str, port: int, *, workers: int | None, threads: int | None) -> _Server:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "BIND": f"127.0.0.1:{port}",
        "ACCESS_LOG": "",
        "VENV": str(Path(sys.executable).parent.parent),
        "SECRET_KEY": uuid.uuid4().hex,
        "RATELIMIT_KEY_PREFIX": f"loadbench-{port}",
    }
    if workers:
        env["WEB_WORKERS"] = str(workers)
    if threads:
        env["WEB_THREADS"] = str(threads)
    process = subprocess.Popen([str(ROOT / "scripts" / "serve")], cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    shown = f"scripts/serve, {env.get('WEB_WORKERS', os.cpu_count())} workers x {env.get('WEB_THREADS', 4)} threads"
    return _Server(process, shown)


def _wait_until_up(base_url: str, timeout_s: float = 90) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base_url + "/login", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the server at {base_url} did not come up within {timeout_s:.0f} s")


def _token(base_url: str, username: str) -> str:
    body = json.dumps({"username": username, "password": PASSWORD}).encode()
    call = urllib.request.Request(
        base_url + "/api/v1/auth/token", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(call, timeout=10) as response:
        return json.loads(response.read())["token"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


if __name__ == "__main__":
    sys.exit(main())
