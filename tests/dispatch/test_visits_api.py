"""Visit API: manual assignment with its feasibility check, unassigning, listing per role and phone privacy."""

from __future__ import annotations

from datetime import timedelta

from common.db import db
from dispatch.models import Visit
from tests import factories
from tests.clock import MONDAY_10_LOCAL, TUESDAY_9_LOCAL
from tests.steps import assign


def test_dispatcher_assigns_a_visit_and_the_ticket_is_scheduled(cs, dispatcher, new_ticket, installer):
    ticket = new_ticket()
    visit_id = ticket["visits"][0]["id"]
    response = assign(dispatcher, visit_id, installer.id)
    assert response.status_code == 200
    body = response.json
    assert body["status"] == "scheduled" and body["technician_id"] == installer.id
    assert body["planned_start"] == TUESDAY_9_LOCAL.isoformat()
    assert body["planned_end"] == (TUESDAY_9_LOCAL + timedelta(minutes=90)).isoformat()
    detail = cs.get(f"/api/v1/tickets/{ticket['id']}").json
    assert detail["status"] == "scheduled"
    scheduled = [e for e in detail["timeline"] if e["action"] == "visit_scheduled"]
    assert scheduled[0]["detail"]["source"] == "manual" and scheduled[0]["visit_id"] == visit_id


def test_assignment_refuses_a_technician_without_the_skill(dispatcher, new_ticket, clock):
    washer_man = factories.make_technician(skills=("washer_repair",))
    response = assign(dispatcher, new_ticket()["visits"][0]["id"], washer_man.id)
    assert response.status_code == 422
    assert response.json["errors"]["json"]["technician_id"] == [response.json["message"]]
    # the skill in the reader's words; the code stays for programs
    assert "lacks the skill(s) Large appliance installation" in response.json["message"]
    assert response.json["missing_skills"] == ["large_appliance_install"]


def test_assignment_refuses_a_start_that_runs_past_the_local_shift(dispatcher, new_ticket, installer):
    # 17:00 local + 90 min ends 18:30, after the 18:00 end of the shift.
    late = TUESDAY_9_LOCAL + timedelta(hours=8)
    response = assign(dispatcher, new_ticket()["visits"][0]["id"], installer.id, start=late)
    assert response.status_code == 422
    assert "17:00-18:30 local time" in response.json["message"]
    assert "start" in response.json["errors"]["json"]


def test_assignment_refuses_a_technicians_day_off(dispatcher, new_ticket, clock):
    weekdays_only = factories.make_technician(skills=("large_appliance_install",), working_days=[1, 3, 5])
    response = assign(dispatcher, new_ticket()["visits"][0]["id"], weekdays_only.id)  # a Tuesday
    assert response.status_code == 422
    assert "does not work on Tuesday" in response.json["message"]


def promised(ticket: dict, *, hours_after_nine: tuple[int, int]) -> int:
    """The ticket's first visit, promised to the customer for hours after Tuesday 09:00 local; its id."""
    visit = db.session.get(Visit, ticket["visits"][0]["id"])
    visit.promised_start, visit.promised_end = (TUESDAY_9_LOCAL + timedelta(hours=h) for h in hours_after_nine)
    db.session.commit()
    return visit.id


def test_assignment_keeps_the_promised_window(dispatcher, new_ticket, installer):
    visit_id = promised(new_ticket(), hours_after_nine=(2, 4))  # 11:00-13:00
    assert assign(dispatcher, visit_id, installer.id).status_code == 422
    assert assign(dispatcher, visit_id, installer.id, start=TUESDAY_9_LOCAL + timedelta(hours=2)).status_code == 200


def test_visit_booked_late_in_its_slot_can_be_moved_to_its_own_time(dispatcher, new_ticket, installer):
    # Booking promises 14:00-16:00 and lets the visit start at 15:30; it then ends after 16:00.
    visit_id = promised(new_ticket(), hours_after_nine=(5, 7))
    response = assign(dispatcher, visit_id, installer.id, start=TUESDAY_9_LOCAL + timedelta(hours=6, minutes=30))
    assert response.status_code == 200, response.json


def test_assignment_overlapping_another_visit_is_a_conflict(dispatcher, new_ticket, installer):
    first, second = new_ticket(), new_ticket()
    assert assign(dispatcher, first["visits"][0]["id"], installer.id).status_code == 200
    response = assign(dispatcher, second["visits"][0]["id"], installer.id, start=TUESDAY_9_LOCAL + timedelta(hours=1))
    assert response.status_code == 409
    assert response.json["visit_id"] == first["visits"][0]["id"]
    # Right after the first visit ends is fine.
    after = TUESDAY_9_LOCAL + timedelta(minutes=90)
    assert assign(dispatcher, second["visits"][0]["id"], installer.id, start=after).status_code == 200


def test_assignment_refuses_inactive_technicians_and_past_starts(dispatcher, new_ticket, clock):
    visit_id = new_ticket()["visits"][0]["id"]
    retired = factories.make_technician(skills=("large_appliance_install",), active=False)
    assert assign(dispatcher, visit_id, retired.id).status_code == 422
    active = factories.make_technician(skills=("large_appliance_install",))
    response = assign(dispatcher, visit_id, active.id, start=MONDAY_10_LOCAL - timedelta(hours=1))
    assert response.status_code == 422 and "past" in response.json["message"]


def test_a_cancelled_visit_cannot_be_assigned(cs, dispatcher, new_ticket, installer):
    ticket = new_ticket()
    cs.post(f"/api/v1/tickets/{ticket['id']}/cancel", json={"reason": "no longer needed"})
    response = assign(dispatcher, ticket["visits"][0]["id"], installer.id)
    assert response.status_code == 409
    assert response.json["current"] == "cancelled" and response.json["allowed"] == []


def test_assignment_bad_ids_and_roles(cs, dispatcher, new_ticket, installer):
    visit_id = new_ticket()["visits"][0]["id"]
    assert assign(dispatcher, 999, installer.id).status_code == 404
    response = assign(dispatcher, visit_id, 999)
    assert response.status_code == 422 and "technician_id" in response.json["errors"]["json"]
    assert assign(cs, visit_id, installer.id).status_code == 403
    bad = dispatcher.post(f"/api/v1/visits/{visit_id}/assignment", json={"technician_id": "x", "start": "tomorrow"})
    assert bad.status_code == 422 and set(bad.json["errors"]["json"]) == {"technician_id", "start"}


def test_unassigning_puts_the_visit_and_ticket_back_to_planning(cs, dispatcher, new_ticket, installer):
    ticket = new_ticket()
    visit_id = ticket["visits"][0]["id"]
    assign(dispatcher, visit_id, installer.id)
    response = dispatcher.delete(f"/api/v1/visits/{visit_id}/assignment")
    assert response.status_code == 200
    assert response.json["status"] == "unscheduled" and response.json["technician_id"] is None
    detail = cs.get(f"/api/v1/tickets/{ticket['id']}").json
    assert detail["status"] == "open"
    assert detail["timeline"][-1]["action"] == "visit_unscheduled"
    assert dispatcher.delete(f"/api/v1/visits/{visit_id}/assignment").status_code == 409


# --- listing and privacy ---


def _technician_client(login_as):
    user = factories.make_user("technician")
    user.technician.skills = [factories.make_skill("large_appliance_install")]
    db.session.commit()
    return login_as(user)


def test_staff_see_all_visits_with_the_customer_phone(cs, dispatcher, new_ticket, installer):
    first, second = new_ticket(), new_ticket()
    assign(dispatcher, first["visits"][0]["id"], installer.id)
    listed = dispatcher.get("/api/v1/visits").json
    assert {v["id"] for v in listed} == {first["visits"][0]["id"], second["visits"][0]["id"]}
    assert all(v["customer_phone"] == "13812345678" for v in listed)
    by_day = cs.get("/api/v1/visits?date=2026-11-24").json
    assert [v["id"] for v in by_day] == [first["visits"][0]["id"]]
    assert dispatcher.get(f"/api/v1/visits?technician_id={installer.id}").json[0]["id"] == first["visits"][0]["id"]


def test_technician_sees_only_own_visits(login_as, dispatcher, new_ticket, installer):
    me = _technician_client(login_as)
    mine, theirs = new_ticket(), new_ticket()
    assign(dispatcher, mine["visits"][0]["id"], me.user.technician.id)
    assign(dispatcher, theirs["visits"][0]["id"], installer.id)
    listed = me.get(f"/api/v1/visits?technician_id={installer.id}").json
    assert [v["id"] for v in listed] == [mine["visits"][0]["id"]]
    assert me.get(f"/api/v1/visits/{theirs['visits'][0]['id']}").status_code == 404
    assert me.get(f"/api/v1/visits/{mine['visits'][0]['id']}").status_code == 200


def test_technician_sees_phone_only_for_own_visits_today(login_as, dispatcher, new_ticket, clock):
    me = _technician_client(login_as)
    today, tomorrow = new_ticket(), new_ticket()
    assign(dispatcher, today["visits"][0]["id"], me.user.technician.id, start=MONDAY_10_LOCAL + timedelta(hours=2))
    assign(dispatcher, tomorrow["visits"][0]["id"], me.user.technician.id)
    listed = {v["id"]: v for v in me.get("/api/v1/visits").json}
    assert listed[today["visits"][0]["id"]]["customer_phone"] == "13812345678"
    assert "customer_phone" not in listed[tomorrow["visits"][0]["id"]]
    assert "customer_phone" not in me.get(f"/api/v1/visits/{tomorrow['visits'][0]['id']}").json
    # On Tuesday (local date) the Tuesday visit shows the phone, Monday's no longer does.
    clock.move_to(TUESDAY_9_LOCAL - timedelta(hours=1))
    me = login_as(me.user)
    listed = {v["id"]: v for v in me.get("/api/v1/visits").json}
    assert "customer_phone" in listed[tomorrow["visits"][0]["id"]]
    assert "customer_phone" not in listed[today["visits"][0]["id"]]


def test_unknown_visit_is_404_and_bad_filters_are_422(dispatcher, clock):
    assert dispatcher.get("/api/v1/visits/999").status_code == 404
    assert dispatcher.get("/api/v1/visits?date=tomorrow").status_code == 422
    assert dispatcher.get("/api/v1/visits?limit=10000").status_code == 422
