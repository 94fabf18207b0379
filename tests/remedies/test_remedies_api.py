"""CS records remedies on the ladder; a manager decides compensation above 30 yuan; returns get a pickup and a
warehouse; the warehouse's receipt check lands on the ticket. Through the API, on both backends."""

from __future__ import annotations

from sqlalchemy import func, select

from common.db import db
from dispatch.models import TimelineEvent, Visit
from dispatch.remedies.models import ReceiptCheck, Remedy, ReturnOrder
from tests import factories
from tests.concurrency import at_once, statuses
from tests.steps import assign, finish_visit


def offer(api, ticket_id: int, step: str, answer: str = "accepted", **kw):
    return api.post(f"/api/v1/tickets/{ticket_id}/remedies", json={"step": step, "answer": answer, **kw})


def actions(ticket_id: int) -> list[str]:
    db.session.expire_all()
    rows = db.session.scalars(
        select(TimelineEvent).where(TimelineEvent.ticket_id == ticket_id).order_by(TimelineEvent.id)
    )
    return [e.action for e in rows]


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def test_cs_goes_up_the_ladder_and_a_small_compensation_is_given_at_once(cs, new_ticket):
    ticket = new_ticket(cause="quality")
    assert offer(cs, ticket["id"], "explanation", "declined", note="解释了安装流程").status_code == 201
    assert offer(cs, ticket["id"], "coupon", "declined", amount_yuan="20").status_code == 201
    response = offer(cs, ticket["id"], "compensation", amount_yuan="30")

    assert response.status_code == 201, response.json
    assert response.json["status"] == "accepted"
    assert response.json["amount_yuan"] == "30.00"
    assert response.json["payer"] == "seller"  # quality problem: the seller pays
    listing = cs.get(f"/api/v1/tickets/{ticket['id']}/remedies").json
    assert [r["step"] for r in listing["remedies"]] == ["explanation", "coupon", "compensation"]
    assert listing["settled"] is True and listing["allowed_steps"] == []
    assert actions(ticket["id"]).count("remedy_offered") == 3


def test_who_pays_follows_the_cause_of_the_ticket(cs, new_ticket):
    moved = new_ticket(cause="transport_damage")
    assert offer(cs, moved["id"], "coupon", amount_yuan="10").json["payer"] == "logistics"
    unsure = new_ticket(cause=None)
    assert offer(cs, unsure["id"], "explanation").json["payer"] == "undetermined"


def test_compensation_of_50_yuan_waits_for_a_manager_who_approves_it(cs, manager, new_ticket):
    ticket = new_ticket(cause="quality")
    response = offer(cs, ticket["id"], "compensation", amount_yuan=50)
    assert response.status_code == 201 and response.json["status"] == "pending_approval"
    remedy_id = response.json["id"]

    assert offer(cs, ticket["id"], "exchange").status_code == 409  # nothing more until the manager decides
    refused = cs.post(f"/api/v1/remedies/{remedy_id}/approval", json={"decision": "approve"})
    assert refused.status_code == 403
    approved = manager.post(f"/api/v1/remedies/{remedy_id}/approval", json={"decision": "approve"})

    assert approved.status_code == 200, approved.json
    assert approved.json["status"] == "approved" and approved.json["decided_by"]["username"] == manager.user.username
    again = manager.post(f"/api/v1/remedies/{remedy_id}/approval", json={"decision": "approve"})
    assert again.status_code == 409
    assert actions(ticket["id"])[-3:] == ["remedy_offered", "remedy_approval_requested", "remedy_approved"]


def test_a_manager_refuses_a_compensation_with_a_reason_and_cs_may_go_on_up_the_ladder(cs, manager, new_ticket):
    ticket = new_ticket(cause="quality")
    remedy_id = offer(cs, ticket["id"], "compensation", amount_yuan="80").json["id"]

    no_reason = manager.post(f"/api/v1/remedies/{remedy_id}/approval", json={"decision": "refuse"})
    assert no_reason.status_code == 422 and "reason" in no_reason.json["errors"]["json"]
    refused = manager.post(
        f"/api/v1/remedies/{remedy_id}/approval", json={"decision": "refuse", "reason": "金额过高，建议换货"}
    )
    assert refused.status_code == 200 and refused.json["status"] == "refused"
    assert refused.json["decision_reason"] == "金额过高，建议换货"
    assert offer(cs, ticket["id"], "coupon", "declined").status_code == 422  # still no way back down
    assert offer(cs, ticket["id"], "compensation", amount_yuan="25").json["status"] == "accepted"


def test_a_manager_recording_a_large_compensation_approves_it_at_once(manager, new_ticket):
    ticket = new_ticket(api=manager, cause="quality")
    response = offer(manager, ticket["id"], "compensation", amount_yuan="100")
    assert response.json["status"] == "approved" and response.json["decided_by"]["username"] == manager.user.username


def test_going_back_down_the_ladder_is_refused_naming_the_step_and_nothing_is_written(cs, new_ticket):
    ticket = new_ticket()
    offer(cs, ticket["id"], "compensation", "declined", amount_yuan="10")
    before = count(Remedy)

    response = offer(cs, ticket["id"], "coupon")

    assert response.status_code == 422
    assert list(response.json["errors"]["json"]) == ["step"]
    assert "compensation" in response.json["message"].lower()
    assert count(Remedy) == before


def test_bad_amounts_are_refused_naming_the_amount_field(cs, new_ticket):
    ticket = new_ticket()
    for amount in ("abc", "3", "12.345", "-5"):
        response = offer(cs, ticket["id"], "compensation", amount_yuan=amount)
        assert response.status_code == 422, amount
        assert list(response.json["errors"]["json"]) == ["amount_yuan"], amount
    missing = offer(cs, ticket["id"], "compensation")
    assert missing.status_code == 422 and list(missing.json["errors"]["json"]) == ["amount_yuan"]
    assert offer(cs, ticket["id"], "explanation", amount_yuan="5").status_code == 422
    assert offer(cs, ticket["id"], "refund").status_code == 422
    assert cs.post(f"/api/v1/tickets/{ticket['id']}/remedies", json={"step": "coupon"}).status_code == 422
    assert count(Remedy) == 0


def test_a_chinese_reader_gets_the_refusal_in_chinese(cs, new_ticket):
    ticket = new_ticket()
    response = cs.post(
        f"/api/v1/tickets/{ticket['id']}/remedies?lang=zh_CN",
        json={"step": "compensation", "answer": "accepted", "amount_yuan": "3"},
    )
    assert response.status_code == 422
    assert "补偿" in response.json["message"] and "yuan" not in response.json["message"]


def test_a_retried_offer_with_the_same_idempotency_key_records_one_remedy(cs, new_ticket):
    ticket = new_ticket()
    body = {"step": "coupon", "answer": "accepted", "amount_yuan": "15"}
    headers = {"Idempotency-Key": "remedy-1"}
    first = cs.post(f"/api/v1/tickets/{ticket['id']}/remedies", json=body, headers=headers)
    second = cs.post(f"/api/v1/tickets/{ticket['id']}/remedies", json=body, headers=headers)
    assert first.status_code == second.status_code == 201
    assert second.headers.get("Idempotent-Replayed") == "true" and second.json["id"] == first.json["id"]
    assert count(Remedy) == 1


def test_two_managers_deciding_at_once_decide_once(app, cs, manager, login_as, new_ticket):
    ticket = new_ticket()
    remedy_id = offer(cs, ticket["id"], "compensation", amount_yuan="60").json["id"]
    other = login_as("manager")
    tokens = [manager.token, other.token]

    def send(client):
        token = tokens.pop()
        return client.post(
            f"/api/v1/remedies/{remedy_id}/approval",
            json={"decision": "approve"},
            headers={"Authorization": f"Bearer {token}"},
        )

    assert statuses(at_once(app, 2, send)) == [200, 409]
    assert actions(ticket["id"]).count("remedy_approved") == 1


def test_two_agents_recording_a_large_compensation_at_once_leave_one_waiting_for_the_manager(app, cs, new_ticket):
    ticket = new_ticket()
    body = {"step": "compensation", "answer": "accepted", "amount_yuan": "50"}
    answers = at_once(
        app,
        2,
        lambda client: client.post(
            f"/api/v1/tickets/{ticket['id']}/remedies", json=body, headers={"Authorization": f"Bearer {cs.token}"}
        ),
    )
    assert statuses(answers) == [201, 409]
    assert count(Remedy) == 1


def test_a_return_of_a_small_appliance_gets_a_pickup_visit_and_goes_to_the_beijing_factory(
    cs, dispatcher, served_ticket
):
    ticket = served_ticket(category="small_appliance", order_value=12000.0)
    response = offer(cs, ticket["id"], "return", note="客户要求退货")

    assert response.status_code == 201, response.json
    order = response.json["return_order"]
    assert order["kind"] == "return" and order["warehouse"] == "beijing_factory"
    assert order["status"] == "awaiting_pickup" and order["pickup_visit_status"] == "unscheduled"
    visit = cs.get(f"/api/v1/visits/{order['pickup_visit_id']}").json
    assert visit["ticket_id"] == ticket["id"] and visit["sequence_no"] == 2
    assert visit["required_skills"] == []  # a small appliance is simply collected
    assert visit["duration_s"] == 30 * 60
    detail = cs.get(f"/api/v1/tickets/{ticket['id']}").json
    assert detail["status"] == "reopened"  # the follow-up waits until after the pickup
    assert {"remedy_offered", "pickup_visit_added", "return_order_created"} <= set(actions(ticket["id"]))
    # The pickup is a visit like any other: a dispatcher plans it.
    anyone = factories.make_technician(skills=())
    assert assign(dispatcher, order["pickup_visit_id"], anyone.id).status_code == 200


def test_an_exchange_of_a_large_appliance_goes_to_the_zhongshan_factory_with_an_install_visit(cs, served_ticket):
    ticket = served_ticket(category="large_appliance")
    order = offer(cs, ticket["id"], "exchange").json["return_order"]
    assert order["kind"] == "exchange" and order["warehouse"] == "zhongshan_factory"
    visit = db.session.get(Visit, order["pickup_visit_id"])
    assert visit.required_skills == ["large_appliance_install"] and visit.duration_s == 90 * 60


def test_the_destination_warehouse_comes_from_the_configuration(app, cs, served_ticket, monkeypatch):
    monkeypatch.setitem(app.config, "RETURN_WAREHOUSES", {"furniture": "shanghai_depot"})
    ticket = served_ticket(category="furniture")
    assert offer(cs, ticket["id"], "return").json["return_order"]["warehouse"] == "shanghai_depot"


def test_a_pickup_beyond_the_order_quota_waits_for_a_manager(cs, served_ticket):
    ticket = served_ticket(order_value=4599.0)  # quota 1, used by the installation
    order = offer(cs, ticket["id"], "return").json["return_order"]
    visit = cs.get(f"/api/v1/visits/{order['pickup_visit_id']}").json
    assert visit["awaiting_quota_approval"] is True
    assert "quota_approval_requested" in actions(ticket["id"])


def test_a_declined_return_creates_nothing(cs, served_ticket):
    ticket = served_ticket()
    assert offer(cs, ticket["id"], "return", "declined").json["return_order"] is None
    assert count(ReturnOrder) == 0 and len(cs.get(f"/api/v1/tickets/{ticket['id']}").json["visits"]) == 1


def test_a_return_while_a_visit_is_still_to_be_done_is_a_conflict(cs, new_ticket):
    ticket = new_ticket(type="repair")  # its repair visit is not done yet
    response = offer(cs, ticket["id"], "return")
    assert response.status_code == 409
    assert count(Remedy) == 0


def test_a_return_ticket_uses_its_own_visit_as_the_pickup(cs, new_ticket):
    ticket = new_ticket(type="return_pickup", cause="change_of_mind")
    order = offer(cs, ticket["id"], "return").json["return_order"]
    assert order["pickup_visit_id"] == ticket["visits"][0]["id"]


def test_the_warehouse_records_its_receipt_check_once_the_unit_is_picked_up(cs, dispatcher, served_ticket):
    ticket = served_ticket(category="small_appliance")
    order = offer(cs, ticket["id"], "return").json["return_order"]
    check = {"packaging_ok": True, "appearance_ok": False, "quantity_ok": True, "note": "外壳有划痕"}
    url = f"/api/v1/remedies/returns/{order['id']}/receipt-check"

    assert dispatcher.post(url, json=check).status_code == 409  # not picked up yet
    assert assign(dispatcher, order["pickup_visit_id"], factories.make_technician(skills=()).id).status_code == 200
    finish_visit(order["pickup_visit_id"])
    response = dispatcher.post(url, json=check)

    assert response.status_code == 201, response.json
    assert response.json["status"] == "to_repair"
    assert response.json["receipt"]["appearance_ok"] is False and response.json["receipt"]["note"] == "外壳有划痕"
    assert actions(ticket["id"])[-1] == "receipt_checked"
    assert dispatcher.post(url, json=check).status_code == 409
    assert count(ReceiptCheck) == 1


def test_a_receipt_check_must_say_all_three_checks(cs, dispatcher, served_ticket):
    ticket = served_ticket(category="small_appliance")
    order = offer(cs, ticket["id"], "return").json["return_order"]
    response = dispatcher.post(
        f"/api/v1/remedies/returns/{order['id']}/receipt-check", json={"packaging_ok": True, "appearance_ok": "maybe"}
    )
    assert response.status_code == 422
    assert set(response.json["errors"]["json"]) == {"appearance_ok", "quantity_ok"}


def test_technicians_cannot_record_remedies(login_as, new_ticket):
    ticket = new_ticket()
    technician = login_as("technician")
    assert offer(technician, ticket["id"], "explanation").status_code == 403


def test_the_remedy_paths_are_in_the_openapi_document(client):
    paths = client.get("/api/openapi.json").json["paths"]
    assert "/api/v1/tickets/{ticket_id}/remedies" in paths
    assert "/api/v1/remedies/{remedy_id}/approval" in paths
    assert "/api/v1/remedies/returns/{return_id}/receipt-check" in paths


def test_remedies_decisions_and_receipt_checks_go_to_the_webhook_outbox(cs, manager, dispatcher, served_ticket):
    from common.outbox import OutboxEvent

    ticket = served_ticket(category="small_appliance")
    remedy_id = offer(cs, ticket["id"], "compensation", amount_yuan="45").json["id"]
    manager.post(f"/api/v1/remedies/{remedy_id}/approval", json={"decision": "refuse", "reason": "改为退货"})
    order = offer(cs, ticket["id"], "return").json["return_order"]
    assign(dispatcher, order["pickup_visit_id"], factories.make_technician(skills=()).id)
    finish_visit(order["pickup_visit_id"])
    dispatcher.post(
        f"/api/v1/remedies/returns/{order['id']}/receipt-check",
        json={"packaging_ok": True, "appearance_ok": True, "quantity_ok": True},
    )

    db.session.expire_all()
    events = db.session.scalars(
        select(OutboxEvent)
        .where(OutboxEvent.ticket_id == ticket["id"], OutboxEvent.type.like("re%"))
        .order_by(OutboxEvent.id)
    ).all()
    assert [e.type for e in events] == [
        "remedy.recorded",
        "remedy.decided",
        "remedy.recorded",
        "return.receipt_checked",
    ]
    first, decided, returned, checked = (e.payload["data"] for e in events)
    assert first["remedy"]["status"] == "pending_approval" and first["remedy"]["amount_yuan"] == "45.00"
    assert decided["remedy"]["status"] == "refused"
    assert returned["remedy"]["return_order"]["warehouse"] == "beijing_factory"
    assert checked["receipt"]["outcome"] == "to_stock" and checked["remedy"]["return_order"]["status"] == "to_stock"


def test_a_failed_pickup_rebooked_moves_the_return_order_to_the_new_visit(cs, dispatcher, served_ticket):
    from dispatch.enums import VisitStatus
    from dispatch.service.visits import return_for_rebooking

    ticket = served_ticket(category="small_appliance", order_value=35000.0)  # quota 3: room for the rebooking
    order = offer(cs, ticket["id"], "return").json["return_order"]
    collector = factories.make_technician(skills=())
    assert assign(dispatcher, order["pickup_visit_id"], collector.id).status_code == 200
    failed = db.session.get(Visit, order["pickup_visit_id"])
    failed.status = VisitStatus.FAILED  # nobody was home to hand the unit over
    rebooked = return_for_rebooking(failed, reason="customer_absent", note="敲门无人应答", by=None)
    db.session.commit()

    moved = cs.get(f"/api/v1/remedies/returns/{order['id']}").json
    assert moved["pickup_visit_id"] == rebooked.id != failed.id
    assert (moved["status"], moved["pickup_visit_status"]) == ("awaiting_pickup", "unscheduled")
    assert actions(ticket["id"])[-1] == "pickup_visit_rebooked"
    booked = assign(dispatcher, rebooked.id, collector.id)
    assert booked.status_code == 200, booked.json
    assert cs.get(f"/api/v1/remedies/returns/{order['id']}").json["pickup_visit_status"] == "scheduled"
    finish_visit(rebooked.id)
    check = {"packaging_ok": True, "appearance_ok": True, "quantity_ok": True}
    received = dispatcher.post(f"/api/v1/remedies/returns/{order['id']}/receipt-check", json=check)
    assert received.status_code == 201 and received.json["status"] == "to_stock"
