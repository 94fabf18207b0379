"""Reasons are codes with parameters: plan.json carries both next to the English sentence it always had."""

from __future__ import annotations

import json
import pickle

import pytest

from scheduling.core.reasons import NO_PLAN_REASON, REASON_CODES, Reason
from tests.scheduling.street import solved, street


def unassigned(plan: dict) -> dict[str, dict]:
    return {u["visit"]: u for u in plan["unassigned"]}


def test_plan_json_carries_the_reason_code_and_params_beside_the_english_sentence():
    problem = street(
        {"D": 0, "A": 1},
        [{"id": "t1", "skills": ["ac_install"]}],
        [{"id": "v9", "location": "A", "skills": ["gas_heater"]}],
    )
    assert unassigned(solved(problem))["v9"] == {
        "visit": "v9",
        "reason": "no technician has skill gas_heater",
        "reason_code": "no_skill",
        "reason_params": {"skills": ["gas_heater"]},
    }


def test_windows_travel_as_seconds_from_midnight():
    # A is 5 km (3000 s) away: leaving at 08:00 the technician is there at 08:50, the window closed at 08:30.
    problem = street({"D": 0, "A": 5}, [{"id": "t1"}], [{"id": "late", "location": "A", "windows": [[28800, 30600]]}])
    item = unassigned(solved(problem))["late"]
    assert (item["reason_code"], item["reason_params"]) == ("window_unreachable", {"windows": [[28800, 30600]]})
    assert item["reason"] == "its windows [[28800, 30600]] cannot be reached from any technician's start in time"


def test_a_dropped_visit_names_a_few_technicians_and_counts_them_all():
    # Both need 10:00 sharp (36000) at 1 km, one technician: only the urgent one is done.
    problem = street(
        {"D": 0, "A": 1, "B": 1},
        [{"id": "t1"}],
        [
            {"id": "routine", "location": "A", "priority": 1, "windows": [[36000, 36000]]},
            {"id": "urgent", "location": "B", "priority": 5, "windows": [[36000, 36000]]},
        ],
    )
    item = unassigned(solved(problem))["routine"]
    assert (item["reason_code"], item["reason_params"]) == ("no_room", {"technicians": ["t1"], "technician_count": 1})


def test_a_pinned_visit_says_which_technician_it_is_pinned_to():
    problem = street(
        {"D": 0, "A": 1},
        [{"id": "t1", "skills": ["ac_install"]}, {"id": "t2"}],
        [{"id": "v1", "location": "A", "skills": ["ac_install"], "pinned": {"technician": "t2"}}],
    )
    item = unassigned(solved(problem))["v1"]
    assert item["reason"] == "it is pinned to t2, who lacks skill ac_install"
    assert (item["reason_code"], item["reason_params"]) == (
        "pinned_lacks_skill",
        {"pinned_technician": "t2", "skills": ["ac_install"]},
    )


def test_a_reason_is_hashable_picklable_and_json_safe():
    # the portfolio sends plans between processes, and slot offers put reasons in sets
    reason = Reason("not_on_shift", {"skills": ["ac"], "windows": [[68400, 72000]]})
    assert pickle.loads(pickle.dumps(reason)) == reason
    assert len({reason, Reason("not_on_shift", {"skills": ("ac",), "windows": ((68400, 72000),)})}) == 1
    assert json.loads(json.dumps(reason.params_json())) == {"skills": ["ac"], "windows": [[68400, 72000]]}
    assert str(reason) == reason.text == "no technician with skill ac is on shift during its windows [[68400, 72000]]"


def test_a_reason_takes_only_known_codes_and_json_safe_params():
    with pytest.raises(ValueError, match="unknown reason code"):
        Reason("bad_luck")
    with pytest.raises(TypeError, match="skills"):
        Reason("no_skill", {"skills": {"ac"}})
    assert {"no_skill", "not_on_shift", "window_unreachable", "no_room", "slot_adds_travel"} <= REASON_CODES


def test_no_plan_in_time_keeps_its_sentence():
    assert NO_PLAN_REASON.code == "no_plan_in_time"
    assert NO_PLAN_REASON.text == (
        "the solver found no plan within the time limit; solve again with a longer time limit"
    )
