"""Visit status events from the technician's phone: lifecycle, effects on the ticket, roles, times, retries."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, time, timedelta, timezone

import pytest
from sqlalchemy import func, select

from common.db import db
from common.i18n import local_zone
from common.models import IdempotencyRecord
from dispatch.enums import FollowUpStatus, TicketStatus, VisitStatus
from dispatch.models import FollowUp, Ticket, TimelineEvent, Visit
from technicians.models import ServiceReport
from tests import factories
from tests.technicians.conftest import event

# Events sent "a few minutes ago" must fall on the visit's local day: on a real clock just after Shanghai's
# midnight they would not, so the day is frozen at a Monday morning.
pytestmark = pytest.mark.usefixtures("clock")


def own_visit(api, **kw):
    """A visit on the technician's list, planned for local noon today (events of today fall on its day)."""
    noon = datetime.combine(datetime.now(local_zone()).date(), time(12), tzinfo=local_zone())
    kw.setdefault("planned_start", noon)
    kw.setdefault("planned_end", noon + timedelta(hours=1))
    return factories.make_ticket_with_visit(technician=api.user.technician, **kw)


def timeline(ticket_id: int, action: str | None = None) -> list[TimelineEvent]:
    db.session.expire_all()
    query = select(TimelineEvent).where(TimelineEvent.ticket_id == ticket_id).order_by(TimelineEvent.id)
    if action:
        query = query.where(TimelineEvent.action == action)
    return list(db.session.scalars(query))


def file_report(visit: Visit) -> None:
    db.session.add(
        ServiceReport(visit_id=visit.id, technician_id=visit.technician_id, work_done="Installed.", result="resolved")
    )
    db.session.commit()


def test_technician_walks_a_visit_from_accepted_to_completed(technician):
    ticket, visit = own_visit(technician)
    assert event(technician, visit.id, "accepted").json["visit_status"] == "accepted"
    on_way = event(technician, visit.id, "en_route", lat=31.20, lon=121.44)
    assert on_way.status_code == 201 and on_way.json["ticket_status"] == "in_service"
    arrived_at = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=1)
    arrived = event(technician, visit.id, "arrived", at=arrived_at.isoformat(), lat=31.2397, lon=121.4998)
    assert arrived.status_code == 201, arrived.json
    db.session.expire_all()
    stored = db.session.get(Visit, visit.id)
    assert stored.status is VisitStatus.ARRIVED and stored.started_at == arrived_at
    assert (stored.checkin_lat, stored.checkin_lon) == (31.2397, 121.4998)
    file_report(stored)
    done = event(technician, visit.id, "completed", note="Customer happy.")
    assert done.status_code == 201, done.json
    assert done.json["visit_status"] == "completed" and done.json["ticket_status"] == "awaiting_follow_up"
    db.session.expire_all()
    assert db.session.get(Visit, visit.id).finished_at is not None


def test_every_event_is_on_the_timeline_with_the_technician_time_and_place(technician):
    ticket, visit = own_visit(technician)
    at = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=5)
    response = event(technician, visit.id, "en_route", at=at.isoformat(), lat=31.2, lon=121.4, note="traffic")
    [entry] = timeline(ticket.id, "visit_en_route")
    assert entry.id == response.json["timeline_event_id"]
    assert entry.actor_id == technician.user.id and entry.visit_id == visit.id and entry.at == at
    assert entry.detail["lat"] == 31.2 and entry.detail["lon"] == 121.4 and entry.detail["note"] == "traffic"


def test_completed_queues_a_follow_up_call_for_the_ticket_owner(technician):
    owner = factories.make_user("cs")
    ticket, visit = own_visit(technician, visit_status="arrived", owner=owner)
    file_report(visit)
    response = event(technician, visit.id, "completed")
    follow_up = db.session.get(FollowUp, response.json["follow_up_id"])
    assert follow_up.ticket_id == ticket.id and follow_up.visit_id == visit.id
    assert follow_up.owner_id == owner.id and follow_up.status is FollowUpStatus.PENDING
    assert db.session.get(Ticket, ticket.id).status is TicketStatus.AWAITING_FOLLOW_UP


def test_completed_without_a_service_report_is_refused(technician):
    ticket, visit = own_visit(technician, visit_status="arrived")
    response = event(technician, visit.id, "completed")
    assert response.status_code == 422
    assert "submit the service report first" in response.json["message"]
    db.session.expire_all()
    assert db.session.get(Visit, visit.id).status is VisitStatus.ARRIVED
    assert timeline(ticket.id) == []


def test_completed_before_arrived_is_refused_naming_what_may_come_next(technician):
    ticket, visit = own_visit(technician, visit_status="en_route")
    response = event(technician, visit.id, "completed")
    assert response.status_code == 409
    assert response.json["current"] == "en_route" and response.json["allowed"] == ["arrived", "failed"]
    assert "allowed next: On site, Failed" in response.json["message"]  # the statuses in the reader's words


def test_nothing_follows_a_finished_visit(technician):
    ticket, visit = own_visit(technician, visit_status="completed")
    response = event(technician, visit.id, "arrived")
    assert response.status_code == 409 and response.json["allowed"] == []


def test_failed_visit_goes_back_to_cs_with_a_new_visit_and_the_reason_on_the_timeline(technician):
    ticket, visit = own_visit(technician, visit_status="en_route")
    response = event(technician, visit.id, "failed", reason="customer_absent", note="Nobody home, phone off.")
    assert response.status_code == 201, response.json
    assert response.json["visit_status"] == "failed" and response.json["ticket_status"] == "open"
    db.session.expire_all()
    failed = db.session.get(Visit, visit.id)
    assert failed.failure_reason == "customer_absent" and failed.failure_note == "Nobody home, phone off."
    new_visit = db.session.get(Visit, response.json["rebooking_visit_id"])
    assert new_visit.ticket_id == ticket.id and new_visit.status is VisitStatus.UNSCHEDULED
    assert new_visit.sequence_no == 2 and new_visit.technician_id is None
    assert timeline(ticket.id, "visit_failed")[0].detail["reason"] == "customer_absent"
    assert timeline(ticket.id, "rebooking_needed")[0].detail["reason"] == "customer_absent"


@pytest.mark.parametrize(
    "body, field",
    [
        ({"type": "failed"}, "reason"),
        ({"type": "failed", "reason": "aliens"}, "reason"),
        ({"type": "arrived", "reason": "refused"}, "reason"),
        ({"type": "teleported"}, "type"),
        ({"type": "arrived", "lat": 31.2}, "lon"),
        ({"type": "arrived", "lat": 100, "lon": 121}, "lat"),
        ({"type": "arrived", "lat": "here", "lon": 121}, "lat"),
        ({"type": "arrived", "note": "x" * 100_000}, "note"),
        ({"type": "arrived", "at": "yesterday"}, "at"),
        ({"type": "arrived", "at": "2026-11-23T10:00:00"}, "at"),
        ({"type": "arrived", "extra": 1}, "extra"),
        ({}, "type"),
    ],
    ids=[
        "failed-without-reason",
        "unknown-reason",
        "reason-on-arrived",
        "unknown-type",
        "half-a-location",
        "lat-out-of-range",
        "lat-as-text",
        "huge-note",
        "unparsable-time",
        "time-without-offset",
        "unknown-field",
        "empty",
    ],
)
def test_bad_event_input_is_refused_naming_the_field(technician, body, field):
    ticket, visit = own_visit(technician, visit_status="en_route")
    response = technician.post(f"/api/v1/visits/{visit.id}/events", json=body)
    assert response.status_code == 422, response.json
    assert field in response.json["errors"]["json"]
    db.session.expire_all()
    assert db.session.get(Visit, visit.id).status is VisitStatus.EN_ROUTE


def test_event_body_that_is_not_json_is_refused(technician):
    ticket, visit = own_visit(technician)
    response = technician.post(
        f"/api/v1/visits/{visit.id}/events", data="type=arrived", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400 and response.json["message"]


def test_event_time_in_the_future_is_refused(technician):
    ticket, visit = own_visit(technician)
    later = datetime.now(UTC) + timedelta(minutes=10)
    response = event(technician, visit.id, "accepted", at=later.isoformat())
    assert response.status_code == 422 and "future" in response.json["message"]


def test_completion_time_before_arrival_is_refused(technician):
    ticket, visit = own_visit(technician, visit_status="arrived")
    file_report(visit)
    before = visit.started_at - timedelta(minutes=1)
    response = event(technician, visit.id, "completed", at=before.isoformat())
    assert response.status_code == 422 and "previous step" in response.json["message"]


def test_event_time_given_in_local_time_is_stored_in_utc(technician):
    ticket, visit = own_visit(technician)
    local = (datetime.now(timezone(timedelta(hours=8))) - timedelta(minutes=3)).replace(microsecond=0)
    response = event(technician, visit.id, "accepted", at=local.isoformat())
    assert response.status_code == 201
    assert timeline(ticket.id, "visit_accepted")[0].at == local.astimezone(UTC)


def test_technician_cannot_touch_another_technicians_visit(technician):
    colleague = factories.make_technician()
    ticket, visit = factories.make_ticket_with_visit(technician=colleague)
    response = event(technician, visit.id, "accepted")
    assert response.status_code == 404
    assert event(technician, 999_999, "accepted").status_code == 404
    db.session.expire_all()
    assert db.session.get(Visit, visit.id).status is VisitStatus.SCHEDULED


@pytest.mark.parametrize("role", ["cs", "dispatcher", "manager", "admin"])
def test_only_technicians_send_visit_events(login_as, role):
    ticket, visit = factories.make_ticket_with_visit(technician=factories.make_technician())
    assert event(login_as(role), visit.id, "accepted").status_code == 403


# --- Idempotency-Key -----------------------------------------------------------------------------


def test_same_event_sent_twice_with_one_key_is_applied_once_and_answered_the_same(technician):
    ticket, visit = own_visit(technician)
    key = {"Idempotency-Key": "3f1c2a9e-accepted"}
    first = event(technician, visit.id, "accepted", headers=key, note="on my list")
    again = event(technician, visit.id, "accepted", headers=key, note="on my list")
    assert first.status_code == again.status_code == 201
    assert again.json == first.json
    assert again.headers["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first.headers
    assert len(timeline(ticket.id, "visit_accepted")) == 1


def test_replay_answers_the_first_result_even_after_the_visit_moved_on(technician):
    ticket, visit = own_visit(technician)
    first = event(technician, visit.id, "en_route", headers={"Idempotency-Key": "k-en-route"})
    event(technician, visit.id, "arrived", headers={"Idempotency-Key": "k-arrived"})
    # A phone flushing its offline queue a second time resends en_route: it must not 409.
    again = event(technician, visit.id, "en_route", headers={"Idempotency-Key": "k-en-route"})
    assert again.status_code == 201 and again.json == first.json
    assert [e.action for e in timeline(ticket.id) if e.action.startswith("visit_")] == [
        "visit_en_route",
        "visit_arrived",
    ]


def test_same_key_with_another_body_is_refused(technician):
    ticket, visit = own_visit(technician)
    event(technician, visit.id, "accepted", headers={"Idempotency-Key": "k1"})
    response = event(technician, visit.id, "en_route", headers={"Idempotency-Key": "k1"})
    assert response.status_code == 422
    assert "this Idempotency-Key was used with a different request" in response.json["message"]
    assert response.json["errors"] == {"headers": {"Idempotency-Key": [response.json["message"]]}}
    assert timeline(ticket.id, "visit_en_route") == []


def test_same_key_for_another_visit_is_another_request(technician):
    _, first_visit = own_visit(technician)
    _, second_visit = own_visit(technician)
    event(technician, first_visit.id, "accepted", headers={"Idempotency-Key": "k1"})
    assert event(technician, second_visit.id, "accepted", headers={"Idempotency-Key": "k1"}).status_code == 422


def test_keys_belong_to_one_user(technician, login_as):
    other = login_as("technician")
    _, mine = own_visit(technician)
    _, theirs = own_visit(other)
    assert event(technician, mine.id, "accepted", headers={"Idempotency-Key": "same"}).status_code == 201
    response = event(other, theirs.id, "accepted", headers={"Idempotency-Key": "same"})
    assert response.status_code == 201 and response.json["visit_id"] == theirs.id


def test_same_json_with_keys_in_another_order_is_the_same_request(technician):
    ticket, visit = own_visit(technician)
    headers = {"Idempotency-Key": "k-order", "Content-Type": "application/json"}
    first = technician.post(
        f"/api/v1/visits/{visit.id}/events", data='{"type": "accepted", "note": "ok"}', headers=headers
    )
    again = technician.post(
        f"/api/v1/visits/{visit.id}/events", data='{"note":"ok","type":"accepted"}', headers=headers
    )
    assert first.status_code == again.status_code == 201 and again.json == first.json


def test_refused_request_is_not_remembered_so_the_fixed_retry_goes_through(technician):
    ticket, visit = own_visit(technician, visit_status="arrived")
    key = {"Idempotency-Key": "k-done"}
    assert event(technician, visit.id, "completed", headers=key).status_code == 422  # no report yet
    assert db.session.scalar(select(func.count()).select_from(IdempotencyRecord)) == 0
    file_report(visit)
    assert event(technician, visit.id, "completed", headers=key).status_code == 201


def test_overlong_key_is_refused(technician):
    ticket, visit = own_visit(technician)
    response = event(technician, visit.id, "accepted", headers={"Idempotency-Key": "k" * 129})
    assert response.status_code == 422 and "Idempotency-Key" in response.json["errors"]["headers"]


def test_a_retry_learns_of_the_first_answer_from_the_unique_constraint(technician, monkeypatch):
    """No look-up before the claim (it would cost every first request a query): the retry's claim fails on
    the (user, key) constraint (it inserts nothing), rolls back, and only then looks up the stored answer."""
    import common.idempotency as idempotency

    ticket, visit = own_visit(technician)
    key = {"Idempotency-Key": "k-race"}
    first = event(technician, visit.id, "accepted", headers=key)
    real_find = idempotency._find
    calls = []

    def find(user_id, key):
        calls.append(key)
        return real_find(user_id, key)

    monkeypatch.setattr(idempotency, "_find", find)
    again = event(technician, visit.id, "accepted", headers=key)
    assert calls == ["k-race"]  # claimed, hit the unique constraint, rolled back, looked once
    assert again.status_code == 201 and again.json == first.json
    assert again.headers["Idempotent-Replayed"] == "true"
    assert len(timeline(ticket.id, "visit_accepted")) == 1


def test_concurrent_duplicates_on_postgresql_apply_the_event_once(app, technician):
    if app.config["BACKEND"] != "postgresql":
        pytest.skip("SQLite serialises writers; the row-lock race is a PostgreSQL one")
    ticket, visit = own_visit(technician)
    url, ticket_id = f"/api/v1/visits/{visit.id}/events", ticket.id
    barrier = threading.Barrier(4)
    answers = []

    def send():
        with app.test_client() as client:
            barrier.wait()
            response = client.post(
                url,
                json={"type": "accepted"},
                headers={"Authorization": f"Bearer {technician.token}", "Idempotency-Key": "k-concurrent"},
            )
            answers.append((response.status_code, response.get_json()))

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # The duplicates wait on the unique index until the first commits, then replay its answer.
    assert [status for status, _ in answers] == [201] * 4
    assert len({str(body) for _, body in answers}) == 1
    assert len(timeline(ticket_id, "visit_accepted")) == 1


def test_en_route_today_for_a_visit_planned_tomorrow_is_refused_and_the_customer_not_texted(technician):
    from dispatch.models import CustomerMessage

    tomorrow_noon = datetime.combine(
        datetime.now(local_zone()).date() + timedelta(days=1), time(12), tzinfo=local_zone()
    )
    ticket, visit = own_visit(technician, planned_start=tomorrow_noon, planned_end=tomorrow_noon + timedelta(hours=1))
    response = event(technician, visit.id, "en_route")
    assert response.status_code == 422
    assert response.json["errors"] == {"json": {"at": [response.json["message"]]}}
    assert f"planned for {tomorrow_noon:%A, %B} {tomorrow_noon.day}, {tomorrow_noon.year}" in response.json["message"]
    db.session.expire_all()
    assert db.session.get(Visit, visit.id).status is VisitStatus.SCHEDULED
    assert (
        db.session.scalar(
            select(func.count()).select_from(CustomerMessage).where(CustomerMessage.ticket_id == ticket.id)
        )
        == 0
    )


def test_a_status_event_waits_for_a_transaction_holding_its_ticket_before_it_refreshes_the_summary(app, technician):
    """Summary rows of one ticket are refreshed by one transaction at a time (reporting.summary), here too."""
    if app.config["BACKEND"] != "postgresql":
        pytest.skip("SQLite serialises writers; row locks are PostgreSQL's")
    from tests.reporting.summary_check import assert_summary_is_right

    ticket, visit = own_visit(technician)
    url = f"/api/v1/visits/{visit.id}/events"
    answers: list[int] = []
    with db.engine.connect() as other:
        holding = other.begin()
        # The lock an UPDATE of the ticket takes (CS editing it): it lets the event's inserts that refer to the
        # ticket through (they take a key-share lock), so only the summary's own lock makes the event wait.
        other.execute(select(Ticket.id).where(Ticket.id == ticket.id).with_for_update(key_share=True))

        def send() -> None:
            with app.app_context(), app.test_client() as client:
                response = client.post(
                    url, json={"type": "accepted"}, headers={"Authorization": f"Bearer {technician.token}"}
                )
                answers.append(response.status_code)

        thread = threading.Thread(target=send)
        thread.start()
        thread.join(timeout=1.0)
        assert answers == [], "the event went on while another transaction held its ticket"
        holding.commit()
    thread.join(timeout=60)
    assert answers == [201]
    db.session.expire_all()
    assert_summary_is_right()
