"""`python -m loadbench.profile_events`: what one technician status event costs the app, in CPU ms.

On a fresh PostgreSQL database with the load bench's data, it sends status events (`accepted`, `en_route`,
`arrived` per visit, each visit once, with an `Idempotency-Key`) through the app in this process (Flask's test
client: no network, no server), measures the CPU time of each request (`time.process_time`: this process
only, the database server's own work excluded), and prints the median and p90 per event and per kind, then
the functions that cost most under cProfile over a second set of events.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import statistics
import sys
import time
import uuid
from pathlib import Path

from common.scratch_database import create_scratch_database
from loadbench.__main__ import EVENT_KINDS, PASSWORD, _build_data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m loadbench.profile_events", description=__doc__)
    parser.add_argument("--pg-admin-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--visits", type=int, default=100, help="visits timed (3 events each)")
    parser.add_argument("--profiled", type=int, default=60, help="further visits run under cProfile")
    parser.add_argument("--warm-up", type=int, default=10, help="visits sent first and not counted")
    parser.add_argument("--top", type=int, default=30, help="functions shown from the profile")
    parser.add_argument(
        "--keep",
        metavar="FILE",
        help="keep the database for later runs (its URL and data in FILE), or reuse it if FILE exists, "
        "skipping the visits earlier runs used (build it with enough --visits for all of them)",
    )
    parser.add_argument("--skip", type=int, default=0, help="visits of a kept database earlier runs used")
    parser.add_argument("--dump", metavar="FILE", help="also write the profile to FILE (pstats format)")
    args = parser.parse_args(argv)

    kept = Path(args.keep) if args.keep else None
    needed = args.visits + args.profiled + args.warm_up
    if kept is not None and kept.exists():
        saved = json.loads(kept.read_text())
        database_url, data, drop = saved["database_url"], saved["data"], (lambda: None)
    else:
        database_url, drop = create_scratch_database(args.pg_admin_url, prefix="dispatch_loadbench")
        if kept is not None:
            needed, drop_now, drop = needed * 4, drop, (lambda: None)
            print(f"kept database (drop it yourself): {database_url}; {needed} visits", file=sys.stderr)
            del drop_now
    try:
        if kept is None or not kept.exists():
            data = _build_data(database_url, needed)
            if kept is not None:
                kept.write_text(json.dumps({"database_url": database_url, "data": data}))
        from app import create_app

        app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "JOBS_EAGER": True, "WTF_CSRF_ENABLED": False})
        client = app.test_client()
        tokens = {}
        for name in data["technicians"]:
            answer = client.post("/api/v1/auth/token", json={"username": name, "password": PASSWORD})
            tokens[name] = answer.get_json()["token"]
        visits = [(name, visit) for name, ids in data["event_visits"].items() for visit in ids][args.skip :]
        warm, timed = visits[: args.warm_up], visits[args.warm_up : args.warm_up + args.visits]
        profiled = visits[args.warm_up + args.visits : args.warm_up + args.visits + args.profiled]

        def send(name: str, visit: int, kind: str) -> float:
            started = time.process_time()
            answer = client.post(
                f"/api/v1/visits/{visit}/events",
                json={"type": kind},
                headers={"Authorization": f"Bearer {tokens[name]}", "Idempotency-Key": uuid.uuid4().hex},
            )
            spent = time.process_time() - started
            if answer.status_code != 201:
                raise SystemExit(f"{kind} for visit {visit}: {answer.status_code} {answer.get_data(as_text=True)}")
            return spent * 1000

        for name, visit in warm:
            for kind in EVENT_KINDS:
                send(name, visit, kind)
        costs: dict[str, list[float]] = {kind: [] for kind in EVENT_KINDS}
        for name, visit in timed:
            for kind in EVENT_KINDS:
                costs[kind].append(send(name, visit, kind))
        every = [ms for kind in EVENT_KINDS for ms in costs[kind]]
        print(f"CPU ms per status event, app process only ({len(every)} events, {len(timed)} visits):")
        print(f"  all       median {statistics.median(every):6.2f}  p90 {_p90(every):6.2f}")
        for kind in EVENT_KINDS:
            print(f"  {kind:<9} median {statistics.median(costs[kind]):6.2f}  p90 {_p90(costs[kind]):6.2f}")

        profile = cProfile.Profile(time.process_time)  # CPU, not the wait for the database
        profile.enable()
        for name, visit in profiled:
            for kind in EVENT_KINDS:
                send(name, visit, kind)
        profile.disable()
        if args.dump:
            profile.dump_stats(args.dump)
        for order in ("cumulative", "tottime"):
            out = io.StringIO()
            pstats.Stats(profile, stream=out).strip_dirs().sort_stats(order).print_stats(args.top)
            print(f"\n--- cProfile over {len(profiled) * len(EVENT_KINDS)} events, by {order}:")
            print(out.getvalue().split("\n\n", 1)[-1].rstrip())
        with app.app_context():
            from common.db import db

            db.engine.dispose()
    finally:
        drop()
    return 0


def _p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10)[-1] if len(values) >= 10 else max(values)


if __name__ == "__main__":
    sys.exit(main())
