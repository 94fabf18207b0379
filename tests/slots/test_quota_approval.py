"""A visit beyond the order's visit quota waits for a manager: nothing books, plans or assigns it before approval."""

from __future__ import annotations

from sqlalchemy import func, select

from common.db import db
from dispatch.enums import TicketStatus, VisitStatus
from dispatch.models import TimelineEvent, Visit
from dispatch.service.visits import return_for_rebooking
from tests.slots.conftest import TUESDAY, local, technician, visit_at


def failed_first_visit():
    """A 4,599-yuan order (quota 1) whose only quota visit failed: the rebooking visit is beyond the quota."""
    first = visit_at(31.2397, 121.4998)
    first.status = VisitStatus.FAILED
    second = return_for_rebooking(first, reason="customer_absent", note=None, by=None)
    db.session.commit()
    return second


def events() -> int:
    return db.session.scalar(select(func.count()).select_from(TimelineEvent))


def decide(api, visit_id: int, **body):
    return api.post(f"/api/v1/visits/{visit_id}/quota-approval", json=body)


def test_the_rebooking_of_a_failed_quota_visit_waits_for_approval_and_cannot_be_booked(cs):
    technician("Wang Lei")
    second = failed_first_visit()

    shown = cs.get(f"/api/v1/visits/{second.id}").json
    assert shown["awaiting_quota_approval"] is True
    response = cs.post(f"/api/v1/visits/{second.id}/booking", json={"slot": local(TUESDAY, 10).isoformat()})
    assert response.status_code == 422
    assert "beyond the order's quota of 1; a manager must approve it" in response.json["message"]


def test_a_manager_approves_and_then_cs_books_the_visit(cs, login_as):
    technician("Wang Lei")
    second = failed_first_visit()
    manager = login_as("manager")

    response = decide(manager, second.id, decision="approve")

    assert response.status_code == 200, response.json
    assert response.json["approved_by_id"] == manager.user.id and response.json["awaiting_quota_approval"] is False
    offer = cs.get(f"/api/v1/visits/{second.id}/slots?days=1").json["offers"][0]
    assert cs.post(f"/api/v1/visits/{second.id}/booking", json={"slot": offer["slot_start"]}).status_code == 201
    actions = [e["action"] for e in cs.get(f"/api/v1/tickets/{second.ticket_id}").json["timeline"]]
    assert "quota_approved" in actions and actions[-1] == "slot_promised"


def test_a_refusal_needs_a_reason_and_cancels_the_visit(clock, login_as):
    second = failed_first_visit()
    manager = login_as("manager")
    before = events()

    missing = decide(manager, second.id, decision="refuse")
    assert missing.status_code == 422 and "reason" in missing.json["errors"]["json"]
    assert events() == before

    refused = decide(manager, second.id, decision="refuse", reason="已超出上门次数，改为退货处理")
    assert refused.status_code == 200 and refused.json["status"] == "cancelled"
    again = decide(manager, second.id, decision="approve")
    assert again.status_code == 409


def test_cs_and_dispatchers_cannot_approve(cs, login_as):
    second = failed_first_visit()
    assert decide(cs, second.id, decision="approve").status_code == 403
    assert decide(login_as("dispatcher"), second.id, decision="approve").status_code == 403
    db.session.expire_all()
    assert db.session.get(Visit, second.id).approved_by_id is None


def test_a_visit_within_the_quota_needs_no_approval(clock, login_as):
    visit = visit_at(31.2397, 121.4998)
    response = decide(login_as("manager"), visit.id, decision="approve")
    assert response.status_code == 409 and "not waiting for a quota approval" in response.json["message"]


def test_the_day_plan_leaves_an_unapproved_visit_out_and_counts_it_unassigned(clock, login_as):
    technician("Wang Lei")
    second = failed_first_visit()
    dispatcher = login_as("dispatcher")

    created = dispatcher.post(
        "/api/v1/plans", json={"date": TUESDAY.isoformat(), "region": "shanghai", "time_limit_s": 1}
    )

    assert created.status_code == 202, created.json
    plan = dispatcher.get(f"/api/v1/plans/{created.json['id']}").json
    left_out = [u for u in plan["unassigned"] if u["visit_id"] == second.id]
    assert [u["reason_code"] for u in left_out] == ["awaiting_quota_approval"]
    assert plan["kpis"]["unassigned"] == len(plan["unassigned"]) == 1


def test_a_manual_assignment_of_an_unapproved_visit_is_refused(clock, login_as):
    wang = technician("Wang Lei")
    second = failed_first_visit()
    response = login_as("dispatcher").post(
        f"/api/v1/visits/{second.id}/assignment",
        json={"technician_id": wang.id, "start": local(TUESDAY, 10).isoformat()},
    )
    assert response.status_code == 422 and "a manager must approve it" in response.json["message"]
    db.session.expire_all()
    assert db.session.get(Visit, second.id).status is VisitStatus.UNSCHEDULED


def test_cs_reopens_a_closed_ticket_with_a_visit_that_waits_for_approval_beyond_the_quota(cs):
    visit = visit_at(31.2397, 121.4998)
    visit.status = VisitStatus.COMPLETED
    visit.ticket.status = TicketStatus.CLOSED
    db.session.commit()

    missing = cs.post(f"/api/v1/tickets/{visit.ticket_id}/reopen", json={"reason": ""})
    assert missing.status_code == 422 and "reason" in missing.json["errors"]["json"]

    response = cs.post(f"/api/v1/tickets/{visit.ticket_id}/reopen", json={"reason": "客户反映空调又漏水"})

    assert response.status_code == 200, response.json
    assert response.json["status"] == "reopened" and response.json["visits_used"] == 2
    assert response.json["visits"][-1]["awaiting_quota_approval"] is True
    assert cs.post(f"/api/v1/tickets/{visit.ticket_id}/reopen", json={"reason": "again"}).status_code == 409
