"""CS pages: ticket list, ticket page with its timeline, follow-up queue; technicians are kept out."""

from __future__ import annotations

from datetime import timedelta

from common.db import db
from dispatch.enums import TicketStatus
from dispatch.models import Ticket
from tests import factories
from tests.steps import assign, finish_visit


def test_cs_user_sees_the_ticket_list(cs, new_ticket, page_login):
    ticket = new_ticket()
    browser = page_login(cs.user)
    page = browser.get("/tickets")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f'href="/tickets/{ticket["id"]}"' in html and "王芳" in html and cs.user.display_name in html


def test_ticket_list_filters_by_status_and_flags_overdue(cs, new_ticket, page_login, clock):
    late, cancelled = new_ticket(type="return_pickup"), new_ticket()
    cs.post(f"/api/v1/tickets/{cancelled['id']}/cancel", json={"reason": "duplicate"})
    browser = page_login(cs.user)
    assert 'class="badge late"' not in browser.get("/tickets").get_data(as_text=True)
    clock.tick(timedelta(days=3, seconds=1))  # a return pickup is due within 3 days
    html = browser.get("/tickets?status=open").get_data(as_text=True)
    assert f'href="/tickets/{late["id"]}"' in html
    assert f'href="/tickets/{cancelled["id"]}"' not in html
    assert 'class="badge late">Overdue' in html


def test_ticket_page_shows_the_timeline_in_local_time(cs, new_ticket, page_login):
    ticket = new_ticket()
    html = page_login(cs.user).get(f"/tickets/{ticket['id']}").get_data(as_text=True)
    assert "Timeline" in html and "Ticket registered" in html
    assert "2026-11-23 10:00" in html  # 02:00 UTC shown in Asia/Shanghai
    assert "1 of 1 used, 0 left" in html


def test_technician_is_refused_the_cs_pages(clock, page_login):
    technician = factories.make_user("technician")
    browser = page_login(technician)
    for path in ("/tickets", "/tickets/1", "/followups"):
        response = browser.get(path)
        assert response.status_code == 403, path
        assert "text/html" in response.content_type


def test_pages_need_a_login(client):
    response = client.get("/tickets")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_cs_records_a_follow_up_call_from_the_queue_page(cs, dispatcher, new_ticket, installer, page_login):
    ticket = new_ticket()
    assign(dispatcher, ticket["visits"][0]["id"], installer.id)
    follow_up = finish_visit(ticket["visits"][0]["id"])
    browser = page_login(cs.user)
    assert "王芳" in browser.get("/followups").get_data(as_text=True)
    response = browser.post(
        f"/followups/{follow_up}/attempts",
        data={"outcome": "reached", "resolved": "yes", "satisfaction": "5"},
        follow_redirects=True,
    )
    assert "Call recorded." in response.get_data(as_text=True)
    assert db.session.get(Ticket, ticket["id"]).status is TicketStatus.CLOSED


def test_a_refused_call_is_flashed_on_the_queue_page(cs, dispatcher, new_ticket, installer, page_login, clock):
    ticket = new_ticket()
    assign(dispatcher, ticket["visits"][0]["id"], installer.id)
    follow_up = finish_visit(ticket["visits"][0]["id"])
    browser = page_login(cs.user)
    browser.post(f"/followups/{follow_up}/attempts", data={"outcome": "no_answer"})
    response = browser.post(f"/followups/{follow_up}/attempts", data={"outcome": "no_answer"}, follow_redirects=True)
    assert "Call again after 12:00; the last attempt was at 10:00." in response.get_data(as_text=True)


def test_ticket_page_names_codes_in_the_readers_language(cs, new_ticket, page_login):
    ticket = new_ticket(type="return_pickup")
    html = page_login(cs.user).get(f"/tickets/{ticket['id']}?lang=zh_CN").get_data(as_text=True)
    assert "退货取件" in html and "工单已登记" in html and "待处理" in html
    assert "return_pickup" not in html
