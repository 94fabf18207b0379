"""Rebalancing a published day through the API: preview shows the change set, apply writes exactly it."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from common.db import db
from dispatch.enums import FollowUpStatus, VisitStatus
from dispatch.models import FollowUp, TimelineEvent, Visit
from scheduling.models import Rebalance
from tests import factories
from tests.scheduling_app.builders import DAY, SHANGHAI, busiest_after_eleven, local, make_visit


def _preview(dispatcher, event: dict):
    return dispatcher.post(
        "/api/v1/rebalance/preview", json={"date": DAY.isoformat(), "region": "shanghai", "event": event}
    )


def test_technician_out_previews_a_change_set_and_applies_exactly_it(app, published_day, dispatcher):
    tech, left = busiest_after_eleven()
    before = {v.id: (v.technician_id, v.planned_start) for v in db.session.scalars(select(Visit))}

    preview = _preview(dispatcher, {"kind": "technician_out", "technician_id": tech, "from": "11:00"})
    assert preview.status_code == 200, preview.json
    shown = preview.json
    assert shown["status"] == "preview" and shown["event"]["from"] == "11:00"
    assert shown["kpis"]["engine"] in ("ortools", "ruin_and_recreate")  # the app's choice, said in the answer
    # every visit the technician had left is moved to the colleague or sent back with a reason and a call
    handled = {m["visit_id"] for m in shown["moved"]} | {u["visit_id"] for u in shown["unassigned"]}
    assert set(left) <= handled
    assert all(m["to"]["technician_id"] != tech and m["customer_name"] for m in shown["moved"])
    assert {c["ticket_id"] for c in shown["calls"]} >= {u["ticket_id"] for u in shown["broken_promises"]}
    db.session.expire_all()
    assert {v.id: (v.technician_id, v.planned_start) for v in db.session.scalars(select(Visit))} == before

    assert dispatcher.get(f"/api/v1/rebalance/{shown['id']}").json["moved"] == shown["moved"]

    applied = dispatcher.post(f"/api/v1/rebalance/{shown['id']}/apply")
    assert applied.status_code == 200, applied.json
    assert applied.json["status"] == "applied" and applied.json["moved"] == shown["moved"]
    db.session.expire_all()
    for moved in shown["moved"]:
        visit = db.session.get(Visit, moved["visit_id"])
        assert visit.technician_id == moved["to"]["technician_id"]
        assert visit.planned_start == datetime.fromisoformat(moved["to"]["start"])
        events = db.session.scalars(
            select(TimelineEvent).where(TimelineEvent.visit_id == visit.id, TimelineEvent.action == "visit_rescheduled")
        ).all()
        assert any(e.detail.get("source") == f"rebalance {shown['id']}: technician_out" for e in events)
    for item in shown["unassigned"]:
        visit = db.session.get(Visit, item["visit_id"])
        assert visit.status is VisitStatus.UNSCHEDULED
        assert db.session.scalar(
            select(TimelineEvent).where(TimelineEvent.visit_id == visit.id, TimelineEvent.action == "rebooking_needed")
        )

    again = dispatcher.post(f"/api/v1/rebalance/{shown['id']}/apply")
    assert again.status_code == 409


def test_apply_refuses_when_the_day_changed_since_the_preview(app, published_day, dispatcher):
    tech, left = busiest_after_eleven()
    shown = _preview(dispatcher, {"kind": "technician_out", "technician_id": tech, "from": "11:00"}).json
    assert dispatcher.delete(f"/api/v1/visits/{left[0]}/assignment").status_code == 200

    response = dispatcher.post(f"/api/v1/rebalance/{shown['id']}/apply")
    assert response.status_code == 409
    assert "preview again" in response.json["message"]
    assert db.session.get(Rebalance, shown["id"]).status.value == "preview"


def test_a_retried_apply_with_the_same_key_gets_the_same_answer(app, published_day, dispatcher):
    tech, _ = busiest_after_eleven()
    shown = _preview(dispatcher, {"kind": "technician_out", "technician_id": tech, "from": "11:00"}).json
    headers = {"Idempotency-Key": "rebalance-apply-1"}
    first = dispatcher.post(f"/api/v1/rebalance/{shown['id']}/apply", headers=headers)
    second = dispatcher.post(f"/api/v1/rebalance/{shown['id']}/apply", headers=headers)
    assert first.status_code == second.status_code == 200
    assert first.json == second.json


@pytest.mark.parametrize(
    "event, field",
    [
        ({"kind": "overrun", "visit_id": 999999, "minutes": 30}, "event.visit_id"),
        ({"kind": "technician_out", "technician_id": 999999, "from": "11:00"}, "event.technician_id"),
    ],
)
def test_an_event_that_does_not_fit_the_day_is_refused_naming_the_field(app, published_day, dispatcher, event, field):
    response = _preview(dispatcher, event)
    assert response.status_code == 422
    assert field in response.json["errors"]["json"]
    assert db.session.scalar(select(func.count()).select_from(Rebalance)) == 0


def test_an_event_that_does_not_fit_the_day_is_refused_in_the_readers_language(app, published_day, dispatcher):
    event = {"date": DAY.isoformat(), "region": "shanghai", "event": {"kind": "urgent", "visit_id": 999999}}
    chinese = dispatcher.post("/api/v1/rebalance/preview", json=event, headers={"Accept-Language": "zh-CN"})
    english = dispatcher.post("/api/v1/rebalance/preview", json=event, headers={"Accept-Language": "en"})

    assert chinese.status_code == english.status_code == 422
    assert chinese.json["message_code"] == "rebalance_event_visit_unknown"
    assert chinese.json["errors"]["json"]["event.visit_id"] == ["上门 999999 不在当天的安排中。"]
    assert english.json["message"] == "Visit 999999 is not a visit of this day."


def test_an_event_missing_its_time_is_refused_naming_the_field(app, published_day, dispatcher):
    response = _preview(dispatcher, {"kind": "technician_out", "technician_id": 1})
    assert response.status_code == 422
    assert "from" in response.json["errors"]["json"]["event"]
    assert db.session.scalar(select(func.count()).select_from(Rebalance)) == 0


def test_cs_cannot_rebalance(app, published_day, login_as):
    response = login_as("cs").post(
        "/api/v1/rebalance/preview",
        json={"date": DAY.isoformat(), "region": "shanghai", "event": {"kind": "cancel", "visit_id": 1}},
    )
    assert response.status_code == 403


def test_a_technician_whose_route_changed_sees_it_on_the_phone(app, published_day, dispatcher, crew, page_login):
    tech, _ = busiest_after_eleven()
    shown = _preview(dispatcher, {"kind": "technician_out", "technician_id": tech, "from": "11:00"}).json
    receivers = {m["to"]["technician_id"] for m in shown["moved"]}
    assert receivers, "the colleague takes at least one visit"
    colleague = next(u for u in crew if u.technician.id in receivers)
    out = next(u for u in crew if u.technician.id == tech)
    assert dispatcher.post(f"/api/v1/rebalance/{shown['id']}/apply").status_code == 200

    html = page_login(colleague).get("/m/today?lang=en").get_data(as_text=True)
    assert "Your route changed at 11:00" in html
    # the technician who went home sees their shortened day the same way
    assert "Your route changed at 11:00" in page_login(out).get("/m/today?lang=en").get_data(as_text=True)
    order = [int(v) for v in re.findall(r'data-visit-id="(\d+)"', html)]
    for moved in shown["moved"]:
        if moved["to"]["technician_id"] == colleague.technician.id:
            assert moved["visit_id"] in order


def test_an_out_technicians_afternoon_visit_goes_to_the_colleague_who_has_the_skill(app, clock, dispatcher):
    # The board's day: the installer has one visit at 14:00, another visit waits for a technician; the
    # colleague has the installer's skill. The installer will go home at 11:00 tomorrow.
    clock.move_to(datetime(2026, 11, 23, 6, 0, tzinfo=UTC))
    installer = factories.make_technician(name="王师傅", skills=("ac_install",))
    colleague = factories.make_technician(name="李师傅", skills=("ac_install",), home_lat=31.20, home_lon=121.45)
    window = [(local(DAY, 9), local(DAY, 17))]
    afternoon = make_visit(
        status=VisitStatus.SCHEDULED, technician=installer, planned_start=local(DAY, 14), windows=window
    )
    make_visit(windows=window)

    shown = _preview(dispatcher, {"kind": "technician_out", "technician_id": installer.id, "from": "11:00"})

    assert shown.status_code == 200, shown.json
    assert [(m["visit_id"], m["to"]["technician_id"]) for m in shown.json["moved"]] == [(afternoon.id, colleague.id)]
    assert shown.json["unassigned"] == [] or all(u["visit_id"] != afternoon.id for u in shown.json["unassigned"])


def _nobody_else_can_take_the_afternoon(dispatcher):
    """The installer's promised 14:00-16:00 visit; the only colleague lacks the skill. Now it is 08:00."""
    installer = factories.make_technician(skills=("ac_install",))
    factories.make_technician(skills=("furniture_assembly",))
    promised = (local(DAY, 14), local(DAY, 16))
    visit = make_visit(
        status=VisitStatus.SCHEDULED,
        technician=installer,
        planned_start=local(DAY, 14),
        windows=[promised],
        promised=promised,
    )
    shown = _preview(dispatcher, {"kind": "technician_out", "technician_id": installer.id, "from": "11:00"}).json
    assert [b["visit_id"] for b in shown["broken_promises"]] == [visit.id]
    return visit, shown


def test_a_broken_promise_becomes_a_rebook_task_with_fresh_slots_in_the_owners_queue(app, clock, dispatcher):
    visit, shown = _nobody_else_can_take_the_afternoon(dispatcher)
    assert dispatcher.post(f"/api/v1/rebalance/{shown['id']}/apply").status_code == 200

    db.session.expire_all()
    (task,) = db.session.scalars(select(FollowUp).where(FollowUp.visit_id == visit.id)).all()
    assert task.kind == "rebook" and task.status is FollowUpStatus.PENDING
    assert task.owner_id == visit.ticket.owner_id
    # the only technician with the skill went home: said so, in the reader's words
    assert task.reason["why"] == "promise_broken" and task.reason["reason_code"] == "suitable_technicians_out"
    # the installer is back tomorrow: the cheapest slots of the coming days, none on the day that was lost
    assert task.offered_slots
    assert all(datetime.fromisoformat(s["slot_start"]).date() > DAY for s in task.offered_slots)
    assert db.session.scalar(
        select(TimelineEvent).where(TimelineEvent.visit_id == visit.id, TimelineEvent.action == "rebook_queued")
    )


def test_the_rebook_task_shows_on_the_cs_queue_and_keeps_the_call_rules(app, clock, dispatcher, page_login):
    visit, shown = _nobody_else_can_take_the_afternoon(dispatcher)
    dispatcher.post(f"/api/v1/rebalance/{shown['id']}/apply")
    owner = visit.ticket.owner
    (task,) = db.session.scalars(select(FollowUp).where(FollowUp.visit_id == visit.id)).all()
    first = datetime.fromisoformat(task.offered_slots[0]["slot_start"]).astimezone(SHANGHAI)
    client = page_login(owner)

    html = client.get("/followups?lang=en").get_data(as_text=True)
    assert f'data-follow-up="{task.id}" data-kind="rebook"' in html
    assert "The promised slot cannot be kept" in html
    assert "every technician with skill ac_install is out for the rest of the day" in html
    assert first.strftime("%m-%d %H:%M") in html
    assert "Calls allowed again at" in html  # 08:00: before the 10:00-18:00 call window
    assert "承诺的时段无法保持" in client.get("/followups?lang=zh_CN").get_data(as_text=True)

    clock.move_to(datetime(2026, 11, 24, 2, 30, tzinfo=UTC))  # 10:30 local
    client.post(f"/followups/{task.id}/attempts", data={"outcome": "reached", "kind": "rebook"})
    db.session.expire_all()
    task = db.session.get(FollowUp, task.id)
    assert task.status is FollowUpStatus.DONE and len(task.attempts) == 1
    # the visit still waits for its new slot: the ticket is not closed by the call
    assert task.ticket.status.value != "closed"


def test_a_spare_shift_takes_a_waiting_visit_and_the_day_keeps_the_spare(app, clock, dispatcher):
    installer = factories.make_technician(skills=("ac_install",), max_visits_per_day=1)
    spare = factories.make_technician(skills=("ac_install",), working_days=[6, 7])  # off on Tuesdays
    make_visit(status=VisitStatus.SCHEDULED, technician=installer, planned_start=local(DAY, 10))
    waiting = make_visit()
    board = dispatcher.get(f"/api/v1/board?date={DAY.isoformat()}&region=shanghai").json
    assert [t["id"] for t in board["off_today"]] == [spare.id]

    shown = _preview(dispatcher, {"kind": "technician_added", "technician_id": spare.id, "shift": ["13:00", "18:00"]})
    assert shown.status_code == 200, shown.json
    (moved,) = shown.json["moved"]
    assert moved["visit_id"] == waiting.id and moved["from"] is None
    assert moved["to"]["technician_id"] == spare.id and moved["to"]["start"] >= local(DAY, 13).isoformat()
    assert dispatcher.post(f"/api/v1/rebalance/{shown.json['id']}/apply").status_code == 200

    db.session.expire_all()
    assert db.session.get(Visit, waiting.id).technician_id == spare.id
    board = dispatcher.get(f"/api/v1/board?date={DAY.isoformat()}&region=shanghai").json
    row = next(t for t in board["technicians"] if t["id"] == spare.id)
    assert (row["shift"]["start"][11:16], row["shift"]["end"][11:16]) == ("13:00", "18:00")
    assert board["off_today"] == []
    assert waiting.id in [v["visit_id"] for v in board["visits"]]


def test_a_spare_technician_serves_any_district_on_a_day_where_districts_restrict_others(app, clock, dispatcher):
    # one technician is kept to Xuhui, so the day's visits carry their district; the spare one goes anywhere
    factories.make_technician(skills=("ac_install",), service_districts=["xuhui"])
    spare = factories.make_technician(skills=("ac_install",), working_days=[6, 7])  # off on Tuesdays
    waiting = make_visit(district="huangpu")

    shown = _preview(dispatcher, {"kind": "technician_added", "technician_id": spare.id, "shift": ["13:00", "18:00"]})
    assert shown.status_code == 200, shown.json
    assert [(m["visit_id"], m["to"]["technician_id"]) for m in shown.json["moved"]] == [(waiting.id, spare.id)]


def test_an_applied_technician_out_keeps_their_day_cut_for_the_next_plan(app, clock, dispatcher):
    visit, shown = _nobody_else_can_take_the_afternoon(dispatcher)
    installer_id = visit.technician_id
    assert dispatcher.post(f"/api/v1/rebalance/{shown['id']}/apply").status_code == 200

    board = dispatcher.get(f"/api/v1/board?date={DAY.isoformat()}&region=shanghai").json
    row = next(t for t in board["technicians"] if t["id"] == installer_id)
    assert row["shift"]["end"][11:16] == "11:00"
    # optimizing the day again does not hand the afternoon back to the technician who went home
    plan = dispatcher.post(
        "/api/v1/plans", json={"date": DAY.isoformat(), "region": "shanghai", "time_limit_s": 1}
    ).json
    placed = {s["visit_id"] for r in plan["routes"] if r["technician_id"] == installer_id for s in r["stops"]}
    assert visit.id not in placed and visit.id in {u["visit_id"] for u in plan["unassigned"]}
