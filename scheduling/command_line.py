"""`python -m scheduling solve|check|rebalance`: the scheduling core on JSON files, with no Flask and no database."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, TextIO

EXIT_OK, EXIT_VIOLATIONS, EXIT_BAD_INPUT = 0, 1, 2
AUTO = "auto"


def main(argv: list[str] | None = None) -> int:
    """Run one command; returns the process exit code."""
    parser = argparse.ArgumentParser(prog="python -m scheduling", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    solve = commands.add_parser("solve", help="plan a day: problem.json in, plan.json out on stdout")
    solve.add_argument("problem", help="problem.json, or - for stdin")
    solve.add_argument("--time-limit", type=float, default=None, help="seconds of search (default: options or 10)")
    solve.add_argument("--workers", type=int, default=1, help="searches run side by side in separate processes")
    solve.add_argument(
        "--engine",
        choices=(AUTO, "ruin_and_recreate", "ortools"),
        default=AUTO,
        help="the search that improves on the construction plan (default: ruin_and_recreate once "
        "compiled, else ortools)",
    )
    check = commands.add_parser("check", help="list what makes a plan infeasible; exit 1 if anything does")
    check.add_argument("problem", help="problem.json, or - for stdin")
    check.add_argument("plan", help="plan.json, or - for stdin")
    rebalance = commands.add_parser(
        "rebalance", help="answer an event during the day: the new plan and its change set as JSON on stdout"
    )
    rebalance.add_argument("problem", help="problem.json")
    rebalance.add_argument("plan", help="the current plan.json")
    rebalance.add_argument(
        "--event",
        required=True,
        help='event.json, e.g. {"kind": "technician_out", "technician": "t3", "from_s": 39600}',
    )
    rebalance.add_argument(
        "--now",
        default=None,
        help="the moment of the rebalance, HH:MM or seconds (default: the event's now_s or from_s)",
    )
    rebalance.add_argument("--under-way", default="", help="comma-separated visits en route or on site (stay first)")
    rebalance.add_argument(
        "--engine",
        choices=(AUTO, "ruin_and_recreate", "ortools"),
        default=AUTO,
        help="the search that improves the insertion (default: ruin_and_recreate once compiled, else ortools)",
    )
    args = parser.parse_args(argv)
    if args.command == "rebalance":
        return _rebalance(
            args.problem,
            args.plan,
            args.event,
            now=args.now,
            under_way=[v for v in args.under_way.split(",") if v],
            engine=args.engine,
        )
    if args.command == "solve":
        return _solve(args.problem, engine=args.engine, time_limit_s=args.time_limit, workers=args.workers)
    return _check(args.problem, args.plan)


def _solve(path: str, *, engine: str, time_limit_s: float | None, workers: int, out: TextIO = sys.stdout) -> int:
    from scheduling.core import RUIN_AND_RECREATE, ProblemError, ready_engine, solve_json

    data = _read_json(path)
    if data is None:
        return EXIT_BAD_INPUT
    if engine == AUTO:
        engine = ready_engine()
        if engine != RUIN_AND_RECREATE:
            print(
                f"engine: {engine} (the ruin and recreate search is not compiled yet; "
                "compile it with python -m scheduling.core.ruin_and_recreate)",
                file=sys.stderr,
            )
    try:
        plan = solve_json(data, engine=engine, time_limit_s=time_limit_s, workers=max(1, workers))
    except ProblemError as err:
        print("problem.json is invalid:", file=sys.stderr)
        for message in err.errors:
            print(f"  - {message}", file=sys.stderr)
        return EXIT_BAD_INPUT
    json.dump(plan, out, indent=2)
    out.write("\n")
    return EXIT_OK


def _rebalance(
    problem_path: str,
    plan_path: str,
    event_path: str,
    *,
    now: str | None,
    under_way: list[str],
    engine: str = AUTO,
    out: TextIO | None = None,
) -> int:
    from scheduling.core import ProblemError, ready_engine
    from scheduling.core.rebalance import rebalance
    from scheduling.core.rebalance_events import EventError

    problem, plan, event = _read_json(problem_path), _read_json(plan_path), _read_json(event_path)
    if problem is None or plan is None or event is None:
        return EXIT_BAD_INPUT
    now = now if now is not None else (event.get("now_s", event.get("from_s")) if isinstance(event, dict) else None)
    if now is None:
        print("say when the rebalance happens: --now HH:MM (or now_s in event.json)", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        now_s = int(now) if str(now).isdigit() else _clock_s(str(now))
        engine = ready_engine() if engine == AUTO else engine
        result = rebalance(problem, plan, now_s=now_s, event=event, under_way=under_way, engine=engine)
    except (ValueError, ProblemError) as err:  # EventError and ProblemError are ValueErrors too
        where = f" ({err.field})" if isinstance(err, EventError) else ""
        print(f"cannot rebalance{where}: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    out = out or sys.stdout
    json.dump(result.as_dict(), out, indent=2)
    out.write("\n")
    return EXIT_OK


def _clock_s(text: str) -> int:
    hours, _, minutes = text.partition(":")
    if not (hours.isdigit() and minutes.isdigit()):
        raise ValueError(f"--now must be HH:MM or seconds, not {text!r}")
    return int(hours) * 3600 + int(minutes) * 60


def _check(problem_path: str, plan_path: str) -> int:
    from scheduling.check import check_plan

    problem, plan = _read_json(problem_path), _read_json(plan_path)
    if problem is None or plan is None:
        return EXIT_BAD_INPUT
    violations = check_plan(problem, plan)
    for message in violations:
        print(message)
    if violations:
        print(f"{len(violations)} violation(s)", file=sys.stderr)
        return EXIT_VIOLATIONS
    print("plan is feasible", file=sys.stderr)
    return EXIT_OK


def _read_json(path: str) -> Any:
    try:
        if path == "-":
            return json.load(sys.stdin)
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except OSError as err:
        print(f"cannot read {path}: {err.strerror}", file=sys.stderr)
    except json.JSONDecodeError as err:
        print(f"{path} is not valid JSON: {err}", file=sys.stderr)
    return None
