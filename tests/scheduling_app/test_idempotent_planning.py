"""A dispatcher's retried Optimize or rebalance preview (a lost answer, a double click) does the work once."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from common.db import db
from common.idempotency import request_fingerprint
from common.models import IdempotencyRecord
from scheduling.models import Plan, Rebalance, SolveJob
from tests.scheduling_app.builders import DAY, busiest_after_eleven, make_crew, make_visit

PLAN_DAY = {"date": DAY.isoformat(), "region": "shanghai", "time_limit_s": 1}


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _a_day_to_plan() -> None:
    make_crew(2)
    make_visit()
    make_visit(lat=31.21, lon=121.45)


def test_the_same_optimize_sent_twice_with_one_key_solves_once_and_answers_the_same(app, login_as):
    _a_day_to_plan()
    planner = login_as("dispatcher")
    headers = {"Idempotency-Key": "optimize-tuesday-1"}

    first = planner.post("/api/v1/plans", json=PLAN_DAY, headers=headers)
    again = planner.post("/api/v1/plans", json=PLAN_DAY, headers=headers)

    assert first.status_code == again.status_code == 202, first.json
    assert again.json == first.json and again.headers["Idempotent-Replayed"] == "true"
    assert _count(Plan) == _count(SolveJob) == 1


def test_a_queued_optimize_retried_with_its_key_puts_one_message_on_the_queue(app, login_as, solve_queue):
    _a_day_to_plan()
    planner = login_as("dispatcher")
    headers = {"Idempotency-Key": "optimize-tuesday-queued"}

    first = planner.post("/api/v1/plans", json=PLAN_DAY, headers=headers)
    again = planner.post("/api/v1/plans", json=PLAN_DAY, headers=headers)

    assert first.status_code == again.status_code == 202
    assert first.json["job"]["state"] == "queued" and again.json == first.json
    assert solve_queue.count == 1 and _count(SolveJob) == 1


def test_the_same_key_with_another_day_is_refused_and_plans_nothing_more(app, login_as):
    _a_day_to_plan()
    planner = login_as("dispatcher")
    headers = {"Idempotency-Key": "optimize-tuesday-2"}
    assert planner.post("/api/v1/plans", json=PLAN_DAY, headers=headers).status_code == 202

    other = planner.post("/api/v1/plans", json={**PLAN_DAY, "time_limit_s": 2}, headers=headers)

    assert other.status_code == 422
    assert "Idempotency-Key" in other.json["errors"]["headers"]
    assert _count(SolveJob) == 1


def test_an_optimize_refused_by_an_unreachable_queue_may_be_retried_with_the_same_key(app, login_as, monkeypatch):
    _a_day_to_plan()
    planner = login_as("dispatcher")
    headers = {"Idempotency-Key": "optimize-tuesday-3"}
    monkeypatch.setitem(app.config, "JOBS_EAGER", False)
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:1/0")  # nothing listens on port 1

    refused = planner.post("/api/v1/plans", json=PLAN_DAY, headers=headers)
    assert refused.status_code == 503
    assert _count(IdempotencyRecord) == 0  # the key is free again

    monkeypatch.setitem(app.config, "JOBS_EAGER", True)  # the queue is back (here: solved inline)
    retried = planner.post("/api/v1/plans", json=PLAN_DAY, headers=headers)

    assert retried.status_code == 202 and "Idempotent-Replayed" not in retried.headers
    assert retried.json["job"]["state"] == "succeeded"
    assert planner.post("/api/v1/plans", json=PLAN_DAY, headers=headers).json == retried.json


def test_a_retry_while_the_first_optimize_still_solves_is_told_to_wait(app, login_as):
    _a_day_to_plan()
    planner = login_as("dispatcher")
    # The first request committed its job (and with it the key) and is still solving: no answer stored yet.
    body = json.dumps(PLAN_DAY).encode()
    db.session.add(
        IdempotencyRecord(
            user_id=planner.user.id,
            key="optimize-tuesday-4",
            method="POST",
            path="/api/v1/plans",
            body_sha256=request_fingerprint("POST", "/api/v1/plans", body),
            status_code=0,
            response_body={},
        )
    )
    db.session.commit()

    again = planner.post("/api/v1/plans", json=PLAN_DAY, headers={"Idempotency-Key": "optimize-tuesday-4"})

    assert again.status_code == 409 and "still being processed" in again.json["message"]
    assert _count(SolveJob) == 0


def _preview(client, event: dict, key: str):
    return client.post(
        "/api/v1/rebalance/preview",
        json={"date": DAY.isoformat(), "region": "shanghai", "event": event},
        headers={"Idempotency-Key": key},
    )


def test_a_retried_rebalance_preview_stores_one_preview_and_answers_the_same(app, published_day, dispatcher):
    tech, _ = busiest_after_eleven()
    event = {"kind": "technician_out", "technician_id": tech, "from": "11:00"}

    first = _preview(dispatcher, event, "preview-out-1")
    again = _preview(dispatcher, event, "preview-out-1")

    assert first.status_code == again.status_code == 200, first.json
    assert again.json == first.json and again.headers["Idempotent-Replayed"] == "true"
    assert _count(Rebalance) == 1


def test_the_same_preview_key_with_another_event_is_refused(app, published_day, dispatcher):
    tech, _ = busiest_after_eleven()
    assert (
        _preview(dispatcher, {"kind": "technician_out", "technician_id": tech, "from": "11:00"}, "p-2").status_code
        == 200
    )

    other = _preview(dispatcher, {"kind": "technician_out", "technician_id": tech, "from": "13:00"}, "p-2")

    assert other.status_code == 422
    assert "Idempotency-Key" in other.json["errors"]["headers"]
    assert _count(Rebalance) == 1
