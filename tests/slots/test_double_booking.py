"""Two CS agents booking the last room in the same slot at once: one wins, the other gets 409 and fresh offers."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from common.db import db
from dispatch.enums import VisitStatus
from dispatch.models import Visit
from tests.slots.conftest import TUESDAY, local, technician, visit_at

pytestmark = pytest.mark.usefixtures("no_overlap_constraint")


def only_on_postgresql(app):
    if app.config["BACKEND"] != "postgresql":
        pytest.skip(
            "SQLite serializes every writer with BEGIN IMMEDIATE; the row lock race needs PostgreSQL (CI runs it)"
        )


def test_two_agents_booking_the_last_room_at_once_get_one_booking_and_one_conflict(app, cs, login_as, monkeypatch):
    only_on_postgresql(app)
    from scheduling.offers import service as offers

    wang = technician("Wang Lei", max_visits_per_day=1)  # one room left on his Tuesday
    first, second = visit_at(31.2397, 121.4998), visit_at(31.2400, 121.5000)
    slot = cs.get(f"/api/v1/visits/{first.id}/slots?days=1").json["offers"][0]["slot_start"]
    agents = [(cs.token, first.id), (login_as("cs").token, second.id)]

    # Both agents have checked the slot before either takes the technician day's lock: a true race.
    both_checked = threading.Barrier(2, timeout=20)
    waited = threading.local()
    lock_day = offers.lock_technician_day

    def lock_after_both_checked(technician_id, day):
        if not getattr(waited, "done", False):
            waited.done = True
            both_checked.wait()
        return lock_day(technician_id, day)

    monkeypatch.setattr(offers, "lock_technician_day", lock_after_both_checked)
    answers: dict[int, object] = {}

    def book(token: str, visit_id: int) -> None:
        with app.app_context():  # each agent's request gets its own session and connection
            response = app.test_client().post(
                f"/api/v1/visits/{visit_id}/booking", json={"slot": slot}, headers={"Authorization": f"Bearer {token}"}
            )
            answers[visit_id] = (response.status_code, response.get_json())

    threads = [threading.Thread(target=book, args=agent) for agent in agents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(code for code, _ in answers.values()) == [201, 409]
    loser = next(body for code, body in answers.values() if code == 409)
    assert "not among the current offers" in loser["message"]
    assert loser["offers"]["days"][0]["reason"] == (
        "the only suitable technician, Wang Lei, already has their maximum of visits on Tuesday 2026-11-24"
    )
    db.session.expire_all()
    on_wang = db.session.scalars(select(Visit).where(Visit.technician_id == wang.id)).all()
    assert len(on_wang) == 1 and on_wang[0].promised_start is not None


def test_overlapping_visits_of_one_technician_are_refused_by_the_database(app, clock):
    only_on_postgresql(app)
    wang = technician("Wang Lei")
    visit_at(31.2397, 121.4998, technician=wang, planned_start=local(TUESDAY, 10))
    second = visit_at(31.2400, 121.5000)

    second.technician_id, second.status = wang.id, VisitStatus.SCHEDULED
    second.planned_start, second.planned_end = local(TUESDAY, 10, 30), local(TUESDAY, 11, 30)
    with pytest.raises(IntegrityError, match="ex_visits_technician_no_overlap"):
        db.session.commit()
    db.session.rollback()


def test_back_to_back_visits_and_a_cancelled_one_do_not_count_as_overlap(app, clock):
    only_on_postgresql(app)
    wang = technician("Wang Lei")
    visit_at(31.2397, 121.4998, technician=wang, planned_start=local(TUESDAY, 10))  # 10:00-11:00
    from tests.scheduling_app.builders import make_visit

    make_visit(status=VisitStatus.CANCELLED, technician=wang, planned_start=local(TUESDAY, 10, 30))
    visit_at(31.2410, 121.5010, technician=wang, planned_start=local(TUESDAY, 11))  # 11:00-12:00
