"""Ticket API: registration rules, bad input, listing, detail with timeline, cancelling."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from common.db import db
from dispatch.models import Customer, Order, Product, Ticket
from tests import factories
from tests.clock import MONDAY_10_LOCAL
from tests.steps import assign


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# --- registration ---


def test_cs_registers_a_ticket_with_warranty_quota_due_time_and_a_first_visit(cs, new_ticket):
    body = new_ticket(
        order={"platform": "jd", "order_no": "JD1", "order_value": 12000, "purchase_date": "2026-10-24"},
        cause="quality",
    )
    assert body["status"] == "open"
    assert body["warranty"] == {"status": "in_warranty", "until": "2029-10-23"}
    assert body["visit_quota"] == 2 and body["visits_used"] == 1
    assert body["due_at"] == (MONDAY_10_LOCAL + timedelta(days=5)).isoformat()
    assert body["overdue"] is False
    assert body["responsibility"] == "seller"
    assert body["owner"]["id"] == cs.user.id
    [visit] = body["visits"]
    assert visit["status"] == "unscheduled"
    assert visit["required_skills"] == ["large_appliance_install"]
    assert visit["duration_s"] == 90 * 60


def test_return_pickup_is_due_within_three_days(new_ticket):
    body = new_ticket(type="return_pickup", cause="change_of_mind")
    assert body["due_at"] == (MONDAY_10_LOCAL + timedelta(days=3)).isoformat()
    assert body["responsibility"] == "customer"


def test_requested_skills_and_duration_replace_the_defaults(new_ticket):
    factories.make_skill("gas_heater")
    body = new_ticket(required_skills=["gas_heater"], duration_min=45, priority=5, district="pudong", region="shanghai")
    assert body["visits"][0]["required_skills"] == ["gas_heater"]
    assert body["visits"][0]["duration_s"] == 45 * 60
    assert body["priority"] == 5 and body["customer"]["district"] == "pudong"


def test_an_existing_order_and_its_customer_are_reused(new_ticket):
    first = factories.ticket_payload()
    new_ticket(**first)
    second = factories.ticket_payload(order=first["order"], type="repair")
    new_ticket(**second)
    assert count(Order) == 1 and count(Customer) == 1
    assert count(Product) == 2  # two units (serial numbers) on one order


def test_an_existing_order_sent_with_another_value_is_a_conflict(cs, new_ticket):
    payload = factories.ticket_payload()
    new_ticket(**payload)
    changed = factories.ticket_payload(order={**payload["order"], "order_value": 9999})
    response = cs.post("/api/v1/tickets", json=changed)
    assert response.status_code == 409
    assert "stored with value 4599.00" in response.json["message"]
    assert response.json["order_value"] == "4599.00"  # money as a decimal string, like every answer
    assert count(Ticket) == 1


def test_the_same_open_ticket_sent_twice_names_the_existing_ticket(cs, new_ticket):
    payload = factories.ticket_payload()
    first = new_ticket(**payload)
    response = cs.post("/api/v1/tickets", json=payload)
    assert response.status_code == 409
    assert response.json["ticket_id"] == first["id"]
    assert f"Ticket {first['id']} is already open" in response.json["message"]


def test_a_cancelled_ticket_does_not_block_a_new_one(cs, new_ticket):
    payload = factories.ticket_payload()
    first = new_ticket(**payload)
    assert (
        cs.post(f"/api/v1/tickets/{first['id']}/cancel", json={"reason": "customer changed plans"}).status_code == 200
    )
    assert cs.post("/api/v1/tickets", json=payload).status_code == 201


def test_a_request_refused_late_leaves_no_customer_order_or_product(cs):
    # The skill check comes after the customer, order and product rows were flushed.
    response = cs.post("/api/v1/tickets", json=factories.ticket_payload(required_skills=["no_such_skill"]))
    assert response.status_code == 422
    assert response.json["errors"] == {"json": {"required_skills": [response.json["message"]]}}
    assert (count(Customer), count(Order), count(Product), count(Ticket)) == (0, 0, 0, 0)


def test_only_cs_registers_tickets(login_as, clock):
    for role in ("technician", "dispatcher"):
        response = login_as(role).post("/api/v1/tickets", json=factories.ticket_payload())
        assert response.status_code == 403, role
    assert count(Ticket) == 0


def test_registration_needs_a_login(client, clock):
    assert client.post("/api/v1/tickets", json=factories.ticket_payload()).status_code == 401


# --- bad input ---


def test_a_schema_error_has_the_pinned_422_shape(cs):
    payload = factories.ticket_payload(type="teleport")
    response = cs.post("/api/v1/tickets", json=payload)
    assert response.status_code == 422
    assert response.json == {
        "code": 422,
        "status": "Unprocessable Entity",
        "message": "Fix these fields: json.type",
        "errors": {
            "json": {
                "type": [
                    "Must be one of: Installation (installation), Repair (repair), Inspection (inspection), "
                    "Return pickup (return_pickup), Exchange (exchange)."
                ]
            }
        },
    }


def test_malformed_json_is_a_bad_request(cs):
    response = cs.post("/api/v1/tickets", data="{not json", headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json["code"] == 400


def test_wrong_types_are_refused_per_field(cs):
    payload = factories.ticket_payload(priority="high")
    payload["order"]["order_value"] = "a lot"
    payload["customer"]["lat"] = "north"
    response = cs.post("/api/v1/tickets", json=payload)
    assert response.status_code == 422
    errors = response.json["errors"]["json"]
    assert set(errors) == {"priority", "order", "customer"}
    assert "order_value" in errors["order"] and "lat" in errors["customer"]


def test_huge_strings_are_refused(cs):
    payload = factories.ticket_payload(description="x" * 5000)
    payload["customer"]["name"] = "王" * 500
    response = cs.post("/api/v1/tickets", json=payload)
    assert response.status_code == 422
    assert set(response.json["errors"]["json"]) == {"description", "customer"}


def test_negative_order_value_is_refused(cs):
    payload = factories.ticket_payload()
    payload["order"]["order_value"] = -1
    response = cs.post("/api/v1/tickets", json=payload)
    assert response.status_code == 422
    assert "order_value" in response.json["errors"]["json"]["order"]


def test_coordinates_outside_the_globe_are_refused(cs):
    payload = factories.ticket_payload()
    payload["customer"].update(lat=91, lon=-181)
    response = cs.post("/api/v1/tickets", json=payload)
    assert response.status_code == 422
    assert set(response.json["errors"]["json"]["customer"]) == {"lat", "lon"}


def test_availability_window_must_end_after_it_starts(cs):
    start = MONDAY_10_LOCAL + timedelta(days=1)
    payload = factories.ticket_payload(
        availability=[{"start": start.isoformat(), "end": (start - timedelta(hours=1)).isoformat()}]
    )
    response = cs.post("/api/v1/tickets", json=payload)
    assert response.status_code == 422
    assert response.json["errors"]["json"]["availability"] == {"0": {"end": ["The window must end after it starts."]}}


def test_naive_times_and_future_purchase_dates_are_refused(cs):
    payload = factories.ticket_payload(availability=[{"start": "2026-11-24T09:00:00", "end": "2026-11-24T11:00:00"}])
    payload["order"]["purchase_date"] = "2026-12-25"
    response = cs.post("/api/v1/tickets", json=payload)
    assert response.status_code == 422
    errors = response.json["errors"]["json"]
    assert "purchase_date" in errors["order"] and "availability" in errors


def test_unknown_cause_lists_the_allowed_causes(cs):
    response = cs.post("/api/v1/tickets", json=factories.ticket_payload(cause="bad_luck"))
    assert response.status_code == 422
    assert response.json["errors"]["json"]["cause"] == [
        "Must be one of: Quality problem (quality), Wrong item (wrong_item), Missing item (missing_item), "
        "Change of mind (change_of_mind), Transport damage (transport_damage)."
    ]
    chinese = cs.post(
        "/api/v1/tickets", json=factories.ticket_payload(cause="bad_luck"), headers={"Accept-Language": "zh-CN"}
    )
    assert chinese.json["errors"]["json"]["cause"] == [
        "必须是以下之一：质量问题 (quality)、发错货 (wrong_item)、少件 (missing_item)、不想要了 (change_of_mind)、"
        "运输损坏 (transport_damage)。"
    ]


# --- listing and detail ---


def test_staff_list_tickets_filtered_by_status_and_owner(cs, login_as, new_ticket, dispatcher):
    other_cs = login_as("cs")
    mine = new_ticket()
    theirs = new_ticket(api=other_cs)
    cs.post(f"/api/v1/tickets/{theirs['id']}/cancel", json={"reason": "duplicate call"})
    response = dispatcher.get(f"/api/v1/tickets?owner={cs.user.id}")
    assert response.status_code == 200
    assert [t["id"] for t in response.json] == [mine["id"]]
    assert [t["id"] for t in dispatcher.get("/api/v1/tickets?status=cancelled").json] == [theirs["id"]]
    assert len(dispatcher.get("/api/v1/tickets").json) == 2


def test_ticket_list_is_paginated(cs, new_ticket):
    for _ in range(3):
        new_ticket()
    response = cs.get("/api/v1/tickets?page=2&page_size=2")
    assert len(response.json) == 1
    assert '"total": 3' in response.headers["X-Pagination"]


def test_ticket_list_filters_by_local_registration_date(cs, new_ticket, clock):
    new_ticket()
    assert len(cs.get("/api/v1/tickets?date=2026-11-23").json) == 1
    assert cs.get("/api/v1/tickets?date=2026-11-22").json == []


def test_technicians_cannot_list_tickets(login_as, clock):
    assert login_as("technician").get("/api/v1/tickets").status_code == 403


def test_ticket_detail_shows_the_timeline_in_order(cs, new_ticket):
    created = new_ticket()
    cs.post(f"/api/v1/tickets/{created['id']}/cancel", json={"reason": "customer bought elsewhere"})
    body = cs.get(f"/api/v1/tickets/{created['id']}").json
    actions = [event["action"] for event in body["timeline"]]
    assert actions == ["created", "status_changed", "visit_cancelled", "cancelled"]
    first = body["timeline"][0]
    assert first["actor"] == cs.user.display_name and first["visit_id"] == created["visits"][0]["id"]
    assert first["at"] == MONDAY_10_LOCAL.isoformat()


def test_unknown_ticket_is_404(cs):
    assert cs.get("/api/v1/tickets/999").status_code == 404
    assert cs.post("/api/v1/tickets/999/cancel", json={"reason": "x"}).status_code == 404


def test_a_ticket_past_its_due_time_is_flagged_overdue(cs, login_as, new_ticket, clock):
    created = new_ticket(type="return_pickup")
    clock.tick(timedelta(days=3))
    assert login_as(cs.user).get(f"/api/v1/tickets/{created['id']}").json["overdue"] is False
    clock.tick(timedelta(seconds=1))
    assert login_as(cs.user).get(f"/api/v1/tickets/{created['id']}").json["overdue"] is True


# --- cancelling ---


def test_cancelling_cancels_open_visits_and_records_the_reason(cs, dispatcher, new_ticket, installer):
    created = new_ticket()
    assert assign(dispatcher, created["visits"][0]["id"], installer.id).status_code == 200
    response = cs.post(f"/api/v1/tickets/{created['id']}/cancel", json={"reason": "customer bought elsewhere"})
    assert response.status_code == 200
    body = response.json
    assert body["status"] == "cancelled" and body["close_reason"] == "cancelled"
    assert body["close_note"] == "customer bought elsewhere"
    assert [v["status"] for v in body["visits"]] == ["cancelled"]


def test_a_ticket_in_service_cannot_be_cancelled(cs, clock):
    ticket, _visit = factories.make_ticket_with_visit(technician=factories.make_technician(), visit_status="en_route")
    response = cs.post(f"/api/v1/tickets/{ticket.id}/cancel", json={"reason": "too late"})
    assert response.status_code == 409
    assert response.json["current"] == "in_service"
    assert response.json["allowed"] == ["awaiting_follow_up", "open", "scheduled"]


def test_cancelling_needs_a_reason_and_the_cs_role(cs, dispatcher, new_ticket):
    created = new_ticket()
    assert cs.post(f"/api/v1/tickets/{created['id']}/cancel", json={}).status_code == 422
    assert dispatcher.post(f"/api/v1/tickets/{created['id']}/cancel", json={"reason": "x"}).status_code == 403
