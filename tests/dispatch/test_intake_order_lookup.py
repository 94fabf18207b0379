"""On the phone, CS finds the customer's order and gets the form filled from it."""

from __future__ import annotations

from tests import factories


def test_finding_a_stored_order_fills_in_the_customer_and_product(cs, page_login):
    body = factories.ticket_payload()
    assert cs.post("/api/v1/tickets", json=body).status_code == 201
    browser = page_login(cs.user)
    page = browser.get(f"/intake?platform=tmall&order_no={body['order']['order_no']}").get_data(as_text=True)
    assert "found" in page
    assert 'value="王芳"' in page and 'value="13812345678"' in page
    assert f'value="{body["product"]["serial_no"]}"' in page and 'value="4599.00"' in page


def test_an_unknown_order_says_so_and_keeps_what_was_typed(cs, page_login):
    page = page_login(cs.user).get("/intake?platform=jd&order_no=JD-NOPE").get_data(as_text=True)
    assert "No stored order JD-NOPE" in page
    assert 'value="JD-NOPE"' in page


def test_a_made_up_platform_finds_nothing_rather_than_failing(cs, page_login):
    response = page_login(cs.user).get("/intake?platform=ebay&order_no=X1")
    assert response.status_code == 200 and "No stored order X1" in response.get_data(as_text=True)
