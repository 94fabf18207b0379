"""Follow-up API: the owner's queue, call rules, closing, reopening within the quota, unreachable customers."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from common.db import db
from dispatch.enums import CallOutcome
from dispatch.models import CallAttempt, Ticket, TimelineEvent, Visit
from dispatch.service.follow_ups import record_call_attempt
from tests.clock import MONDAY_10_LOCAL
from tests.steps import assign, finish_visit


def _visited_ticket(new_ticket, dispatcher, installer, **overrides) -> tuple[dict, int]:
    """A ticket whose first visit is done and whose follow-up waits in the creator's queue."""
    ticket = new_ticket(**overrides)
    assert assign(dispatcher, ticket["visits"][0]["id"], installer.id).status_code == 200
    return ticket, finish_visit(ticket["visits"][0]["id"])


def call(api, follow_up_id: int, **body):
    return api.post(f"/api/v1/followups/{follow_up_id}/attempts", json=body)


def test_cs_sees_own_pending_follow_ups_oldest_first(cs, login_as, dispatcher, new_ticket, installer, clock):
    other = login_as("cs")
    _, first = _visited_ticket(new_ticket, dispatcher, installer)
    clock.tick(timedelta(minutes=5))
    _, second = _visited_ticket(new_ticket, dispatcher, installer)
    _visited_ticket(lambda **kw: new_ticket(api=other, **kw), dispatcher, installer)
    queue = cs.get("/api/v1/followups")
    assert queue.status_code == 200
    assert [f["id"] for f in queue.json] == [first, second]
    assert queue.json[0]["customer"]["phone"] == "13812345678"
    assert cs.get(f"/api/v1/followups?owner={other.user.id}").status_code == 403


def test_manager_sees_every_queue_or_one_owners(cs, manager, dispatcher, new_ticket, installer):
    _, follow_up = _visited_ticket(new_ticket, dispatcher, installer)
    assert [f["id"] for f in manager.get("/api/v1/followups").json] == [follow_up]
    assert manager.get(f"/api/v1/followups?owner={cs.user.id}").json[0]["owner"]["id"] == cs.user.id
    assert manager.get(f"/api/v1/followups?owner={manager.user.id}").json == []


def test_reached_and_resolved_closes_the_ticket(cs, dispatcher, new_ticket, installer):
    ticket, follow_up = _visited_ticket(new_ticket, dispatcher, installer)
    response = call(cs, follow_up, outcome="reached", satisfaction=5, resolved=True, note="works fine")
    assert response.status_code == 201
    assert response.json["status"] == "done" and response.json["ticket_status"] == "closed"
    detail = cs.get(f"/api/v1/tickets/{ticket['id']}").json
    assert detail["close_reason"] == "resolved"
    assert [e["action"] for e in detail["timeline"]][-3:] == ["follow_up_attempt", "status_changed", "closed"]
    assert cs.get("/api/v1/followups").json == []


def test_reached_but_not_resolved_within_quota_reopens_with_a_new_visit(cs, dispatcher, new_ticket, installer):
    # 12,000 yuan allows 2 visits: the first is used, the re-visit fits the quota.
    ticket, follow_up = _visited_ticket(
        new_ticket,
        dispatcher,
        installer,
        order={"platform": "jd", "order_no": "JD77", "order_value": 12000, "purchase_date": "2026-10-01"},
    )
    response = call(cs, follow_up, outcome="reached", satisfaction=2, resolved=False, note="still leaking")
    assert response.status_code == 201
    detail = cs.get(f"/api/v1/tickets/{ticket['id']}").json
    assert detail["status"] == "reopened" and detail["visits_used"] == 2
    new_visit = detail["visits"][-1]
    assert (new_visit["sequence_no"], new_visit["status"]) == (2, "unscheduled")
    assert new_visit["approved_by_id"] is None
    assert detail["timeline"][-1]["action"] == "reopened"


def test_cs_reopening_beyond_the_quota_leaves_the_new_visit_waiting_for_a_manager(
    cs, dispatcher, new_ticket, installer
):
    # 4,599 yuan allows 1 visit, already used.
    ticket, follow_up = _visited_ticket(new_ticket, dispatcher, installer)
    response = call(cs, follow_up, outcome="reached", satisfaction=1, resolved=False)
    assert response.status_code == 201
    detail = cs.get(f"/api/v1/tickets/{ticket['id']}").json
    assert detail["status"] == "reopened"
    new_visit = detail["visits"][-1]
    assert new_visit["awaiting_quota_approval"] is True and new_visit["approved_by_id"] is None
    assert "quota_approval_requested" in [e["action"] for e in detail["timeline"]]


def test_a_manager_reopening_beyond_the_quota_approves_the_visit(cs, manager, dispatcher, new_ticket, installer):
    ticket, follow_up = _visited_ticket(new_ticket, dispatcher, installer)
    assert call(manager, follow_up, outcome="reached", satisfaction=3, resolved=False).status_code == 201
    detail = cs.get(f"/api/v1/tickets/{ticket['id']}").json
    assert detail["status"] == "reopened"
    assert detail["visits"][-1]["approved_by_id"] == manager.user.id


def test_third_missed_call_closes_the_ticket_as_unreachable(
    cs, login_as, dispatcher, new_ticket, installer, clock, client, page_login
):
    ticket, follow_up = _visited_ticket(new_ticket, dispatcher, installer)
    assert call(cs, follow_up, outcome="no_answer").status_code == 201  # 10:00 local
    clock.tick(timedelta(hours=2))
    assert call(cs, follow_up, outcome="no_answer").status_code == 201  # 12:00
    clock.tick(timedelta(hours=2))
    response = call(cs, follow_up, outcome="no_answer", note="voicemail full")  # 14:00
    assert response.status_code == 201
    assert response.json["status"] == "unreachable" and response.json["ticket_status"] == "closed"
    detail = cs.get(f"/api/v1/tickets/{ticket['id']}").json
    assert detail["close_reason"] == "unreachable"
    assert detail["close_note"] == (
        "No answer to 3 follow-up calls (Nov 23 10:00, Nov 23 12:00, Nov 23 14:00 local time). voicemail full"
    )
    chinese = cs.get(f"/api/v1/tickets/{ticket['id']}", headers={"Accept-Language": "zh-CN"}).json
    assert chinese["close_note"] == (
        "回访 3 次均无人接听（当地时间 11月23日 10:00、11月23日 12:00、11月23日 14:00）。 voicemail full"
    )
    page_login(cs.user)
    page = client.get(f"/tickets/{ticket['id']}?lang=zh_CN").get_data(as_text=True)
    assert "回访 3 次均无人接听" in page and "No answer" not in page
    again = call(cs, follow_up, outcome="no_answer")
    assert again.status_code == 409 and again.json["current"] == "unreachable"


def test_second_call_within_two_hours_is_refused_with_the_next_time(cs, dispatcher, new_ticket, installer, clock):
    clock.move_to(MONDAY_10_LOCAL + timedelta(hours=2, minutes=30))  # 12:30 local
    _, follow_up = _visited_ticket(new_ticket, dispatcher, installer)
    call(cs, follow_up, outcome="no_answer")
    clock.tick(timedelta(hours=1, minutes=59))
    response = call(cs, follow_up, outcome="no_answer")
    assert response.status_code == 422
    assert response.json["message"] == "Call again after 14:30; the last attempt was at 12:30."
    assert db.session.scalar(select(func.count()).select_from(CallAttempt)) == 1


def test_calls_outside_ten_to_six_local_are_refused(cs, login_as, dispatcher, new_ticket, installer, clock):
    _, follow_up = _visited_ticket(new_ticket, dispatcher, installer)
    clock.move_to(MONDAY_10_LOCAL + timedelta(hours=8))  # 18:00 local
    response = call(login_as(cs.user), follow_up, outcome="no_answer")
    assert response.status_code == 422
    assert response.json["message"] == "Calls are allowed 10:00-18:00 local time; next allowed at 10:00 tomorrow."
    assert response.json["next_allowed_at"] == (MONDAY_10_LOCAL + timedelta(days=1)).isoformat()


def test_only_the_owner_or_a_manager_records_calls(cs, login_as, dispatcher, new_ticket, installer):
    _, follow_up = _visited_ticket(new_ticket, dispatcher, installer)
    colleague = login_as("cs")
    response = call(colleague, follow_up, outcome="no_answer")
    assert response.status_code == 403
    assert "only they or a manager" in response.json["message"]
    assert call(dispatcher, follow_up, outcome="no_answer").status_code == 403
    assert call(cs, 999, outcome="no_answer").status_code == 404


def test_a_call_attempt_needs_consistent_fields(cs, dispatcher, new_ticket, installer):
    _, follow_up = _visited_ticket(new_ticket, dispatcher, installer)
    assert call(cs, follow_up, outcome="reached", satisfaction=5).json["errors"]["json"] == {
        "resolved": ["Say whether the problem is resolved (true or false)."]
    }
    assert call(cs, follow_up, outcome="no_answer", satisfaction=4).status_code == 422
    assert call(cs, follow_up, outcome="reached", satisfaction=6, resolved=True).status_code == 422
    assert call(cs, follow_up, outcome="hung_up").status_code == 422
    assert call(cs, follow_up, outcome="no_answer", note="x" * 5000).status_code == 422


def test_follow_up_queue_goes_to_a_colleague_when_the_owner_is_off(cs, login_as, dispatcher, new_ticket, installer):
    colleague = login_as("cs")
    ticket = new_ticket()
    assign(dispatcher, ticket["visits"][0]["id"], installer.id)
    cs.user.on_shift = False
    db.session.commit()
    follow_up = finish_visit(ticket["visits"][0]["id"])
    assert [f["id"] for f in colleague.get("/api/v1/followups").json] == [follow_up]
    assert call(colleague, follow_up, outcome="reached", satisfaction=4, resolved=True).status_code == 201
    assert db.session.get(Visit, ticket["visits"][0]["id"]).ticket.status.value == "closed"


def test_a_call_recorded_after_the_fact_closes_the_ticket_at_the_time_of_the_call(
    cs, dispatcher, new_ticket, installer, clock
):
    ticket, follow_up = _visited_ticket(new_ticket, dispatcher, installer)
    clock.tick(timedelta(hours=6))  # CS types in, at 16:00, the calls made at 10:00, 12:00 and 14:00
    for hours in (0, 2, 4):
        record_call_attempt(
            follow_up,
            outcome=CallOutcome.NO_ANSWER,
            note=None,
            by=cs.user,
            now=MONDAY_10_LOCAL + timedelta(hours=hours),
        )
    db.session.commit()
    closed = db.session.get(Ticket, ticket["id"])
    entries = db.session.scalars(
        select(TimelineEvent).where(
            TimelineEvent.ticket_id == closed.id, TimelineEvent.action.in_(("closed", "status_changed"))
        )
    ).all()
    closing = [e for e in entries if e.action == "closed" or e.detail.get("to") == "closed"]
    assert closed.closed_at == MONDAY_10_LOCAL + timedelta(hours=4)
    assert len(closing) == 2 and {e.at for e in closing} == {closed.closed_at}
