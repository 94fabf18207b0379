"""The follow-up queue: who can be called now comes first, a form the server would refuse is disabled and says why."""

from __future__ import annotations

from datetime import timedelta

from tests import factories
from tests.steps import assign, finish_visit


def visited(new_ticket, dispatcher, installer) -> tuple[dict, int]:
    ticket = new_ticket()
    assert assign(dispatcher, ticket["visits"][0]["id"], installer.id).status_code == 200
    return ticket, finish_visit(ticket["visits"][0]["id"])


def test_callable_follow_ups_come_first_and_a_refused_form_is_disabled_with_the_reason(
    cs, dispatcher, new_ticket, installer, page_login, clock
):
    _, called = visited(new_ticket, dispatcher, installer)
    clock.tick(timedelta(minutes=5))
    _, fresh = visited(new_ticket, dispatcher, installer)
    assert cs.post(f"/api/v1/followups/{called}/attempts", json={"outcome": "no_answer"}).status_code == 201

    assert [f["id"] for f in cs.get("/api/v1/followups").json] == [fresh, called]
    html = page_login(cs.user).get("/followups?lang=en").get_data(as_text=True)
    assert html.index(f'data-follow-up="{fresh}"') < html.index(f'data-follow-up="{called}"')
    waiting = html[html.index(f'data-follow-up="{called}"') :]
    assert "Not now: Calls allowed again at 2026-11-23 12:05" in waiting
    assert "<fieldset disabled>" in waiting
    callable_card = html[html.index(f'data-follow-up="{fresh}"') : html.index(f'data-follow-up="{called}"')]
    assert "Callable now" in callable_card and "disabled" not in callable_card


def test_outside_the_call_window_every_form_waits_for_ten_oclock(
    cs, dispatcher, new_ticket, installer, page_login, clock
):
    visited(new_ticket, dispatcher, installer)
    clock.move_to("2026-11-23T11:30:00Z")  # 19:30 in Shanghai
    html = page_login(cs.user).get("/followups?lang=en").get_data(as_text=True)
    assert "Calls allowed again at 2026-11-24 10:00" in html and "Callable now" not in html


def test_the_managers_queue_is_titled_for_all_owners(cs, dispatcher, new_ticket, installer, page_login):
    visited(new_ticket, dispatcher, installer)
    html = page_login(factories.make_user("manager")).get("/followups?lang=en").get_data(as_text=True)
    assert "All follow-up calls" in html and "My follow-up calls" not in html
    assert cs.user.display_name in html


def test_the_follow_up_card_shows_what_the_technician_reported(cs, dispatcher, new_ticket, installer, page_login):
    from common.db import db
    from technicians.enums import ServiceResult
    from technicians.models import ServiceReport

    ticket, _ = visited(new_ticket, dispatcher, installer)
    db.session.add(
        ServiceReport(
            visit_id=ticket["visits"][0]["id"],
            technician_id=installer.id,
            work_done="更换电容，试机正常",
            result=ServiceResult.RESOLVED,
            parts=[{"sku": "CAP-35UF", "name": "启动电容", "qty": 1, "price_yuan": "45.00"}],
            fees_yuan=45,
            customer_confirmed=True,
        )
    )
    db.session.commit()
    html = page_login(cs.user).get("/followups?lang=en").get_data(as_text=True)
    assert "更换电容，试机正常" in html and "启动电容 × 1" in html and "45.00 yuan" in html
    assert "Resolved" in html and installer.name in html
