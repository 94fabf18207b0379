"""Reasons read in the user's language: every code has a template in zh_CN and en; old plans still say why."""

from __future__ import annotations

import re
from datetime import date

import pytest
from flask_babel import force_locale

from common.db import db
from dispatch.enums import VisitStatus
from scheduling import reason_text
from scheduling.core.reasons import REASON_CODES, Reason
from scheduling.day.visits import DAY_STATE_CODES, LEFT_OUT_CODES
from scheduling.models import Plan
from tests.scheduling_app.builders import DAY, local, make_crew, make_visit

CHINESE = re.compile(r"[\u4e00-\u9fff]")
TUESDAY = date(2026, 11, 24)
SLOT = [36000, 43200]  # 10:00-12:00
ONE = {"technician": "t1", "technician_name": "Wang Lei", "technician_count": 1}
MANY = {"technician_count": 4}
# Parameters as the core and the loader make them; one entry per variant of a template.
SAMPLES: dict[str, list[dict]] = {
    "no_technician_working": [{}],
    "no_skill": [
        {"skills": ["gas_heater"]},
        {"skills": ["gas_heater", "district:xuhui"]},
        {"skills": ["district:xuhui"]},
    ],
    "no_skill_combination": [
        {"skills": ["ac_install", "gas_heater"]},
        {"skills": ["ac_install", "district:xuhui"]},
        {"skills": ["ac_install", "gas_heater", "district:xuhui"]},
        {"skills": ["district:xuhui"]},
    ],
    "pinned_lacks_skill": [{"pinned_technician": "t3", "skills": ["gas_heater"]}],
    "max_visits_zero": [{"skills": ["ac"]}, {"skills": ["ac", "gas"]}, {"skills": []}, {"pinned_technician": "t3"}],
    "demand_exceeds_capacity": [
        {"demand": 3, "largest_capacity": 2, **who}
        for who in ({"skills": ["ac"]}, {"skills": ["ac", "gas"]}, {"skills": []}, {"pinned_technician": "t3"})
    ],
    "not_on_shift": [
        {"windows": [[68400, 72000]], **who}
        for who in ({"skills": ["ac"]}, {"skills": ["ac", "gas"]}, {"skills": []}, {"pinned_technician": "t3"})
    ],
    "window_unreachable": [{"windows": [[28800, 30600]]}, {"windows": [], "pinned_technician": "t3"}],
    "cannot_finish": [{"skills": ["ac"]}, {"skills": ["ac", "gas"]}, {"skills": []}, {"pinned_technician": "t3"}],
    "max_visits_reached": [{"technicians": ["t1", "t2"], "technician_count": 2}],
    "no_capacity": [{"demand": 3, "technicians": ["t1", "t2", "t3", "t4", "t5"], "technician_count": 9}],
    "max_visits_or_capacity": [{"technicians": ["t1", "t2"], "technician_count": 2}],
    "no_room": [{"technicians": ["t1"], "technician_count": 1}, {"technicians": ["t1", "t2"], "technician_count": 2}],
    "no_plan_in_time": [{}],
    "search_out_of_time": [{"technicians": ["t1", "t2"], "technician_count": 2}],
    "slot_empty_route": [{**ONE, "added_travel_s": 3000}],
    "slot_on_the_way": [{**ONE, "added_travel_s": 0}],
    "slot_adds_travel": [{**ONE, "added_travel_s": 360}],
    "day_no_technician": [{"date": "2026-11-24"}, {}],
    "day_no_skill": [{"skills": ["gas_heater"], "date": "2026-11-24"}],
    "day_no_skill_combination": [{"skills": ["ac", "gas"], "date": "2026-11-24"}],
    "day_no_district": [{"districts": ["pudong"], "date": "2026-11-24"}],
    "day_max_visits": [{**ONE, "date": "2026-11-24"}, {**MANY, "date": "2026-11-24"}],
    "day_full": [{**ONE, "date": "2026-11-24"}, {**MANY, "date": "2026-11-24"}],
    "slot_before_shifts": [{"slot": SLOT}],
    "slot_past_shift_end": [{"slot": SLOT, "duration_s": 9000}],
    "slot_full": [{"slot": SLOT, **ONE}, {"slot": SLOT, **MANY}],
    "slot_outside_availability": [{"slot": SLOT}],
    "day_outside_availability": [{"date": "2026-11-24"}],
    "windows_passed": [{"windows": [[32400, 39600]], "now_s": 43200}],
    "started_off_shift": [{"visit_id": 12, "status": "en_route", "technician_id": 3, "date": "2026-11-24"}],
    "no_coordinates": [{"customer_id": 2, "address": "201 Nanjing Road", "visit_id": 5}],
    "awaiting_quota_approval": [{"visit_id": 7, "ticket_id": 3, "visit_quota": 1}],
    "not_planned": [{}],
    "suitable_technicians_out": [{"skills": ["ac_install"], "technicians": ["t3"]}],
}


def _english(code: str, params: dict) -> str:
    return Reason(code, params).text if code in REASON_CODES else f"stored English of {code}"


def test_every_code_the_core_and_the_loader_produce_has_a_template_in_both_languages(app):
    assert set(SAMPLES) == REASON_CODES | set(LEFT_OUT_CODES) | set(DAY_STATE_CODES)
    used = set()
    with app.test_request_context():
        for code, variants in SAMPLES.items():
            for params in variants:
                template = reason_text.template_for(code, params)
                assert template is not None, code
                used |= {key for key, t in reason_text.TEMPLATES.items() if t is template}
                english = _english(code, params)
                for locale in ("zh_CN", "en"):
                    with force_locale(locale):
                        text = reason_text.render(code, params, fallback=english, day=TUESDAY)
                    # a template that does not fit its parameters falls back to the English sentence
                    assert "%(" not in text and (text != english or locale == "en"), (code, params, text)
                    assert bool(CHINESE.search(text)) == (locale == "zh_CN"), (code, text)
    assert used == set(reason_text.TEMPLATES), "every template is reached by some parameters"


def test_windows_slots_and_days_read_as_local_times_and_weekdays(app):
    with app.test_request_context(), force_locale("zh_CN"):
        assert (
            reason_text.describe(Reason("not_on_shift", {"skills": ["ac"], "windows": [[68400, 72000]]}), day=TUESDAY)
            == "在其时间窗 19:00–20:00 内没有具备技能 ac 的技师当班"
        )
        assert (
            reason_text.describe(Reason("slot_full", {"slot": SLOT, **MANY}))
            == "10:00 至 12:00 全部 4 位合适的技师都已排满"
        )
        assert (
            reason_text.describe(Reason("day_no_technician", {"date": "2026-11-24"}))
            == "星期二 2026-11-24 没有技师上班"
        )
        assert (
            reason_text.describe(Reason("no_capacity", SAMPLES["no_capacity"][0]))
            == "合适的技师（t1、t2、t3、t4、t5 及另外 4 位）都没有剩余容量容纳需求量 3"
        )
    with app.test_request_context(), force_locale("en"):
        assert (
            reason_text.describe(Reason("slot_adds_travel", {**ONE, "added_travel_s": 360}))
            == "adds 6 min of travel to Wang Lei's route"
        )


def test_a_missing_district_skill_reads_as_district_coverage_not_as_a_skill(app):
    params = {"skills": ["large_appliance_install", "district:浦东新区"]}
    with app.test_request_context(), force_locale("en"):
        assert (
            reason_text.describe(Reason("no_skill", params))
            == "no technician covering 浦东新区 has skill Large appliance installation"
        )
        assert (
            reason_text.describe(Reason("no_skill", {"skills": ["district:浦东新区"]}))
            == "no technician on shift covers 浦东新区"
        )
        assert reason_text.describe(Reason("cannot_finish", params)) == (
            "no technician with skills Large appliance installation, service district 浦东新区 can do it and be back "
            "at the end place before the shift ends"
        )
    with app.test_request_context(), force_locale("zh_CN"):
        assert reason_text.describe(Reason("no_skill", params)) == "负责 浦东新区 的技师中没有人具备技能 大家电安装"


def test_an_unknown_code_or_a_reason_without_code_shows_the_stored_english(app):
    with app.test_request_context(), force_locale("zh_CN"):
        assert reason_text.describe_item({"visit": "v1", "reason": "no time left"}) == "no time left"
        assert (
            reason_text.describe_item({"reason": "from a newer core", "reason_code": "new_code", "reason_params": {}})
            == "from a newer core"
        )
        # parameters that do not fit the template any more (a stored plan) must not break the page
        assert (
            reason_text.describe_item({"reason": "stored", "reason_code": "no_skill", "reason_params": {}}) == "stored"
        )


@pytest.fixture
def dispatcher(login_as):
    return login_as("dispatcher", locale="zh_CN")


def _stranded_plan(dispatcher) -> tuple[dict, int]:
    (tech,) = make_crew(1)
    # nobody on shift has the skill this visit needs
    stranded = make_visit(
        status=VisitStatus.SCHEDULED, technician=tech, planned_start=local(DAY, 10), skills=("gas_heater",)
    )
    response = dispatcher.post("/api/v1/plans", json={"date": DAY.isoformat(), "region": "shanghai", "time_limit_s": 1})
    assert response.status_code == 202, response.json
    return response.json, stranded.id


def test_a_chinese_dispatcher_reads_the_plan_reasons_in_chinese_with_code_and_params(app, dispatcher):
    plan, stranded_id = _stranded_plan(dispatcher)

    (item,) = dispatcher.get(f"/api/v1/plans/{plan['id']}").json["unassigned"]
    assert item == {
        "visit_id": stranded_id,
        "reason": "没有技师具备技能 gas_heater",
        "reason_code": "no_skill",
        "reason_params": {"skills": ["gas_heater"]},
        "stage": "solver",
    }


def test_a_plan_stored_before_reasons_had_codes_still_says_why(app, dispatcher):
    plan, stranded_id = _stranded_plan(dispatcher)
    stored = db.session.get(Plan, plan["id"])
    stored.result = {
        **stored.result,
        "unassigned": [{"visit": f"v{stranded_id}", "reason": "no technician has skill gas_heater"}],
    }
    db.session.commit()

    (item,) = dispatcher.get(f"/api/v1/plans/{plan['id']}").json["unassigned"]
    assert item == {
        "visit_id": stranded_id,
        "reason": "no technician has skill gas_heater",
        "reason_code": None,
        "reason_params": None,
        "stage": "solver",
    }
