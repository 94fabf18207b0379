"""The ticket page's buttons: each posts to one use case, says what happened, and refuses bad input writing nothing."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from common.db import db
from dispatch.enums import TicketStatus, VisitStatus
from dispatch.models import TimelineEvent, Visit
from dispatch.service.visits import return_for_rebooking
from tests import factories
from tests.slots.conftest import technician, visit_at
from tests.steps import submit_form


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def events() -> int:
    return db.session.scalar(select(func.count()).select_from(TimelineEvent))


def failed_visit_with_rebooking():
    first = visit_at(31.2397, 121.4998)  # 4,599 yuan: quota 1
    first.status = VisitStatus.FAILED
    second = return_for_rebooking(first, reason="customer_absent", note=None, by=None)
    db.session.commit()
    return first.ticket, second


def test_cs_sees_the_rebooking_wait_for_a_manager_and_the_manager_approves_it_on_the_page(cs, page_login, client):
    technician("Wang Lei")
    ticket, second = failed_visit_with_rebooking()
    browser = page_login(cs.user)
    html = browser.get(f"/tickets/{ticket.id}?lang=en").get_data(as_text=True)
    assert "Waits for a manager: beyond the visit quota" in html and "Approve the visit" not in html

    browser.post("/logout")
    manager = factories.make_user("manager")
    browser = page_login(manager)
    assert "Approve the visit" in browser.get(f"/tickets/{ticket.id}?lang=en").get_data(as_text=True)
    done = browser.post(
        f"/tickets/{ticket.id}/visits/{second.id}/quota-approval", data={"decision": "approve"}, follow_redirects=True
    ).get_data(as_text=True)

    assert "Visit approved: it can be booked now." in done and "Offer slots and book" in done
    db.session.expire_all()
    assert db.session.get(Visit, second.id).approved_by_id == manager.id


def test_a_refusal_without_a_reason_is_refused_on_the_page_and_nothing_changes(clock, page_login):
    ticket, second = failed_visit_with_rebooking()
    browser = page_login(factories.make_user("manager"))
    before = events()
    html = submit_form(
        browser,
        f"/tickets/{ticket.id}/visits/{second.id}/quota-approval?lang=en",
        {"decision": "refuse", "reason": " "},
    )
    assert "Reason: Say why the visit is refused." in html
    assert events() == before
    db.session.expire_all()
    assert db.session.get(Visit, second.id).status is VisitStatus.UNSCHEDULED


def test_cs_books_the_rebooking_from_the_ticket_page_once_approved(cs, page_login, login_as):
    technician("Wang Lei")
    ticket, second = failed_visit_with_rebooking()
    login_as("manager").post(f"/api/v1/visits/{second.id}/quota-approval", json={"decision": "approve"})
    browser = page_login(cs.user)

    slots = browser.get(f"/intake/{ticket.id}/slots?visit={second.id}&lang=en").get_data(as_text=True)
    assert "Wang Lei" in slots
    offer = cs.get(f"/api/v1/visits/{second.id}/slots?days=1").json["offers"][0]
    booked = submit_form(browser, f"/visits/{second.id}/booking", {"ticket_id": ticket.id, "slot": offer["slot_start"]})

    assert "Slot promised" in booked and "Reschedule" in booked
    db.session.expire_all()
    assert db.session.get(Visit, second.id).status is VisitStatus.SCHEDULED


def test_cs_adds_cancels_and_reopens_from_the_ticket_page(cs, page_login):
    visit = visit_at(31.2397, 121.4998)
    browser = page_login(cs.user)

    cancelled = submit_form(
        browser, f"/tickets/{visit.ticket_id}/visits/{visit.id}/cancel?lang=en", {"reason": "客户改期，另行预约"}
    )
    assert "Visit cancelled." in cancelled and "Add visit" in cancelled

    added = browser.post(
        f"/tickets/{visit.ticket_id}/visits?lang=en", data={"reason": "重新安排上门"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "Visit added." in added
    db.session.expire_all()
    visits = db.session.scalars(select(Visit).where(Visit.ticket_id == visit.ticket_id).order_by(Visit.id)).all()
    assert [v.status for v in visits] == [VisitStatus.CANCELLED, VisitStatus.UNSCHEDULED]
    assert visits[1].approved_by_id is None  # the cancelled visit no longer counts: the new one is within quota

    visits[1].status = VisitStatus.COMPLETED
    visits[1].ticket.status = TicketStatus.CLOSED
    db.session.commit()
    reopened = browser.post(
        f"/tickets/{visit.ticket_id}/reopen?lang=en", data={"reason": "客户反映又坏了"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "Ticket reopened with a new visit." in reopened
    assert "Waits for a manager: beyond the visit quota" in reopened


def test_an_empty_reason_names_the_field_and_writes_nothing(cs, page_login):
    visit = visit_at(31.2397, 121.4998)
    browser = page_login(cs.user)
    before = events()
    html = browser.post(
        f"/tickets/{visit.ticket_id}/cancel?lang=en", data={"reason": ""}, follow_redirects=True
    ).get_data(as_text=True)
    assert "Reason:" in html and events() == before
    db.session.expire_all()
    assert db.session.get(Visit, visit.id).status is VisitStatus.UNSCHEDULED


def test_rescheduling_gives_up_the_old_slot_in_the_same_booking(cs):
    technician("Wang Lei")
    visit = visit_at(31.2397, 121.4998)
    offers = cs.get(f"/api/v1/visits/{visit.id}/slots?days=2").json["offers"]
    first, other = offers[0], next(o for o in offers if o["slot_start"][:10] != offers[0]["slot_start"][:10])
    assert cs.post(f"/api/v1/visits/{visit.id}/booking", json={"slot": first["slot_start"]}).status_code == 201

    moved = cs.post(f"/api/v1/visits/{visit.id}/booking", json={"slot": other["slot_start"]})

    assert moved.status_code == 201, moved.json
    assert at(moved.json["visit"]["promised_start"]) == at(other["slot_start"])
    timeline = cs.get(f"/api/v1/tickets/{visit.ticket_id}").json["timeline"]
    released = [e for e in timeline if e["action"] == "slot_released"]
    assert len(released) == 1 and at(released[0]["detail"]["slot_start"]) == at(first["slot_start"])
    assert "visit_rescheduled" in [e["action"] for e in timeline]
    # the old slot is free again: a second customer there can have it
    neighbour = visit_at(31.2397, 121.4998)
    again = cs.get(f"/api/v1/visits/{neighbour.id}/slots?days=2").json["offers"]
    assert at(first["slot_start"]) in [at(o["slot_start"]) for o in again]
