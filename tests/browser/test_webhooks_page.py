"""The admin's webhooks page in chromium: register an endpoint, see its delivery, replay a dead one."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect
from standardwebhooks.webhooks import Webhook

from dispatch.schemas import TicketCreateSchema
from dispatch.service.tickets import register_ticket
from tests import factories
from tests.browser.conftest import DESKTOP, LARGE_PHONE, sign_in
from tests.webhooks.receiver import start_receiver
from webhooks.service.sending import send_due_webhooks

pytestmark = pytest.mark.browser


@pytest.fixture
def receiver(live, monkeypatch):
    """A receiver on 127.0.0.1 (allowed here; the live app's own port stays refused)."""
    monkeypatch.setitem(live.config, "WEBHOOK_ALLOW_LOOPBACK", True)
    receiver, server = start_receiver()
    yield receiver
    server.shutdown()
    server.server_close()


@pytest.fixture
def admin_page(desk):
    admin = factories.make_user("admin", username="webadmin", display_name="Admin Li")

    def open_page(viewport=DESKTOP, locale="en-US"):
        page = desk(locale, viewport)
        sign_in(page, admin, lang=None)  # the page's language follows the browser's
        return page

    return open_page


def a_ticket_is_registered() -> int:
    cs = factories.make_user("cs")
    return register_ticket(TicketCreateSchema().load(factories.ticket_payload()), by=cs).id


def test_the_admin_registers_an_endpoint_and_sees_its_signed_delivery(
    live, receiver, admin_page, monkeypatch, screenshot
):
    page = admin_page()
    page.click("text=Webhooks")
    expect(page.locator("h1")).to_have_text("Webhooks")

    # Its own address is refused, naming the field.
    page.fill("input[name=url]", live.config["BASE_URL"] + "/api/v1/tickets")
    page.click("#register-endpoint button[type=submit]")
    expect(page.locator("#url-error")).to_contain_text("this application itself")

    page.fill("input[name=url]", receiver.url)
    page.fill("input[name=description]", "Own CRM")
    page.click("#register-endpoint button[type=submit]")
    secret = page.locator("#new-secret").inner_text().strip()
    assert secret.startswith("whsec_")
    screenshot(page, "webhooks-registered")

    ticket_id = a_ticket_is_registered()
    send_due_webhooks()  # what the worker or the cron command does

    [request] = receiver.received
    message = Webhook(secret).verify(request.body, request.headers)
    assert message["type"] == "ticket.registered" and message["data"]["ticket"]["id"] == ticket_id
    page.goto("/webhooks")
    expect(page.locator(".secret-once")).to_have_count(0)  # shown once only
    row = page.locator("#recent-deliveries tr[data-status=delivered]")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Ticket registered")
    expect(row).to_contain_text(str(ticket_id))
    expect(page.locator(".endpoint")).to_contain_text("1 delivered")

    # A receiver that fails once the retry period is over (none here) turns the delivery dead; the admin replays it.
    monkeypatch.setitem(live.config, "WEBHOOK_RETRY_HOURS", 0)
    receiver.default_status = 500
    a_ticket_is_registered()
    send_due_webhooks()
    page.goto("/webhooks")
    dead = page.locator("#dead-deliveries tbody tr")
    expect(dead).to_have_count(1)
    expect(dead).to_contain_text("HTTP 500")
    receiver.default_status = 200
    dead.locator("button", has_text="Send again").click()
    expect(page.locator(".flash.success")).to_contain_text("will be sent again")
    send_due_webhooks()
    page.goto("/webhooks")
    expect(page.locator("#dead-deliveries tbody tr")).to_have_count(0)
    expect(page.locator("#recent-deliveries tr[data-status=delivered]")).to_have_count(2)
    assert len(receiver.unique_ids()) == 2


def test_the_page_reads_in_chinese_on_a_phone(live, receiver, admin_page, screenshot):
    page = admin_page(viewport=LARGE_PHONE, locale="zh-CN")
    page.goto("/webhooks?lang=zh_CN")
    page.fill("input[name=url]", receiver.url)
    page.click("#register-endpoint button[type=submit]")
    expect(page.locator(".secret-once h2")).to_have_text("接收端已登记")
    a_ticket_is_registered()
    send_due_webhooks()
    page.goto("/webhooks")
    expect(page.locator("#recent-deliveries")).to_contain_text("已送达")
    # Nothing wider than the phone's screen but the tables, which scroll in their own box.
    assert page.evaluate("document.documentElement.scrollWidth") <= LARGE_PHONE["width"]
    screenshot(page, "webhooks-phone-zh")
    assert json.loads(receiver.received[0].body)["type"] == "ticket.registered"
