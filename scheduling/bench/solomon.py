"""Solomon VRPTW instances as problem.json, solved and compared with the best known distance-only results."""

from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass
from pathlib import Path

from scheduling.bench import timed_solve
from scheduling.check import check_plan, route_distance_m

# DIMACS convention (as bks.csv `dimacs_distance`): Euclidean distance truncated to one decimal.
# The core works in whole numbers, so every length, time and window is scaled by ten.
SCALE = 10
DEPOT = 0


def truncated_distance(a: tuple[int, int], b: tuple[int, int]) -> int:
    """Euclidean distance truncated to one decimal, times ten (an exact integer)."""
    return math.floor(SCALE * math.hypot(a[0] - b[0], a[1] - b[1]) + 1e-9)


def parse_instance(text: str) -> dict:
    """The raw fields of a Solomon text file: name, vehicles, capacity and node rows (CRLF or LF)."""
    lines = [line.strip() for line in text.splitlines()]
    name = next(line for line in lines if line)
    head = next(i for i, line in enumerate(lines) if line.upper().startswith("NUMBER"))
    vehicles, capacity = (int(x) for x in lines[head + 1].split()[:2])
    table = next(i for i, line in enumerate(lines) if line.upper().startswith("CUST"))
    nodes = []
    for line in lines[table + 1 :]:
        fields = line.split()
        if len(fields) == 7:
            number, x, y, demand, ready, due, service = (int(float(f)) for f in fields)
            nodes.append(
                {"number": number, "x": x, "y": y, "demand": demand, "ready": ready, "due": due, "service": service}
            )
    if not nodes or nodes[0]["number"] != DEPOT:
        raise ValueError(f"{name}: the first node row must be the depot (number 0)")
    return {"name": name, "vehicles": vehicles, "capacity": capacity, "nodes": nodes}


def to_problem(instance: dict, *, time_limit_s: float | None = None) -> dict:
    """problem.json for a Solomon instance: one technician per vehicle at the depot, all scaled by ten."""
    nodes = instance["nodes"]
    depot = nodes[0]
    points = [(n["x"], n["y"]) for n in nodes]
    matrix = [[truncated_distance(a, b) for b in points] for a in points]
    technicians = [
        {
            "id": f"k{k}",
            "start": "n0",
            "end": "n0",
            "skills": [],
            "shift": [SCALE * depot["ready"], SCALE * depot["due"]],
            "breaks": [],
            "max_visits": None,
            "capacity": instance["capacity"],
        }
        for k in range(1, instance["vehicles"] + 1)
    ]
    visits = [
        {
            "id": f"c{n['number']}",
            "location": f"n{n['number']}",
            "duration_s": SCALE * n["service"],
            "skills": [],
            "windows": [[SCALE * n["ready"], SCALE * n["due"]]],
            "priority": 5,
            "demand": n["demand"],
            "pinned": None,
            "must_serve": True,
        }
        for n in nodes[1:]
    ]
    options = {"objective": "distance", "balance": False}
    if time_limit_s is not None:
        options["time_limit_s"] = time_limit_s
    return {
        "date": None,
        "name": instance["name"],
        # No lat/lon: the matrix carries all travel; x/y are kept for plotting.
        "locations": [{"id": f"n{n['number']}", "x": n["x"], "y": n["y"]} for n in nodes],
        "matrix": {"durations_s": matrix, "distances_m": [row[:] for row in matrix]},
        "technicians": technicians,
        "visits": visits,
        "options": options,
    }


def load_instance(path: str | Path, *, time_limit_s: float | None = None) -> dict:
    """problem.json (as a dict) for the Solomon file at `path`."""
    return to_problem(parse_instance(Path(path).read_text()), time_limit_s=time_limit_s)


def instances_dir(folder: str | Path) -> Path:
    """Accept the benchmark folder or its instances/ subfolder."""
    folder = Path(folder)
    return folder / "instances" if (folder / "instances").is_dir() else folder


def load_bks(folder: str | Path) -> dict[str, dict]:
    """bks.csv rows by instance name; looked for beside or above the instances folder."""
    folder = Path(folder)
    for candidate in (folder / "bks.csv", folder.parent / "bks.csv"):
        if candidate.exists():
            with candidate.open(newline="") as handle:
                return {row["instance"]: row for row in csv.DictReader(handle)}
    return {}


def customer_routes(plan: dict) -> list[list[int]]:
    """Customer numbers in visit order per used vehicle (depot and empty routes left out)."""
    return [[int(stop["visit"][1:]) for stop in route["stops"]] for route in plan["routes"] if route["stops"]]


@dataclass
class Result:
    instance: str
    vehicles: int
    distance: float
    dimacs_distance: float | None
    solve_s: float
    violations: list[str]
    served: int
    customers: int

    @property
    def gap_pct(self) -> float | None:
        if not self.dimacs_distance:
            return None
        return 100.0 * (self.distance - self.dimacs_distance) / self.dimacs_distance

    @property
    def ok(self) -> bool:
        return not self.violations and self.served == self.customers


def solve_instance(
    path: Path, *, time_limit_s: float, workers: int | None, bks: dict, out: Path | None = None
) -> Result:
    """Solve one instance with the core, check the plan, and recompute its distance from the route orders."""
    problem = load_instance(path, time_limit_s=time_limit_s)
    plan, solve_s = timed_solve(problem, time_limit_s=time_limit_s, workers=workers)
    distance = sum(route_distance_m(problem, route) for route in plan["routes"]) / SCALE
    routes = customer_routes(plan)
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        (out / f"{problem['name']}.json").write_text(json.dumps({"routes": routes, "distance": round(distance, 1)}))
    dimacs = bks.get(problem["name"], {}).get("dimacs_distance")
    return Result(
        problem["name"],
        len(routes),
        distance,
        float(dimacs) if dimacs else None,
        solve_s,
        check_plan(problem, plan),
        sum(len(r) for r in routes),
        len(problem["visits"]),
    )


def run(
    folder: str | Path,
    *,
    time_limit_s: float,
    only: list[str] | None = None,
    out: str | Path | None = None,
    workers: int | None = None,
    echo=print,
) -> list[Result]:
    """Solve every instance (or `only` these), printing one row each and the means at the end."""
    directory = instances_dir(folder)
    bks = load_bks(directory.parent) or load_bks(directory)
    paths = sorted(directory.glob("*.txt"))
    if only:
        wanted = {name.upper() for name in only}
        paths = [p for p in paths if p.stem.upper() in wanted]
        missing = wanted - {p.stem.upper() for p in paths}
        if missing:
            raise FileNotFoundError(f"no instance file for {', '.join(sorted(missing))} in {directory}")
    echo(f"{'instance':<9}{'veh':>4}{'distance':>10}{'dimacs':>9}{'gap %':>8}{'solve s':>9}  feasible  served")
    results = []
    for path in paths:
        result = solve_instance(
            path, time_limit_s=time_limit_s, workers=workers, bks=bks, out=Path(out) if out else None
        )
        results.append(result)
        gap = f"{result.gap_pct:8.2f}" if result.gap_pct is not None else f"{'-':>8}"
        dimacs = f"{result.dimacs_distance:9.1f}" if result.dimacs_distance else f"{'-':>9}"
        echo(
            f"{result.instance:<9}{result.vehicles:>4}{result.distance:>10.1f}{dimacs}{gap}{result.solve_s:>9.1f}"
            f"  {'yes' if not result.violations else 'NO':<8}  {result.served}/{result.customers}"
        )
        for violation in result.violations[:5]:
            echo(f"    ! {violation}")
    echo(summary(results))
    return results


def summary(results: list[Result]) -> str:
    """Mean and max gap, how many were solved completely and feasibly, mean solve time."""
    if not results:
        return "no instances"
    gaps = [r.gap_pct for r in results if r.gap_pct is not None]
    good = sum(r.ok for r in results)
    mean_gap = f"{sum(gaps) / len(gaps):.2f}" if gaps else "-"
    max_gap = f"{max(gaps):.2f}" if gaps else "-"
    mean_s = sum(r.solve_s for r in results) / len(results)
    return (
        f"mean gap {mean_gap} %, max gap {max_gap} %, solved & feasible {good}/{len(results)}, "
        f"mean solve {mean_s:.1f} s"
    )
