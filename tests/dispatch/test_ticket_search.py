"""CS finds the ticket a customer calls about: by phone, name, order number, serial number or ticket number."""

from __future__ import annotations

from datetime import timedelta

from common.db import db
from dispatch.enums import VisitStatus
from dispatch.models import Visit
from dispatch.service.visits import return_for_rebooking


def found(cs, q: str) -> list[int]:
    response = cs.get("/api/v1/tickets", query_string={"q": q})
    assert response.status_code == 200, response.json
    return [t["id"] for t in response.json]


def test_a_ticket_is_found_by_phone_name_order_serial_and_number(cs, new_ticket):
    mine = new_ticket(
        customer={
            "name": "赵敏",
            "phone": "139-8765-4321",
            "address": "上海市静安区南京西路1号",
            "lat": 31.23,
            "lon": 121.45,
        }
    )
    other = new_ticket()

    assert found(cs, "13987654321") == [mine["id"]]  # typed without the dashes
    assert found(cs, "7654321") == [mine["id"]]  # the last digits the customer reads out
    assert found(cs, "赵敏") == [mine["id"]]
    assert found(cs, mine["order"]["order_no"].lower()) == [mine["id"]]
    assert found(cs, mine["product"]["serial_no"]) == [mine["id"]]
    assert found(cs, str(other["id"])) == [other["id"]]
    assert found(cs, "nobody") == []


def test_an_empty_or_too_long_search_is_refused_naming_the_field(cs):
    response = cs.get("/api/v1/tickets", query_string={"q": "x" * 65})
    assert response.status_code == 422 and "q" in response.json["errors"]["query"]


def test_filters_for_overdue_and_needs_rebooking(cs, new_ticket, login_as, clock):
    late = new_ticket(type="return_pickup")  # due within 3 days; an installation gets 5
    failed = new_ticket()
    visit = db.session.get(Visit, failed["visits"][0]["id"])
    visit.status = VisitStatus.FAILED
    return_for_rebooking(visit, reason="customer_absent", note=None, by=None)
    db.session.commit()
    clock.tick(timedelta(days=3, seconds=1))
    cs = login_as(cs.user)  # a fresh token: the first one expired meanwhile

    assert [t["id"] for t in cs.get("/api/v1/tickets?overdue=true").json] == [late["id"]]
    assert [t["id"] for t in cs.get("/api/v1/tickets?needs_rebooking=true").json] == [failed["id"]]


def test_the_list_page_searches_and_highlights_overdue_tickets(cs, new_ticket, page_login, clock):
    late = new_ticket(type="return_pickup")
    new_ticket(
        customer={
            "name": "钱多多",
            "phone": "13700001111",
            "address": "上海市徐汇区衡山路2号",
            "lat": 31.2,
            "lon": 121.44,
        }
    )
    clock.tick(timedelta(days=3, seconds=1))
    browser = page_login(cs.user)

    html = browser.get("/tickets?q=13812345678&lang=en").get_data(as_text=True)
    assert f'href="/tickets/{late["id"]}"' in html and "钱多多" not in html
    assert 'class="overdue"' in html
    overdue = browser.get("/tickets?show=overdue&lang=en").get_data(as_text=True)
    assert f'href="/tickets/{late["id"]}"' in overdue and "钱多多" not in overdue  # an installation has 5 days
