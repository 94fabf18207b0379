"""Rebalancing a day under way: history stays, started visits stay first, few moves, every plan checked."""

from __future__ import annotations

import json

import pytest

from scheduling.bench.rebalance import bench_day
from scheduling.check import check_plan
from scheduling.command_line import main
from scheduling.core import ORTOOLS
from scheduling.core.rebalance import rebalance
from scheduling.core.rebalance_events import EventError

# The engine is the caller's choice (the app's by what is compiled); OR-Tools needs no compiling.
ENGINE = ORTOOLS
LEG_S = 600  # every drive between two different places takes 10 minutes (the matrix below)
NINE, NINE_THIRTY, ELEVEN, THIRTEEN = 32400, 34200, 39600, 46800


def small_day() -> tuple[dict, dict]:
    """Two technicians, two promised visits each: a 09:00-11:00 and b 11:00-13:00 for t1, c and d alike for t2."""
    places = ["H1", "H2", "A", "B", "C", "D", "U"]
    durations = [[0 if i == j else LEG_S for j in range(len(places))] for i in range(len(places))]
    problem = {
        "date": "2026-12-02",
        "locations": [{"id": p} for p in places],
        "matrix": {"durations_s": durations, "distances_m": [[d * 2 for d in row] for row in durations]},
        "technicians": [
            {"id": "t1", "start": "H1", "end": "H1", "skills": ["x"], "shift": [28800, 64800]},
            {"id": "t2", "start": "H2", "end": "H2", "skills": ["x", "y"], "shift": [28800, 64800]},
        ],
        "visits": [
            {"id": vid, "location": place, "duration_s": 3600, "skills": ["x"], "windows": [window], "must_serve": True}
            for vid, place, window in (
                ("a", "A", [NINE, ELEVEN]),
                ("b", "B", [ELEVEN, THIRTEEN]),
                ("c", "C", [NINE, ELEVEN]),
                ("d", "D", [ELEVEN, THIRTEEN]),
            )
        ]
        + [{"id": "u", "location": "U", "duration_s": 1800, "skills": ["y"], "windows": []}],
    }

    def route(tech: str, first: str, second: str) -> dict:
        # leave home at 08:50, first visit 09:00-10:00, wait, second 11:00-12:00, home at 12:10
        stops = [
            {"visit": first, "arrival": NINE, "start": NINE, "end": NINE + 3600},
            {"visit": second, "arrival": NINE + 3600 + LEG_S, "start": ELEVEN, "end": ELEVEN + 3600},
        ]
        return {
            "technician": tech,
            "stops": stops,
            "break": None,
            "breaks": [],
            "travel_s": 3 * LEG_S,
            "distance_m": 6 * LEG_S,
        }

    plan = {
        "routes": [route("t1", "a", "b"), route("t2", "c", "d")],
        "unassigned": [{"visit": "u", "reason": "came in after the plan was made"}],
        "kpis": {"served": 4, "unassigned": 1, "travel_s": 6 * LEG_S, "distance_m": 12 * LEG_S, "solve_s": 0},
    }
    assert check_plan(problem, plan) == []
    return problem, plan


def rebalanced(problem: dict, plan: dict, event: dict, *, now_s: int = NINE_THIRTY, under_way: tuple[str, ...] = ()):
    """Rebalance the day at `now_s` (09:30 unless said) and check the new plan against the event's day."""
    result = rebalance(problem, plan, engine=ENGINE, now_s=now_s, event=event, under_way=under_way, search_time_s=0.3)
    assert check_plan(result.problem, result.plan) == []
    return result


def stops_of(plan: dict, tech: str) -> list[tuple[str, int]]:
    return [(s["visit"], s["start"]) for r in plan["routes"] if r["technician"] == tech for s in r["stops"]]


def test_an_out_technician_keeps_the_visit_under_way_and_hands_the_rest_to_a_colleague():
    problem, plan = small_day()
    result = rebalanced(problem, plan, {"kind": "technician_out", "technician": "t1", "from_s": NINE_THIRTY})
    assert result.kpis["engine"] == ENGINE  # the engine the caller chose, said in the answer
    assert stops_of(result.plan, "t1") == [("a", NINE)]  # started at 09:00: it stays, then t1 goes home
    # b cannot go before d on t2 without pushing d 40 minutes: after d (ends 12:00, 10 min drive) it starts 12:10
    assert stops_of(result.plan, "t2") == [("c", NINE), ("d", ELEVEN), ("b", ELEVEN + 3600 + LEG_S)]
    assert [(m["visit"], m["from"]["technician"], m["to"]["technician"]) for m in result.changes["moved"]] == [
        ("b", "t1", "t2")
    ]
    assert result.changes["broken_promises"] == []


def test_an_out_technicians_later_visit_goes_to_a_colleague_not_into_their_own_morning():
    problem, plan = small_day()
    # b (planned 11:00) may start from 09:00 here: t1 could do it at 10:10, right after a, and be home by 11:30
    problem["visits"][1]["windows"] = [[NINE, THIRTEEN]]
    result = rebalanced(problem, plan, {"kind": "technician_out", "technician": "t1", "from_s": ELEVEN + 1800})
    # "out from 11:30": t1 keeps a (09:00-10:00) and takes nothing new, b goes to t2
    assert stops_of(result.plan, "t1") == [("a", NINE)]
    assert [(m["visit"], m["to"]["technician"]) for m in result.changes["moved"]] == [("b", "t2")]


def test_a_kept_visit_is_not_pulled_much_earlier_than_planned():
    problem, plan = small_day()
    problem["visits"][3]["windows"] = [[NINE, THIRTEEN]]  # d could start right after c, at 10:10
    result = rebalanced(problem, plan, {"kind": "cancel", "visit": "b"})
    # d is kept on t2 and starts no more than half an hour before its planned 11:00
    (start,) = [start for vid, start in stops_of(result.plan, "t2") if vid == "d"]
    assert ELEVEN - 1800 <= start <= ELEVEN
    assert "d" not in [m["visit"] for m in result.changes["moved"]]


def test_an_overrun_pushes_the_next_visit_and_says_whom_to_call():
    problem, plan = small_day()
    result = rebalanced(problem, plan, {"kind": "overrun", "visit": "a", "minutes": 90})
    # a now ends 11:30; b, still in its 11:00-13:00 slot, starts after the drive at 11:40: 40 minutes late
    assert stops_of(result.plan, "t1") == [("a", NINE), ("b", ELEVEN + 1800 + LEG_S)]
    assert [m["visit"] for m in result.changes["moved"]] == ["b"]
    assert result.changes["calls"] == [{"visit": "b", "why": "time_changed"}]


def test_a_cancelled_visit_moves_nobody_and_makes_room_for_a_waiting_one():
    problem, plan = small_day()
    result = rebalanced(problem, plan, {"kind": "cancel", "visit": "b"})
    assert stops_of(result.plan, "t1") == [("a", NINE)]
    assert result.changes["cancelled"] == ["b"]
    # nothing planned moves; u, which waited unassigned, is taken up after c
    assert result.changes["moved"] == [
        {"visit": "u", "from": None, "to": {"technician": "t2", "start": 36600, "end": 38400}}
    ]


def test_an_urgent_visit_goes_in_as_early_as_possible():
    problem, plan = small_day()
    result = rebalanced(problem, plan, {"kind": "urgent", "visit": "u"})
    # only t2 has skill y: right after c (ends 10:00, 10 min drive), d still starts at 11:00
    assert stops_of(result.plan, "t2") == [("c", NINE), ("u", NINE + 3600 + LEG_S), ("d", ELEVEN)]


def test_a_visit_the_technician_is_driving_to_stays_first():
    problem, plan = small_day()
    result = rebalanced(problem, plan, {"kind": "urgent", "visit": "u"}, under_way=("d",))
    assert stops_of(result.plan, "t2") == [("c", NINE), ("d", ELEVEN), ("u", ELEVEN + 3600 + LEG_S)]


def test_an_event_that_does_not_fit_the_day_names_its_field():
    problem, plan = small_day()
    with pytest.raises(EventError) as unknown:
        rebalance(problem, plan, engine=ENGINE, now_s=NINE_THIRTY, event={"kind": "cancel", "visit": "zz"})
    assert unknown.value.field == "visit"
    assert (unknown.value.code, unknown.value.params) == ("event_visit_unknown", {"visit": "zz"})
    assert str(unknown.value) == "visit 'zz' is not a visit of this day"  # the command line's words
    with pytest.raises(EventError, match="already started"):
        rebalance(problem, plan, engine=ENGINE, now_s=NINE_THIRTY, event={"kind": "cancel", "visit": "a"})
    with pytest.raises(EventError) as minutes:
        rebalance(
            problem, plan, engine=ENGINE, now_s=NINE_THIRTY, event={"kind": "overrun", "visit": "a", "minutes": "long"}
        )
    assert minutes.value.field == "minutes"


@pytest.mark.parametrize("event", ["out", "overrun", "urgent", "cancel", "added"])
def test_every_rebalanced_generated_day_passes_the_checker_and_keeps_history(event):
    problem, plan, event_json, _ = bench_day(15, 120, 4, event, ELEVEN)
    result = rebalanced(problem, plan, event_json, now_s=ELEVEN)
    before = {
        s["visit"]: (r["technician"], s["start"]) for r in plan["routes"] for s in r["stops"] if s["start"] < ELEVEN
    }
    after = {s["visit"]: (r["technician"], s["start"]) for r in result.plan["routes"] for s in r["stops"]}
    assert all(after[vid] == where for vid, where in before.items())


def test_a_rebalance_moves_far_fewer_visits_than_solving_the_rest_of_the_day_again():
    problem, plan, event_json, left = bench_day(15, 120, 4, "out", ELEVEN)
    kept = rebalance(problem, plan, engine=ENGINE, now_s=ELEVEN, event=event_json, search_time_s=0.5)
    scratch = rebalance(
        problem, plan, engine=ENGINE, now_s=ELEVEN, event=event_json, keep_routes=False, search_time_s=1.0
    )
    assert check_plan(scratch.problem, scratch.plan) == []
    assert kept.kpis["moved"] <= 1.5 * left
    assert kept.kpis["moved"] * 3 < scratch.kpis["moved"]


def test_the_command_prints_the_change_set(tmp_path, capsys):
    problem, plan = small_day()
    for name, data in (
        ("problem", problem),
        ("plan", plan),
        ("event", {"kind": "technician_out", "technician": "t1", "from_s": NINE_THIRTY}),
    ):
        (tmp_path / f"{name}.json").write_text(json.dumps(data))
    code = main(
        [
            "rebalance",
            str(tmp_path / "problem.json"),
            str(tmp_path / "plan.json"),
            "--event",
            str(tmp_path / "event.json"),
            "--now",
            "09:30",
        ]
    )
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert [m["visit"] for m in out["moved"]] == ["b"] and out["kpis"]["broken_promises"] == 0
