"""Planning a day through the API: solve in a job (inline in tests), read the plan, publish it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from common.db import db
from dispatch.enums import TicketStatus, VisitStatus
from dispatch.models import TimelineEvent, Visit
from scheduling.check import check_plan
from scheduling.day.clock import from_day_seconds
from scheduling.models import Plan
from tests.scheduling_app.builders import CENTRAL_SHANGHAI, DAY, local, make_crew, make_visit

# Ten customers spread over central Shanghai, each at home in a two-hour window or all day.
PLACES = CENTRAL_SHANGHAI


def _ten_visits() -> list[Visit]:
    visits = []
    for i, (lat, lon) in enumerate(PLACES):
        start_h = 9 + (i % 4) * 2  # 09-11, 11-13, 13-15, 15-17
        skills = ("washer_repair",) if i % 3 == 0 else ("ac_install",)
        visits.append(
            make_visit(
                lat=lat,
                lon=lon,
                skills=skills,
                duration_min=45,
                windows=[(local(DAY, start_h), local(DAY, start_h + 2))],
            )
        )
    return visits


def _plan_day(dispatcher, **body) -> dict:
    response = dispatcher.post(
        "/api/v1/plans", json={"date": DAY.isoformat(), "region": "shanghai", "time_limit_s": 1, **body}
    )
    assert response.status_code == 202, response.json
    return response.json


def _stops(plan: dict) -> dict[int, tuple[int, dict]]:
    """visit id -> (technician id, stop) over every route."""
    return {s["visit_id"]: (r["technician_id"], s) for r in plan["routes"] for s in r["stops"]}


@pytest.fixture
def dispatcher(login_as):
    return login_as("dispatcher")


def test_a_planned_day_routes_or_explains_every_visit_and_passes_the_checker(app, dispatcher):
    crew = make_crew(3)
    visits = _ten_visits()

    created = _plan_day(dispatcher)
    assert created["status"] == "draft"
    assert created["job"]["state"] == "succeeded"  # JOBS_EAGER: the job ran inline

    plan = dispatcher.get(f"/api/v1/plans/{created['id']}").json
    assert plan["job"]["progress"]["elapsed_s"] > 0
    assert plan["violations"] == []
    routed = set(_stops(plan))
    unassigned = {u["visit_id"]: u["reason"] for u in plan["unassigned"]}
    assert routed | set(unassigned) == {v.id for v in visits} and not routed & set(unassigned)
    assert all(unassigned.values())
    assert {r["technician_id"] for r in plan["routes"]} == {t.id for t in crew}
    assert plan["kpis"]["served"] == len(routed)
    stored = db.session.get(Plan, plan["id"])
    assert check_plan(stored.problem, stored.result) == []


def test_route_times_are_shown_in_local_time(app, dispatcher):
    make_crew(1)
    visit = make_visit(windows=[(local(DAY, 9), local(DAY, 11))])

    plan = _plan_day(dispatcher)
    _, stop = _stops(plan)[visit.id]
    assert stop["start"].startswith("2026-11-24T") and stop["start"].endswith("+08:00")
    assert "09:00:00+08:00" <= stop["start"][11:] <= "11:00:00+08:00"


def test_publishing_schedules_the_visits_at_the_planned_utc_times(app, dispatcher):
    make_crew(3)
    visits = _ten_visits()
    plan_id = _plan_day(dispatcher)["id"]

    response = dispatcher.post(f"/api/v1/plans/{plan_id}/publish")
    assert response.status_code == 200, response.json
    assert response.json["status"] == "published"
    stored = db.session.get(Plan, plan_id)
    stops = {int(s["visit"][1:]): (int(r["technician"][1:]), s) for r in stored.result["routes"] for s in r["stops"]}
    assert stops, "the plan should serve some visits"
    assert sorted(response.json["publish_report"]["placed"]) == sorted(stops)
    for visit in visits:
        db.session.refresh(visit)
        if visit.id not in stops:
            assert visit.status is VisitStatus.UNSCHEDULED
            continue
        technician_id, stop = stops[visit.id]
        assert visit.status is VisitStatus.SCHEDULED
        assert visit.technician_id == technician_id
        assert visit.planned_start == from_day_seconds(stop["start"], DAY)
        assert visit.planned_end == from_day_seconds(stop["end"], DAY)
        assert visit.ticket.status is TicketStatus.SCHEDULED
        event = db.session.scalar(
            select(TimelineEvent).where(TimelineEvent.visit_id == visit.id, TimelineEvent.action == "visit_scheduled")
        )
        assert event.detail["source"] == f"plan {plan_id}"
        assert event.actor_id == dispatcher.user.id


def test_a_window_0900_1100_local_becomes_a_planned_start_between_0100_and_0300_utc(app, dispatcher):
    make_crew(1)
    visit = make_visit(windows=[(local(DAY, 9), local(DAY, 11))])
    plan_id = _plan_day(dispatcher)["id"]

    assert dispatcher.post(f"/api/v1/plans/{plan_id}/publish").status_code == 200
    db.session.refresh(visit)
    assert datetime(2026, 11, 24, 1, tzinfo=UTC) <= visit.planned_start <= datetime(2026, 11, 24, 3, tzinfo=UTC)


def test_a_plan_cannot_be_published_twice(app, dispatcher):
    make_crew(1)
    make_visit()
    plan_id = _plan_day(dispatcher)["id"]

    assert dispatcher.post(f"/api/v1/plans/{plan_id}/publish").status_code == 200
    again = dispatcher.post(f"/api/v1/plans/{plan_id}/publish")
    assert again.status_code == 409
    assert again.json["message"] == f"Plan {plan_id} is published; only a draft plan can be published."


def test_publishing_after_a_visit_was_cancelled_is_refused_naming_it(app, dispatcher):
    make_crew(2)
    kept = make_visit()
    cancelled = make_visit()
    plan_id = _plan_day(dispatcher)["id"]
    cancelled.status = VisitStatus.CANCELLED
    db.session.commit()

    response = dispatcher.post(f"/api/v1/plans/{plan_id}/publish")
    assert response.status_code == 409
    assert f"visit {cancelled.id} is now cancelled (was unscheduled when planned)" in response.json["message"]
    db.session.refresh(kept)
    assert kept.status is VisitStatus.UNSCHEDULED  # nothing half-published
    assert db.session.get(Plan, plan_id).status.value == "draft"


def test_publishing_a_plan_made_before_another_plan_moved_its_visits_is_refused(app, dispatcher):
    make_crew(1)
    visit = make_visit()
    older = _plan_day(dispatcher)["id"]
    newer = _plan_day(dispatcher)["id"]
    assert dispatcher.post(f"/api/v1/plans/{newer}/publish").status_code == 200

    response = dispatcher.post(f"/api/v1/plans/{older}/publish")
    assert response.status_code == 409
    assert f"visit {visit.id} is now scheduled (was unscheduled when planned)" in response.json["message"]


def test_publishing_a_new_plan_supersedes_the_days_published_plan(app, dispatcher):
    make_crew(1)
    make_visit()
    first = _plan_day(dispatcher)["id"]
    assert dispatcher.post(f"/api/v1/plans/{first}/publish").status_code == 200
    second = _plan_day(dispatcher)["id"]  # re-plans the now scheduled visit

    assert dispatcher.post(f"/api/v1/plans/{second}/publish").status_code == 200
    assert dispatcher.get(f"/api/v1/plans/{first}").json["status"] == "superseded"
    assert dispatcher.get(f"/api/v1/plans/{second}").json["status"] == "published"


def test_a_visit_with_a_promised_window_is_planned_inside_it(app, dispatcher):
    make_crew(2)
    _ten_visits()
    promised = make_visit(promised=(local(DAY, 15), local(DAY, 16)), lat=31.2500, lon=121.4800)

    plan = _plan_day(dispatcher)
    _, stop = _stops(plan)[promised.id]
    assert "15:00:00+08:00" <= stop["start"][11:] <= "16:00:00+08:00"


def test_a_technician_who_does_not_work_that_weekday_gets_nothing(app, dispatcher):
    (on_duty,) = make_crew(1)
    (off_duty,) = make_crew(1, working_days=[1, 3, 4, 5])  # DAY is a Tuesday
    visits = [make_visit(), make_visit(lat=31.21, lon=121.45)]

    plan = _plan_day(dispatcher)
    assert [r["technician_id"] for r in plan["routes"]] == [on_duty.id]
    assert {tech for tech, _ in _stops(plan).values()} == {on_duty.id}
    assert set(_stops(plan)) == {v.id for v in visits}
    assert off_duty.id not in {r["technician_id"] for r in plan["routes"]}


def test_service_districts_are_respected(app, dispatcher):
    (pudong_only,) = make_crew(1, service_districts=["pudong"], home_lat=31.2200, home_lon=121.5400)
    (anywhere,) = make_crew(1, skills=("washer_repair",))
    pudong = make_visit(district="pudong", lat=31.2200, lon=121.5400)
    # the pudong technician lives right there, but xuhui is outside their districts
    xuhui_washer = make_visit(district="xuhui", lat=31.2210, lon=121.5410, skills=("washer_repair",))
    xuhui_ac = make_visit(district="xuhui", lat=31.1900, lon=121.4300)

    plan = _plan_day(dispatcher)
    assert _stops(plan)[pudong.id][0] == pudong_only.id
    assert _stops(plan)[xuhui_washer.id][0] == anywhere.id
    # only the pudong technician has ac_install, and they may not go to xuhui
    reason = {u["visit_id"]: u["reason"] for u in plan["unassigned"]}[xuhui_ac.id]
    assert reason == "no technician covering xuhui has skill ac_install"


def test_a_visit_left_out_for_missing_coordinates_is_listed_with_its_reason(app, dispatcher):
    make_crew(1)
    lost = make_visit(lat=None, lon=None)
    make_visit()

    plan = _plan_day(dispatcher)
    (item,) = [u for u in plan["unassigned"] if u["visit_id"] == lost.id]
    assert item["stage"] == "loader" and "has no coordinates" in item["reason"]


def test_plans_are_listed_by_date_and_region(app, dispatcher):
    make_crew(1)
    make_visit()
    plan_id = _plan_day(dispatcher)["id"]

    listed = dispatcher.get(f"/api/v1/plans?date={DAY.isoformat()}&region=shanghai").json
    assert [p["id"] for p in listed] == [plan_id]
    assert listed[0]["job"]["state"] == "succeeded"
    assert dispatcher.get("/api/v1/plans?region=beijing").json == []


def test_a_day_with_nothing_to_plan_is_refused(app, dispatcher):
    make_crew(1)

    response = dispatcher.post("/api/v1/plans", json={"date": DAY.isoformat(), "region": "shanghai"})
    assert response.status_code == 422
    assert response.json["errors"] == {
        "json": {
            "date": [
                "No open visit of region 'Shanghai' falls on Tuesday, November 24, 2026; pick another date or region."
            ]
        }
    }
    assert db.session.scalar(select(Plan)) is None


@pytest.mark.parametrize("limit", [0, 301, "ten"])
def test_time_limit_must_be_1_to_300_seconds(app, dispatcher, limit):
    response = dispatcher.post(
        "/api/v1/plans", json={"date": DAY.isoformat(), "region": "shanghai", "time_limit_s": limit}
    )
    assert response.status_code == 422
    assert "time_limit_s" in response.json["errors"]["json"]


@pytest.mark.parametrize("day", ["24/11/2026", "2026-13-01", ""])
def test_a_malformed_date_is_refused(app, dispatcher, day):
    response = dispatcher.post("/api/v1/plans", json={"date": day, "region": "shanghai"})
    assert response.status_code == 422
    assert "date" in response.json["errors"]["json"]


def test_an_unknown_plan_is_not_found(app, dispatcher):
    assert dispatcher.get("/api/v1/plans/999").status_code == 404
    assert dispatcher.post("/api/v1/plans/999/publish").status_code == 404


@pytest.mark.parametrize("role", ["technician", "cs"])
def test_only_dispatchers_plan_days(app, login_as, role):
    user = login_as(role)
    assert user.post("/api/v1/plans", json={"date": DAY.isoformat(), "region": "shanghai"}).status_code == 403
    assert user.get("/api/v1/plans").status_code == 403
    assert user.get("/api/v1/plans/1").status_code == 403
    assert user.post("/api/v1/plans/1/publish").status_code == 403


def test_a_manager_may_plan_too(app, login_as):
    make_crew(1)
    make_visit()
    manager = login_as("manager")
    assert _plan_day(manager)["job"]["state"] == "succeeded"


def test_an_anonymous_caller_must_log_in(app, client):
    assert client.get("/api/v1/plans").status_code == 401


def test_a_started_visit_stays_with_its_technician_and_is_not_touched_by_publishing(app, dispatcher):
    tech, other = make_crew(2)
    # the other technician lives next door to the customer, but this one is already on the way
    started = make_visit(
        status=VisitStatus.EN_ROUTE, technician=tech, planned_start=local(DAY, 9), lat=31.2200, lon=121.5400
    )
    make_visit(lat=31.2300, lon=121.4700)
    plan = _plan_day(dispatcher)

    assert _stops(plan)[started.id][0] == tech.id
    assert dispatcher.post(f"/api/v1/plans/{plan['id']}/publish").status_code == 200
    db.session.refresh(started)
    assert started.status is VisitStatus.EN_ROUTE and started.planned_start == local(DAY, 9)


def test_nothing_is_planned_before_a_visit_the_technician_is_already_on_the_way_to(app, dispatcher):
    (tech,) = make_crew(1)
    # on the way since 10:00; a job next to home that must start by 10:00 could only have come before it
    started = make_visit(
        status=VisitStatus.EN_ROUTE, technician=tech, planned_start=local(DAY, 10), lat=31.2304, lon=121.5737
    )
    too_early = make_visit(lat=31.2305, lon=121.4738, windows=[(local(DAY, 8, 30), local(DAY, 10))])
    plan = _plan_day(dispatcher)

    assert [s["visit_id"] for r in plan["routes"] for s in r["stops"]] == [started.id]
    assert [u["visit_id"] for u in plan["unassigned"]] == [too_early.id]


def test_a_scheduled_visit_the_new_plan_cannot_serve_keeps_its_schedule_and_is_reported(app, dispatcher):
    (tech,) = make_crew(1)
    # booked by hand earlier; since then nobody on shift has the skill it needs
    stranded = make_visit(
        status=VisitStatus.SCHEDULED, technician=tech, planned_start=local(DAY, 10), skills=("gas_heater",)
    )
    plan = _plan_day(dispatcher)
    assert [u["visit_id"] for u in plan["unassigned"]] == [stranded.id]
    assert "gas_heater" in plan["unassigned"][0]["reason"]

    published = dispatcher.post(f"/api/v1/plans/{plan['id']}/publish").json
    assert published["publish_report"] == {"placed": [], "kept_scheduled": [stranded.id]}
    db.session.refresh(stranded)
    assert stranded.status is VisitStatus.SCHEDULED and stranded.planned_start == local(DAY, 10)
