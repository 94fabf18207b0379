"""Solomon VRPTW instances as problem.json, solved and compared with the best known distance-only results."""

from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

from scheduling.bench import timed_solve
from scheduling.check import check_plan
from scheduling.check_travel import route_distance_m

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
    peers: dict[str, Result] = field(default_factory=dict)  # the same instance solved by other solvers

    @property
    def gap_pct(self) -> float | None:
        if not self.dimacs_distance:
            return None
        return 100.0 * (self.distance - self.dimacs_distance) / self.dimacs_distance

    @property
    def ok(self) -> bool:
        return not self.violations and self.served == self.customers


def solve_instance(
    path: Path,
    *,
    time_limit_s: float,
    workers: int | None,
    bks: dict,
    out: Path | None = None,
    peers: tuple[str, ...] = (),
) -> Result:
    """Solve one instance with the core (and each peer), check every plan, recompute distances from the routes."""
    problem = load_instance(path, time_limit_s=time_limit_s)
    plan, solve_s = timed_solve(problem, time_limit_s=time_limit_s, workers=workers)
    result = _result(problem, plan, solve_s, bks)
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        (out / f"{problem['name']}.json").write_text(
            json.dumps({"routes": customer_routes(plan), "distance": round(result.distance, 1)})
        )
    for peer in peers:
        from scheduling.bench.peers import solve_with

        peer_plan, peer_s = solve_with(peer, problem, time_limit_s=time_limit_s)
        result.peers[peer] = _result(problem, peer_plan, peer_s, bks)
    return result


def _result(problem: dict, plan: dict, solve_s: float, bks: dict) -> Result:
    distance = sum(route_distance_m(problem, route) for route in plan["routes"]) / SCALE
    routes = customer_routes(plan)
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
    peers: tuple[str, ...] = (),
    echo=print,
) -> list[Result]:
    """Solve every instance (or `only` these), printing one row each and the means at the end.

    With `peers` each instance is also solved by those solvers with the same time limit, one after the
    other, and their gaps are printed beside ours with the ratio of our gap to theirs."""
    directory = instances_dir(folder)
    bks = load_bks(directory.parent) or load_bks(directory)
    paths = sorted(directory.glob("*.txt"))
    if only:
        wanted = {name.upper() for name in only}
        paths = [p for p in paths if p.stem.upper() in wanted]
        missing = wanted - {p.stem.upper() for p in paths}
        if missing:
            raise FileNotFoundError(f"no instance file for {', '.join(sorted(missing))} in {directory}")
    peer_heads = "".join(f"{peer + ' gap':>11}{'feasible':>9}" for peer in peers)
    echo(
        f"{'instance':<9}{'veh':>4}{'distance':>10}{'dimacs':>9}{'gap %':>8}{'solve s':>9}  feasible  served"
        + peer_heads
    )
    results = []
    for path in paths:
        result = solve_instance(
            path, time_limit_s=time_limit_s, workers=workers, bks=bks, out=Path(out) if out else None, peers=peers
        )
        results.append(result)
        gap = f"{result.gap_pct:8.2f}" if result.gap_pct is not None else f"{'-':>8}"
        dimacs = f"{result.dimacs_distance:9.1f}" if result.dimacs_distance else f"{'-':>9}"
        echo(
            f"{result.instance:<9}{result.vehicles:>4}{result.distance:>10.1f}{dimacs}{gap}{result.solve_s:>9.1f}"
            f"  {'yes' if not result.violations else 'NO':<8}  {result.served}/{result.customers:<5}"
            + "".join(
                f"{_gap(peer_result):>11}{'yes' if peer_result.ok else 'NO':>9}"
                for peer_result in result.peers.values()
            )
        )
        for violation in result.violations[:5]:
            echo(f"    ! {violation}")
        for peer, peer_result in result.peers.items():
            for violation in peer_result.violations[:5]:
                echo(f"    ! {peer}: {violation}")
    echo(summary(results))
    for peer in peers:
        echo(peer_summary(results, peer))
    return results


def _gap(result: Result) -> str:
    return f"{result.gap_pct:.2f}" if result.gap_pct is not None else "-"


def peer_summary(results: list[Result], peer: str) -> str:
    """Our mean gap and the peer's over the instances both solved, per family (C1, R2, ...) and in all."""
    families: dict[str, list[Result]] = {}
    for result in results:
        if result.gap_pct is None or peer not in result.peers or result.peers[peer].gap_pct is None:
            continue
        families.setdefault(family(result.instance), []).append(result)
        families.setdefault("all", []).append(result)
    lines = [f"against {peer}: {'family':<8}{'n':>4}{'ours %':>9}{peer + ' %':>10}{'ratio':>8}{'worse by >2':>13}"]
    for name, group in sorted(families.items(), key=lambda item: (item[0] == "all", item[0])):
        ours = sum(r.gap_pct for r in group) / len(group)
        theirs = sum(r.peers[peer].gap_pct for r in group) / len(group)
        ratio = f"{ours / theirs:.2f}" if theirs > 0 else "-"
        worse = sum(r.gap_pct - r.peers[peer].gap_pct > 2.0 for r in group)
        feasible = sum(r.peers[peer].ok for r in group)
        lines.append(
            f"{'':<{len('against ' + peer + ': ')}}{name:<8}{len(group):>4}{ours:>9.2f}{theirs:>10.2f}{ratio:>8}"
            f"{worse:>13}   ({peer} feasible {feasible}/{len(group)})"
        )
    return "\n".join(lines)


def family(instance: str) -> str:
    """C101 -> C1, RC208 -> RC2, C1_4_1 -> C1_4."""
    name = instance.upper()
    if "_" in name:
        return "_".join(name.split("_")[:2])
    letters = name.rstrip("0123456789")
    return letters + name[len(letters)] if len(name) > len(letters) else letters


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
