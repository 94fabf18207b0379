"""Loading a region's day from the database as problem.json, and converting plan seconds back to UTC."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from dispatch.enums import VisitStatus
from scheduling.core.parse import parse_problem
from scheduling.day.clock import from_day_seconds, to_local_time
from scheduling.day.problem import load_day, load_day_problem
from tests.scheduling_app.builders import DAY, local, make_crew, make_visit

UTC = UTC


def _visit(problem: dict, visit) -> dict:
    return next(v for v in problem["visits"] if v["id"] == f"v{visit.id}")


def test_a_local_window_0900_1100_is_stored_0100_0300_utc_and_planned_as_32400_39600(app):
    make_crew(1)
    visit = make_visit(windows=[(local(DAY, 9), local(DAY, 11))])

    stored = visit.ticket.availability[0]
    assert (stored.start, stored.end) == (datetime(2026, 11, 24, 1, tzinfo=UTC), datetime(2026, 11, 24, 3, tzinfo=UTC))
    problem = load_day_problem(DAY, "shanghai", time_limit_s=1)
    assert _visit(problem, visit)["windows"] == [[9 * 3600, 11 * 3600]]
    # and back: 32400 s after local midnight of the 24th is 01:00 UTC that day
    assert from_day_seconds(32400, DAY) == datetime(2026, 11, 24, 1, tzinfo=UTC)
    assert to_local_time(32400, DAY).isoformat() == "2026-11-24T09:00:00+08:00"


def test_windows_reaching_into_other_days_are_clipped_to_the_day(app):
    make_crew(1)
    visit = make_visit(
        windows=[
            (local(DAY - timedelta(days=1), 22), local(DAY, 10)),
            (local(DAY, 20), local(DAY + timedelta(days=1), 2)),
            (local(DAY + timedelta(days=1), 9), local(DAY + timedelta(days=1), 11)),
        ]
    )

    problem = load_day_problem(DAY, "shanghai", time_limit_s=1)
    assert _visit(problem, visit)["windows"] == [[0, 10 * 3600], [20 * 3600, 24 * 3600]]


def test_shift_and_lunch_are_local_wall_clock_seconds_with_home_as_start_and_end(app):
    (tech,) = make_crew(1)
    make_visit()

    problem = load_day_problem(DAY, "shanghai", time_limit_s=1)
    (entry,) = problem["technicians"]
    # 08:30 = 30600 s, 18:00 = 64800 s; lunch 45 min somewhere in 11:30-13:30 = [41400, 48600]
    assert entry == {
        "id": f"t{tech.id}",
        "start": f"H{tech.id}",
        "end": f"H{tech.id}",
        "skills": ["ac_install", "washer_repair"],
        "shift": [30600, 64800],
        "breaks": [{"window": [41400, 48600], "duration_s": 2700}],
        "max_visits": 8,
        "capacity": None,
    }
    assert {"id": f"H{tech.id}", "lat": tech.home_lat, "lon": tech.home_lon} in problem["locations"]
    parse_problem(problem)  # the core accepts what the loader builds


def test_a_technician_who_does_not_work_that_weekday_is_not_planned(app):
    (works,) = make_crew(1)
    make_crew(1, working_days=[1, 3, 4, 5, 6])  # not Tuesday
    make_crew(1, active=False)
    make_crew(1, region="beijing")
    make_visit()

    problem = load_day_problem(DAY, "shanghai", time_limit_s=1)
    assert [t["id"] for t in problem["technicians"]] == [f"t{works.id}"]


def test_only_open_visits_of_the_region_available_that_day_are_planned(app):
    make_crew(1)
    wanted = make_visit(priority=5, skills=("ac_install", "large_appliance_install"), duration_min=90)
    make_visit(region="beijing")
    make_visit(status=VisitStatus.CANCELLED)
    make_visit(status=VisitStatus.COMPLETED)
    make_visit(windows=[(local(DAY + timedelta(days=1), 9), local(DAY + timedelta(days=1), 11))])

    problem = load_day_problem(DAY, "shanghai", time_limit_s=1)
    assert problem["visits"] == [
        {
            "id": f"v{wanted.id}",
            "location": f"C{wanted.ticket.customer_id}",
            "duration_s": 5400,
            "skills": ["ac_install", "large_appliance_install"],
            "windows": [[9 * 3600, 17 * 3600]],
            "priority": 5,
            "demand": 0,
            "pinned": None,
            "must_serve": False,
            "overdue_s": 0,
        }
    ]


def test_a_promised_window_replaces_availability_and_must_be_served(app):
    make_crew(1)
    visit = make_visit(promised=(local(DAY, 14), local(DAY, 16)))
    elsewhere = make_visit(promised=(local(DAY + timedelta(days=1), 14), local(DAY + timedelta(days=1), 16)))

    problem = load_day_problem(DAY, "shanghai", time_limit_s=1)
    entry = _visit(problem, visit)
    assert entry["windows"] == [[14 * 3600, 16 * 3600]]
    assert entry["must_serve"] is True
    assert f"v{elsewhere.id}" not in {v["id"] for v in problem["visits"]}


def test_a_visit_scheduled_for_another_day_is_left_to_that_days_plan(app):
    (tech,) = make_crew(1)
    other_day = make_visit(
        status=VisitStatus.SCHEDULED, technician=tech, planned_start=local(DAY + timedelta(days=1), 10)
    )
    today = make_visit(status=VisitStatus.SCHEDULED, technician=tech, planned_start=local(DAY, 10), windows=[])

    problem = load_day_problem(DAY, "shanghai", time_limit_s=1)
    ids = {v["id"] for v in problem["visits"]}
    assert f"v{other_day.id}" not in ids
    # scheduled for today without a window today: re-planned freely, anywhere in the shift, no pin
    assert _visit(problem, today)["windows"] == [] and _visit(problem, today)["pinned"] is None


def test_a_started_visit_is_pinned_first_on_its_technicians_route(app):
    tech, other = make_crew(2)
    started = make_visit(status=VisitStatus.EN_ROUTE, technician=tech, planned_start=local(DAY, 9))
    finished = make_visit(status=VisitStatus.COMPLETED, technician=tech, planned_start=local(DAY, 8))

    problem = load_day_problem(DAY, "shanghai", time_limit_s=1)
    entry = _visit(problem, started)
    assert entry["pinned"] == {"technician": f"t{tech.id}", "sequence": 1}
    assert entry["must_serve"] is True
    assert f"v{finished.id}" not in {v["id"] for v in problem["visits"]}
    # the technician's day begins at that customer, at its planned start: nothing can come before it
    nine = 9 * 3600
    day_of_tech = next(t for t in problem["technicians"] if t["id"] == f"t{tech.id}")
    assert day_of_tech["start"] == entry["location"] and day_of_tech["shift"][0] == nine
    assert entry["windows"] == [[nine, nine]]
    assert day_of_tech["breaks"] == [{"window": [41400, 48600], "duration_s": 2700}]  # lunch still to come
    day_of_other = next(t for t in problem["technicians"] if t["id"] == f"t{other.id}")
    assert day_of_other["start"] == f"H{other.id}"


def test_a_lunch_window_that_has_passed_is_dropped_for_a_technician_started_late(app):
    (tech,) = make_crew(1)
    make_visit(status=VisitStatus.ARRIVED, technician=tech, planned_start=local(DAY, 13))

    problem = load_day_problem(DAY, "shanghai", time_limit_s=1)
    day_of_tech = problem["technicians"][0]
    assert day_of_tech["shift"][0] == 13 * 3600
    assert day_of_tech["breaks"] == []  # 11:30-13:30 cannot hold 45 minutes from 13:00 on


def test_a_customer_without_coordinates_is_left_out_with_a_reason(app):
    make_crew(1)
    located = make_visit()
    lost = make_visit(lat=None, lon=None)

    load = load_day(DAY, "shanghai", time_limit_s=1)
    assert [v["id"] for v in load.problem["visits"]] == [f"v{located.id}"]
    assert load.left_out == [
        {
            "visit": f"v{lost.id}",
            "reason": (
                f"customer {lost.ticket.customer_id} ({lost.ticket.customer.address}) has no coordinates; "
                f"enter its latitude and longitude so visit {lost.id} can be planned"
            ),
            "reason_code": "no_coordinates",
            "reason_params": {
                "customer_id": lost.ticket.customer_id,
                "address": lost.ticket.customer.address,
                "visit_id": lost.id,
            },
        }
    ]


def test_service_districts_become_district_skills_on_both_sides(app):
    (pudong_only,) = make_crew(1, service_districts=["pudong"])
    (anywhere,) = make_crew(1)
    in_pudong = make_visit(district="pudong")
    in_xuhui = make_visit(district="xuhui")
    no_district = make_visit(district=None)

    problem = load_day_problem(DAY, "shanghai", time_limit_s=1)
    skills = {t["id"]: t["skills"] for t in problem["technicians"]}
    assert skills[f"t{pudong_only.id}"] == ["ac_install", "washer_repair", "district:pudong"]
    assert skills[f"t{anywhere.id}"] == [
        "ac_install",
        "washer_repair",
        "district:(none)",
        "district:pudong",
        "district:xuhui",
    ]
    assert _visit(problem, in_pudong)["skills"] == ["ac_install", "district:pudong"]
    assert _visit(problem, in_xuhui)["skills"] == ["ac_install", "district:xuhui"]
    assert _visit(problem, no_district)["skills"] == ["ac_install", "district:(none)"]


def test_without_restricted_technicians_no_district_skills_are_added(app):
    make_crew(2)
    visit = make_visit(district="pudong")

    problem = load_day_problem(DAY, "shanghai", time_limit_s=1)
    assert _visit(problem, visit)["skills"] == ["ac_install"]
    assert all(not any(s.startswith("district:") for s in t["skills"]) for t in problem["technicians"])


def test_an_overdue_ticket_says_how_late_it_will_be_at_the_end_of_the_day(app):
    make_crew(1)
    # due at 18:00 local on the planned day: at midnight it is 6 h late
    visit = make_visit(due_at=local(DAY, 18))

    problem = load_day_problem(DAY, "shanghai", time_limit_s=1)
    assert _visit(problem, visit)["overdue_s"] == 6 * 3600


def test_a_lunch_window_outside_the_shift_is_kept_inside_it(app):
    make_crew(1, shift_start=time(12, 0), break_start=time(11, 30), break_end=time(13, 0))
    make_visit()

    problem = load_day_problem(DAY, "shanghai", time_limit_s=1)
    assert problem["technicians"][0]["breaks"] == [{"window": [43200, 46800], "duration_s": 2700}]
    parse_problem(problem)
