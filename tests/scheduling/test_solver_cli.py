"""`python -m scheduling solve|check` works on files and stdin, and explains bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

PROBLEM = {
    "locations": [{"id": "D"}, {"id": "A"}],
    "matrix": {"durations_s": [[0, 600], [600, 0]], "distances_m": [[0, 1000], [1000, 0]]},
    "technicians": [{"id": "t1", "start": "D", "end": "D", "shift": [28800, 61200]}],
    "visits": [{"id": "a", "location": "A", "duration_s": 1800}],
}


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "scheduling", *args], cwd=REPO, input=stdin, capture_output=True, text=True
    )


def test_solve_writes_plan_json_and_check_accepts_it(tmp_path):
    problem_path = tmp_path / "problem.json"
    problem_path.write_text(json.dumps(PROBLEM))
    solved = run("solve", str(problem_path), "--time-limit", "0.5")
    assert solved.returncode == 0, solved.stderr
    plan = json.loads(solved.stdout)
    # D -> A -> D: 2 x 600 s, 2 x 1000 m
    assert plan["kpis"]["served"] == 1 and plan["routes"][0]["travel_s"] == 1200
    plan_path = tmp_path / "plan.json"
    plan_path.write_text(solved.stdout)
    checked = run("check", str(problem_path), str(plan_path))
    assert checked.returncode == 0, checked.stdout


def test_a_twentieth_of_a_second_still_serves_the_visit_with_the_named_engine(tmp_path):
    problem_path = tmp_path / "problem.json"
    problem_path.write_text(json.dumps(PROBLEM))
    for engine in ("ortools", "ruin_and_recreate"):
        solved = run("solve", str(problem_path), "--time-limit", "0.05", "--engine", engine)
        assert solved.returncode == 0, solved.stderr
        plan = json.loads(solved.stdout)
        assert plan["kpis"]["served"] == 1 and plan["kpis"]["engine"] == engine
        plan_path = tmp_path / f"plan-{engine}.json"
        plan_path.write_text(solved.stdout)
        assert run("check", str(problem_path), str(plan_path)).returncode == 0


def test_solve_reads_stdin_and_exits_2_listing_validation_errors():
    bad = dict(PROBLEM, visits=[{"id": "a", "location": "L99", "duration_s": -5}])
    result = run("solve", "-", stdin=json.dumps(bad))
    assert result.returncode == 2 and result.stdout == ""
    assert "visits[0].location 'L99' is not a known location id" in result.stderr
    assert "visits[0].duration_s must be >= 0, not -5" in result.stderr


def test_check_exits_1_naming_the_violation(tmp_path):
    problem_path = tmp_path / "problem.json"
    problem_path.write_text(json.dumps(PROBLEM))
    plan = {
        "routes": [{"technician": "t1", "stops": [], "break": None, "breaks": [], "travel_s": 0, "distance_m": 0}],
        "unassigned": [],
        "kpis": {"served": 0, "unassigned": 0, "travel_s": 0, "distance_m": 0, "solve_s": 0},
    }
    plan_path = tmp_path / "plan.json"
    plan_path.write_text(json.dumps(plan))
    result = run("check", str(problem_path), str(plan_path))
    assert result.returncode == 1 and "visit a is neither on a route nor unassigned" in result.stdout
