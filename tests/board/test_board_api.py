"""The board API: the day a dispatcher sees, what a draft plan would change, and who may see it."""

from __future__ import annotations

import pytest

from common.db import db
from dispatch.enums import VisitStatus
from tests.scheduling_app.builders import DAY, local, make_crew, make_visit


@pytest.fixture
def dispatcher(login_as):
    return login_as("dispatcher")


def board(client, day=DAY):
    response = client.get(f"/api/v1/board?date={day.isoformat()}&region=shanghai")
    assert response.status_code == 200, response.json
    return response.json


def test_board_shows_each_technician_with_shift_lunch_and_visits_with_windows(dispatcher):
    tech, idle = make_crew(2)
    promised = make_visit(
        status=VisitStatus.SCHEDULED,
        technician=tech,
        planned_start=local(DAY, 14, 30),
        promised=(local(DAY, 14), local(DAY, 16)),
    )
    started = make_visit(status=VisitStatus.EN_ROUTE, technician=tech, planned_start=local(DAY, 9))

    day = board(dispatcher)

    rows = {t["id"]: t for t in day["technicians"]}
    assert set(rows) == {tech.id, idle.id}
    assert rows[tech.id]["shift"] == {"start": "2026-11-24T08:30:00+08:00", "end": "2026-11-24T18:00:00+08:00"}
    assert rows[tech.id]["breaks"] == [
        {"start": "2026-11-24T11:30:00+08:00", "end": "2026-11-24T13:30:00+08:00", "duration_s": 2700}
    ]
    blocks = {v["visit_id"]: v for v in day["visits"]}
    assert blocks[promised.id]["windows"] == [
        {"start": "2026-11-24T14:00:00+08:00", "end": "2026-11-24T16:00:00+08:00"}
    ]
    assert blocks[promised.id]["promised"] and blocks[promised.id]["movable"]
    assert blocks[started.id]["status"] == "en_route" and not blocks[started.id]["movable"]
    # home -> 09:00 visit -> 14:30 visit -> home, in start order
    route = next(r for r in day["routes"] if r["technician_id"] == tech.id)
    assert len(route["points"]) == 4 and route["points"][0] == route["points"][-1]
    assert day["unassigned"] == [] and day["published_plan_id"] is None


def test_unassigned_visits_carry_the_last_plans_reason_or_say_they_are_not_planned_yet(dispatcher):
    make_crew(1)
    stranded = make_visit(skills=("gas_heater",))
    response = dispatcher.post("/api/v1/plans", json={"date": DAY.isoformat(), "region": "shanghai", "time_limit_s": 1})
    assert response.status_code == 202, response.json
    late = make_visit()  # registered after the solve

    reasons = {u["visit_id"]: u for u in board(dispatcher)["unassigned"]}

    assert reasons[stranded.id]["reason"] == "no technician has skill gas_heater"
    assert reasons[stranded.id]["reason_code"] == "no_skill"
    assert reasons[late.id]["reason"].startswith("not planned yet")
    assert reasons[late.id]["reason_code"] is None


def test_changes_of_a_draft_list_visits_added_and_moved_against_the_day_as_published(dispatcher):
    (tech,) = make_crew(1)
    # planned at 16:00 by hand; the only window is 09:00-11:00, so any plan moves it
    moved = make_visit(
        status=VisitStatus.SCHEDULED,
        technician=tech,
        planned_start=local(DAY, 16),
        windows=[(local(DAY, 9), local(DAY, 11))],
    )
    new = make_visit()
    plan = dispatcher.post(
        "/api/v1/plans", json={"date": DAY.isoformat(), "region": "shanghai", "time_limit_s": 1}
    ).json

    changes = dispatcher.get(f"/api/v1/board/plans/{plan['id']}/changes").json

    assert [a["visit_id"] for a in changes["added"]] == [new.id]
    assert changes["added"][0]["to"]["technician_id"] == tech.id
    (change,) = changes["moved"]
    assert change["visit_id"] == moved.id and change["from"]["start"] == "2026-11-24T16:00:00+08:00"
    assert "09:00" <= change["to"]["start"][11:16] <= "11:00"
    assert changes["dropped"] == [] and changes["unchanged"] == 0


def test_a_plan_that_leaves_a_scheduled_visit_out_lists_it_as_dropped(dispatcher):
    (tech,) = make_crew(1)
    kept = make_visit(
        status=VisitStatus.SCHEDULED, technician=tech, planned_start=local(DAY, 10), skills=("gas_heater",)
    )
    plan = dispatcher.post(
        "/api/v1/plans", json={"date": DAY.isoformat(), "region": "shanghai", "time_limit_s": 1}
    ).json

    changes = dispatcher.get(f"/api/v1/board/plans/{plan['id']}/changes").json

    assert [d["visit_id"] for d in changes["dropped"]] == [kept.id]


def test_the_board_needs_a_date_and_answers_404_for_an_unknown_plan(dispatcher):
    response = dispatcher.get("/api/v1/board?region=shanghai")
    assert response.status_code == 422 and "date" in response.json["errors"]["query"]
    assert dispatcher.get("/api/v1/board/plans/999/changes").status_code == 404


@pytest.mark.parametrize("role", ["cs", "technician"])
def test_cs_and_technicians_may_not_see_the_board(login_as, page_login, role):
    client = login_as(role)
    assert client.get(f"/api/v1/board?date={DAY.isoformat()}&region=shanghai").status_code == 403
    assert page_login(client.user).get("/board").status_code == 403


@pytest.mark.parametrize("role", ["dispatcher", "manager"])
def test_dispatchers_and_managers_open_the_board_in_both_languages(login_as, page_login, role):
    browser = page_login(login_as(role).user)
    for lang, title in (("en", "Day board"), ("zh_CN", "调度看板")):
        response = browser.get(f"/board?date={DAY.isoformat()}&lang={lang}")
        assert response.status_code == 200
        assert title in response.get_data(as_text=True)
    db.session.rollback()
