"""`python -m loadbench.profile`: what one technician status event costs the app, in CPU, on PostgreSQL.

The load bench measures throughput through gunicorn, where the client, the server and PostgreSQL share the
machine's cores. This measures the app's own share: the same events sent in-process (Flask's test client),
timed by this process's CPU clock, so other load on the machine changes the figures much less. With
`--profile` it prints the functions that cost the most, which is where to cut.
"""

from __future__ import annotations

import argparse
import cProfile
import itertools
import pstats
import statistics
import time
import uuid

from loadbench.__main__ import EVENT_KINDS, PASSWORD, _create_database


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m loadbench.profile", description=__doc__)
    parser.add_argument("--pg-admin-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--visits", type=int, default=200, help="visits to report on (three events each)")
    parser.add_argument("--profile", action="store_true", help="print the 25 costliest functions (cumulative)")
    parser.add_argument("--sort", default="cumulative", help="pstats sort key for --profile (e.g. tottime)")
    parser.add_argument("--sql", action="store_true", help="print the SQL statements of one visit's events")
    args = parser.parse_args(argv)

    database_url, drop = _create_database(args.pg_admin_url)
    try:
        from app import create_app
        from loadbench.data import build

        app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "JOBS_EAGER": True})
        with app.app_context():
            data = build(event_visits=args.visits)
        client = app.test_client()
        tokens = {}
        for name in data.technicians:
            answer = client.post("/api/v1/auth/token", json={"username": name, "password": PASSWORD})
            tokens[name] = answer.get_json()["token"]
        pairs = [
            (name, visit)
            for row in itertools.zip_longest(*[[(n, v) for v in vs] for n, vs in data.event_visits.items()])
            for name, visit in (p for p in row if p)
        ]
        # The first few warm the caches (templates, compiled SQL, connection pool); they are not counted.
        warm, timed = pairs[:10], pairs[10:]
        for name, visit in warm:
            _send_events(client, tokens[name], visit)
        if args.sql:
            _print_statements(app, client, tokens, timed.pop())
        profiler = cProfile.Profile() if args.profile else None
        cpu_ms, wall_ms, statuses = [], [], {}
        for name, visit in timed:
            for kind in EVENT_KINDS:
                cpu0, wall0 = time.process_time(), time.perf_counter()
                if profiler:
                    profiler.enable()
                answer = client.post(
                    f"/api/v1/visits/{visit}/events",
                    json={"type": kind},
                    headers={"Authorization": f"Bearer {tokens[name]}", "Idempotency-Key": uuid.uuid4().hex},
                )
                if profiler:
                    profiler.disable()
                cpu_ms.append((time.process_time() - cpu0) * 1000)
                wall_ms.append((time.perf_counter() - wall0) * 1000)
                statuses[answer.status_code] = statuses.get(answer.status_code, 0) + 1
        print(f"status events: {len(cpu_ms)} sent, answers {dict(sorted(statuses.items()))}")
        print(
            f"app CPU per event: median {statistics.median(cpu_ms):.1f} ms, "
            f"p90 {statistics.quantiles(cpu_ms, n=10)[-1]:.1f} ms; "
            f"wall (with PostgreSQL): median {statistics.median(wall_ms):.1f} ms"
        )
        if profiler:
            pstats.Stats(profiler).sort_stats(args.sort).print_stats(25)
    finally:
        drop()
    return 0


def _print_statements(app, client, tokens: dict, pair: tuple[str, int]) -> None:
    from sqlalchemy import event

    from common.db import db

    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append(" ".join(statement.split())[:160])

    event.listen(engine, "before_cursor_execute", record)
    try:
        _send_events(client, tokens[pair[0]], pair[1])
    finally:
        event.remove(engine, "before_cursor_execute", record)
    print(f"SQL for one visit's {len(EVENT_KINDS)} events: {len(statements)} statements")
    for statement in statements:
        print("  ", statement)


def _send_events(client, token: str, visit: int) -> None:
    for kind in EVENT_KINDS:
        client.post(
            f"/api/v1/visits/{visit}/events",
            json={"type": kind},
            headers={"Authorization": f"Bearer {token}", "Idempotency-Key": uuid.uuid4().hex},
        )


if __name__ == "__main__":
    raise SystemExit(main())
