"""End to end through the API: register -> assign -> technician on site -> service report -> follow-up -> closed."""

from __future__ import annotations

from datetime import timedelta

from common.db import db
from tests import factories
from tests.clock import MONDAY_10_LOCAL
from tests.steps import MONDAY_13_LOCAL, book, do_visit, register_and_book


def test_a_ticket_goes_from_registration_to_resolved_closure(crew, clock):
    cs, dispatcher, technician = crew
    ticket, visit_id = register_and_book(cs, dispatcher, technician.user.technician.id)
    start = MONDAY_13_LOCAL
    # The technician sees today's visit with the phone to call the customer.
    [mine] = technician.get("/api/v1/visits").json
    assert mine["id"] == visit_id and mine["customer_phone"] == "13812345678"

    clock.move_to(start - timedelta(minutes=40))
    follow_up_id = do_visit(technician, visit_id, clock)
    assert cs.get(f"/api/v1/tickets/{ticket['id']}").json["status"] == "awaiting_follow_up"
    assert [f["id"] for f in cs.get("/api/v1/followups").json] == [follow_up_id]

    call = cs.post(
        f"/api/v1/followups/{follow_up_id}/attempts",
        json={"outcome": "reached", "satisfaction": 5, "resolved": True, "note": "cooling well"},
    )
    assert call.status_code == 201, call.json

    detail = cs.get(f"/api/v1/tickets/{ticket['id']}").json
    assert (detail["status"], detail["close_reason"]) == ("closed", "resolved")
    actions = [e["action"] for e in detail["timeline"]]
    # Other actions (the technician side's own entries) may come between these.
    assert _in_order(
        actions,
        [
            "created",
            "visit_scheduled",
            "visit_accepted",
            "visit_en_route",
            "visit_arrived",
            "visit_completed",
            "follow_up_queued",
            "follow_up_attempt",
            "closed",
        ],
    )
    statuses = [(e["detail"]["from"], e["detail"]["to"]) for e in detail["timeline"] if e["action"] == "status_changed"]
    assert statuses == [
        ("open", "scheduled"),
        ("scheduled", "in_service"),
        ("in_service", "awaiting_follow_up"),
        ("awaiting_follow_up", "closed"),
    ]
    moments = [e["at"] for e in detail["timeline"]]
    assert moments == sorted(moments)
    assert cs.get("/api/v1/followups").json == []


def test_an_unresolved_ticket_reopens_and_closes_after_a_second_visit(crew, clock, login_as):
    cs, dispatcher, technician = crew
    payload = factories.ticket_payload(
        type="repair",
        cause="quality",
        order={"platform": "jd", "order_no": "JD2026", "order_value": 15000, "purchase_date": "2026-09-01"},
    )
    factories.make_skill("large_appliance_repair")
    technician.user.technician.skills = [factories.make_skill("large_appliance_repair")]
    db.session.commit()
    ticket = cs.post("/api/v1/tickets", json=payload).json
    assert ticket["visit_quota"] == 2 and ticket["responsibility"] == "seller"

    start = MONDAY_10_LOCAL + timedelta(hours=1)  # 11:00 local
    tech_id = technician.user.technician.id
    book(dispatcher, ticket["visits"][0]["id"], tech_id, start)
    clock.move_to(start - timedelta(minutes=40))
    first_follow_up = do_visit(technician, ticket["visits"][0]["id"], clock, result="not_resolved")
    reopened = cs.post(
        f"/api/v1/followups/{first_follow_up}/attempts",
        json={"outcome": "reached", "satisfaction": 2, "resolved": False, "note": "still noisy"},
    )
    assert reopened.status_code == 201, reopened.json
    detail = cs.get(f"/api/v1/tickets/{ticket['id']}").json
    assert detail["status"] == "reopened" and detail["visits_used"] == 2
    second_visit = detail["visits"][1]["id"]

    # Next day: the second visit, then the follow-up call that closes the ticket.
    clock.move_to(MONDAY_10_LOCAL + timedelta(days=1) - timedelta(hours=1))  # Tuesday 09:00 local
    cs, dispatcher, technician = login_as(cs.user), login_as(dispatcher.user), login_as(technician.user)
    tuesday_start = MONDAY_10_LOCAL + timedelta(days=1)
    book(dispatcher, second_visit, tech_id, tuesday_start)
    clock.move_to(tuesday_start - timedelta(minutes=40))
    second_follow_up = do_visit(technician, second_visit, clock)
    closed = cs.post(
        f"/api/v1/followups/{second_follow_up}/attempts",
        json={"outcome": "reached", "satisfaction": 4, "resolved": True},
    )
    assert closed.status_code == 201, closed.json

    detail = cs.get(f"/api/v1/tickets/{ticket['id']}").json
    assert (detail["status"], detail["close_reason"]) == ("closed", "resolved")
    assert [v["status"] for v in detail["visits"]] == ["completed", "completed"]
    assert _in_order(
        [e["action"] for e in detail["timeline"]],
        [
            "created",
            "visit_scheduled",
            "visit_completed",
            "follow_up_attempt",
            "reopened",
            "visit_scheduled",
            "visit_completed",
            "follow_up_attempt",
            "closed",
        ],
    )


def _in_order(actions: list[str], expected: list[str]) -> bool:
    """True when `expected` appears in `actions` in this order (other actions may come between)."""
    remaining = iter(actions)
    return all(any(a == wanted for a in remaining) for wanted in expected)
