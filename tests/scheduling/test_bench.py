"""The benchmark loaders map their sources faithfully; the --out files have the agreed shape."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scheduling.bench.__main__ import main
from scheduling.bench.field import build_day, generate_day
from scheduling.bench.solomon import load_instance
from scheduling.check import check_plan
from scheduling.core import parse_problem

SOLOMON = Path(__file__).resolve().parents[2] / "benchmarks" / "solomon"
C101 = SOLOMON / "instances" / "C101.txt"


def test_solomon_loader_maps_c101_scaled_by_ten():
    problem = load_instance(C101)
    n = {loc["id"]: i for i, loc in enumerate(problem["locations"])}
    # depot: 0  40 50  0  0 1236  0 -> every vehicle starts and ends there, shift 0..12360
    assert problem["locations"][0] == {"id": "n0", "x": 40, "y": 50}
    assert len(problem["technicians"]) == 25
    assert {(t["start"], t["end"], tuple(t["shift"]), t["capacity"]) for t in problem["technicians"]} == {
        ("n0", "n0", (0, 12360), 200)
    }
    # customer 1: 45 68 demand 10, ready 912, due 967, service 90
    c1 = problem["visits"][0]
    assert problem["locations"][n[c1["location"]]] == {"id": "n1", "x": 45, "y": 68}
    assert (c1["id"], c1["demand"], c1["windows"], c1["duration_s"]) == ("c1", 10, [[9120, 9670]], 900)
    assert len(problem["visits"]) == 100 and problem["options"]["objective"] == "distance"
    durations, distances = problem["matrix"]["durations_s"], problem["matrix"]["distances_m"]
    # depot (40,50) -> c1 (45,68): sqrt(5^2 + 18^2) = sqrt(349) = 18.68.. -> 18.6 -> 186
    assert durations[0][n["n1"]] == distances[0][n["n1"]] == 186
    # c1 (45,68) -> c2 (45,70): exactly 2.0 -> 20; depot -> c3 (42,66): sqrt(260) = 16.12.. -> 161
    assert durations[n["n1"]][n["n2"]] == 20 and durations[0][n["n3"]] == 161
    parse_problem(problem)


TINY = """TINY1\r
\r
VEHICLE\r
NUMBER     CAPACITY\r
  2         100\r
\r
CUSTOMER\r
CUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE   TIME\r
 \r
    0       0          0          0          0       1000          0   \r
    1       3          4         10          0        900         10   \r
    2       6          8         10          0        900         10   \r
    3       9         12         10          0        900         10   \r
"""


def test_solomon_out_file_lists_customer_orders_and_distance(tmp_path, capsys):
    # Customers on one line 5 apart: 0 -> 1 -> 2 -> 3 -> 0 = 5 + 5 + 5 + 15 = 30, the distance optimum
    # (any split into two vehicles drives at least 10 + 30 = 40).
    (tmp_path / "instances").mkdir()
    (tmp_path / "instances" / "TINY1.txt").write_text(TINY, newline="")
    (tmp_path / "bks.csv").write_text("instance,vehicles,distance,dimacs_distance\nTINY1,1,30.00,30.0\n")
    out = tmp_path / "out"
    assert main(["solomon", "--instances", str(tmp_path), "--time-limit", "1", "--out", str(out)]) == 0
    written = json.loads((out / "TINY1.json").read_text())
    assert written["distance"] == 30.0
    # one vehicle; on a line several orders tie at 30 (e.g. 2, 3, 1: 10 + 5 + 10 + 5)
    assert len(written["routes"]) == 1 and sorted(written["routes"][0]) == [1, 2, 3]
    assert "TINY1" in capsys.readouterr().out


def test_field_day_is_deterministic_for_a_seed():
    assert generate_day(6, 40, seed=7) == generate_day(6, 40, seed=7)
    assert generate_day(6, 40, seed=7) != generate_day(6, 40, seed=8)


def test_field_day_ids_are_consistent_and_it_can_be_served_completely():
    problem, witness = build_day(6, 40, seed=3)
    parsed = parse_problem(problem)
    assert len(parsed.visits) == 40 and len(parsed.technicians) == 6
    locations = {loc["id"] for loc in problem["locations"]}
    assert all(v["location"] in locations for v in problem["visits"])
    assert all(31.05 <= loc["lat"] <= 31.40 and 121.25 <= loc["lon"] <= 121.65 for loc in problem["locations"])
    # the plan the day was generated from serves every visit and passes the independent checker
    assert witness["kpis"]["served"] == 40
    assert check_plan(problem, witness) == []


def test_field_day_refuses_more_visits_than_the_crews_can_hold():
    with pytest.raises(ValueError, match="2 technicians cannot hold 100 visits"):
        generate_day(2, 100, seed=1)


def test_the_iterations_bench_makes_the_same_moves_every_run():
    # its figure compares versions of the search by time alone, so a budget must mean the same plan
    from scheduling.bench.iterations import run

    lines = []
    result = run(4, 30, 1, iterations=1500, repeat=2, echo=lines.append)
    assert len(result["costs"]) == 1 and result["iterations_per_s"] > 0
    assert lines[-1].startswith("best: ") and "iterations/s" in lines[-1]


def test_a_peers_routes_are_timed_as_solomon_routes_and_pass_the_checker(tmp_path):
    from scheduling.bench.peers import _plan

    (tmp_path / "TINY1.txt").write_text(TINY, newline="")
    problem = load_instance(tmp_path / "TINY1.txt")
    visits = {v["id"]: v for v in problem["visits"]}
    plan = _plan(problem, [[visits["c1"], visits["c2"], visits["c3"]]], solve_s=0.5)
    assert check_plan(problem, plan) == []
    first = plan["routes"][0]["stops"]
    # 0 -> c1 is 5.0 (50 scaled), served on arrival for 100; c2 is 50 further
    assert [(s["arrival"], s["start"], s["end"]) for s in first[:2]] == [(50, 50, 150), (200, 200, 300)]
    assert plan["kpis"]["distance_m"] == 300 and plan["kpis"]["served"] == 3
    # a visit the peer leaves out is reported, so the checker does not count it as lost
    partial = _plan(problem, [[visits["c1"]]], solve_s=0.5)
    assert check_plan(problem, partial) == []
    assert [u["visit"] for u in partial["unassigned"]] == ["c2", "c3"]


def test_the_peer_summary_compares_mean_gaps_per_family():
    from scheduling.bench.solomon import Result, family, peer_summary

    def result(name, ours, theirs):
        peer = Result(name, 10, 100 + theirs, 100.0, 10.0, [], 100, 100)
        return Result(name, 10, 100 + ours, 100.0, 10.0, [], 100, 100, peers={"pyvrp": peer})

    assert [family(n) for n in ("C101", "RC208", "R1", "C1_4_1", "rc2_4_10")] == ["C1", "RC2", "R1", "C1_4", "RC2_4"]
    lines = peer_summary(
        [result("C101", 1.0, 0.5), result("C102", 3.0, 0.5), result("R201", 0.0, 1.0)], "pyvrp"
    ).splitlines()
    # family, instances, our mean gap, PyVRP's, the ratio, instances more than 2 points worse than PyVRP's
    assert lines[1].split()[:6] == ["C1", "2", "2.00", "0.50", "4.00", "1"]  # C102 is 2.5 points worse
    assert lines[2].split()[:6] == ["R2", "1", "0.00", "1.00", "0.00", "0"]
    assert lines[-1].split()[:6] == ["all", "3", "1.33", "0.67", "2.00", "1"]


@pytest.mark.slow
def test_the_solomon_bench_runs_pyvrp_beside_the_core(tmp_path, capsys):
    pytest.importorskip("pyvrp")  # a bench-only package (requirements-bench.txt)
    (tmp_path / "instances").mkdir()
    (tmp_path / "instances" / "TINY1.txt").write_text(TINY, newline="")
    (tmp_path / "bks.csv").write_text("instance,vehicles,distance,dimacs_distance\nTINY1,1,30.00,30.0\n")
    assert main(["solomon", "--instances", str(tmp_path), "--time-limit", "1", "--peers", "pyvrp"]) == 0
    out = capsys.readouterr().out
    assert "pyvrp gap" in out and "against pyvrp" in out
    # both find the optimum of the line
    assert out.splitlines()[1].split()[4] == "0.00" and out.splitlines()[1].split()[-2] == "0.00"
