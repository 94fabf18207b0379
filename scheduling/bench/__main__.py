"""`python -m scheduling.bench solomon|field|slots|rebalance ...`: solve, check every plan, print the figures."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

# The public instances are kept in the repository: the bench works in a plain clone.
BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def main(argv: list[str] | None = None) -> int:
    """Run one benchmark; the exit code is 1 when a plan fails the checker or leaves visits unserved."""
    parser = argparse.ArgumentParser(prog="python -m scheduling.bench", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    solomon = commands.add_parser("solomon", help="Solomon VRPTW 100-customer instances against bks.csv")
    solomon.add_argument(
        "--instances",
        default=str(BENCHMARKS / "solomon"),
        help="the benchmark folder (holding instances/ and bks.csv) or its instances/ folder",
    )
    solomon.add_argument("--time-limit", type=float, default=10.0, help="seconds per instance")
    solomon.add_argument("--only", default="", help="comma-separated instance names, e.g. C101,R101")
    solomon.add_argument("--out", default=None, help="write DIR/<INSTANCE>.json with the routes and distance")
    solomon.add_argument("--workers", type=int, default=None, help="parallel search workers per solve")
    solomon.add_argument(
        "--peers",
        default="",
        help="comma-separated other solvers to run on the same instances and time limit (pyvrp; needs "
        "requirements-bench.txt)",
    )
    field = commands.add_parser("field", help="a generated day of field service in Shanghai")
    field.add_argument("--technicians", type=int, default=50)
    field.add_argument("--visits", type=int, default=500)
    field.add_argument("--seed", type=int, default=1)
    field.add_argument("--time-limit", type=float, default=30.0, help="seconds for the solve")
    field.add_argument("--workers", type=int, default=None, help="parallel search workers")
    slots = commands.add_parser("slots", help="offer slots and book them, then re-plan: offer time and promises kept")
    slots.add_argument("--technicians", type=int, default=50)
    slots.add_argument("--visits", type=int, default=400, help="visits booked one after the other")
    slots.add_argument("--days", type=int, default=7)
    slots.add_argument("--seed", type=int, default=1)
    slots.add_argument("--time-limit", type=float, default=10.0, help="seconds for each day's re-plan")
    slots.add_argument(
        "--backend",
        choices=("core", "sqlite", "postgresql"),
        default="core",
        help="core: the pure core only, then a re-plan of each day (promises kept); sqlite/postgresql: "
        "GET /api/v1/visits/<id>/slots through the app on a fresh database holding the booked week",
    )
    slots.add_argument("--requests", type=int, default=100, help="offer requests timed (with --backend)")
    slots.add_argument(
        "--compare", action="store_true", help="time the previous (ORM) loader, then the row loader, in one run"
    )
    slots.add_argument("--profile", action="store_true", help="print the cProfile top functions of the last pass")
    slots.add_argument(
        "--offers-out",
        help="write every asked visit's offers (JSON, with each loader) to this file, to compare two versions",
    )
    slots.add_argument("--pg-admin-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    rebalance = commands.add_parser("rebalance", help="an event during a generated day: answer time, moves, promises")
    rebalance.add_argument("--technicians", type=int, default=50)
    rebalance.add_argument("--visits", type=int, default=500)
    rebalance.add_argument("--seed", type=int, default=1)
    rebalance.add_argument("--event", choices=("out", "overrun", "urgent", "cancel", "added"), default="out")
    rebalance.add_argument("--at", default="11:00", help="the moment of the event, HH:MM")
    rebalance.add_argument("--minutes", type=int, default=60, help="how long the overrun is")
    rebalance.add_argument("--runs", type=int, default=3, help="rebalances timed; the median is printed")
    rebalance.add_argument(
        "--scratch-time-limit",
        type=float,
        default=10.0,
        help="seconds for the from-scratch re-solve it is compared with",
    )
    rebalance.add_argument(
        "--engine",
        choices=("auto", "ruin_and_recreate", "ortools"),
        default="auto",
        help="the search after the insertion (default: ruin_and_recreate once compiled, else ortools)",
    )
    iterations = commands.add_parser(
        "iterations",
        help="iterations per second of the compiled search, on a fixed field day with a fixed iteration budget",
    )
    iterations.add_argument("--technicians", type=int, default=50)
    iterations.add_argument("--visits", type=int, default=500)
    iterations.add_argument("--seed", type=int, default=1)
    iterations.add_argument("--iterations", type=int, default=20000, help="iterations per run")
    iterations.add_argument("--repeat", type=int, default=3, help="runs; the fastest is reported")
    args = parser.parse_args(argv)
    if args.command == "rebalance":
        from scheduling.bench.rebalance import run as run_rebalance

        result = run_rebalance(
            args.technicians,
            args.visits,
            args.seed,
            args.event,
            args.at,
            runs=args.runs,
            scratch_time_limit_s=args.scratch_time_limit,
            minutes=args.minutes,
            engine=args.engine,
        )
        return 0 if all(result["goals"].values()) else 1

    if args.command == "solomon":
        from scheduling.bench.solomon import run

        only = [name.strip() for name in args.only.split(",") if name.strip()]
        results = run(
            args.instances,
            time_limit_s=args.time_limit,
            only=only or None,
            out=args.out,
            workers=args.workers,
            peers=tuple(peer.strip() for peer in args.peers.split(",") if peer.strip()),
        )
        return 0 if results and all(r.ok for r in results) else 1
    if args.command == "iterations":
        from scheduling.bench.iterations import run as run_iterations

        run_iterations(args.technicians, args.visits, args.seed, iterations=args.iterations, repeat=args.repeat)
        return 0
    if args.command == "slots" and args.backend != "core":
        from scheduling.bench.slots_app import run as run_slots_app

        run_slots_app(
            args.technicians,
            args.visits,
            args.days,
            args.seed,
            backend=args.backend,
            requests=args.requests,
            compare=args.compare,
            profile=args.profile,
            offers_out=args.offers_out,
            pg_admin_url=args.pg_admin_url,
        )
        return 0
    if args.command == "slots":
        from scheduling.bench.slots import run as run_slots

        result = run_slots(args.technicians, args.visits, args.days, args.seed, time_limit_s=args.time_limit)
        return 0 if not result["violations"] and result["kept"] == result["booked"] else 1
    from scheduling.bench.field import run

    result = run(args.technicians, args.visits, args.seed, time_limit_s=args.time_limit, workers=args.workers)
    return 0 if result["feasible"] else 1


if __name__ == "__main__":
    sys.exit(main())
