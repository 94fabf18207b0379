"""The CS intake page: register a request, see warranty, quota, due time and who pays, pick a slot, see it on the ticket."""

from __future__ import annotations

from tests import factories
from tests.slots.conftest import technician
from tests.slots.intake_form import FORM


def test_a_newcomer_registers_a_request_picks_a_slot_and_sees_it_on_the_ticket(clock, page_login):
    technician("Wang Lei")
    browser = page_login(factories.make_user("cs"))

    registered = browser.post("/intake", data=FORM)
    assert registered.status_code == 302
    offers_page = browser.get(registered.headers["Location"])
    html = offers_page.get_data(as_text=True)
    assert "in_warranty" in html or "In warranty" in html
    assert "1 of 1 used, 0 left" in html and "Seller pays" in html  # this first visit is the one quota visit
    assert "Wang Lei has no other visit that day" in html

    from common.db import db
    from dispatch.models import Ticket

    ticket = db.session.query(Ticket).one()
    visit = ticket.visits[0]
    slot = html.split('name="slot" value="')[1].split('"')[0]
    booked = browser.post(f"/visits/{visit.id}/booking", data={"slot": slot, "ticket_id": ticket.id})
    assert booked.status_code == 302
    page = browser.get(booked.headers["Location"]).get_data(as_text=True)
    assert "Slot promised" in page and "Wang Lei" in page
    assert slot[:10] + " " + slot[11:16] in page  # the promised window on the ticket page


def test_the_intake_form_marks_what_to_fix(clock, page_login):
    browser = page_login(factories.make_user("cs"))
    response = browser.post("/intake", data={**FORM, "phone": "call me"})
    assert response.status_code == 422
    assert "Give a mainland mobile number (11 digits" in response.get_data(as_text=True)


def test_the_intake_page_speaks_chinese(clock, page_login):
    browser = page_login(factories.make_user("cs"))
    html = browser.get("/intake?lang=zh_CN").get_data(as_text=True)
    assert "新服务请求" in html
