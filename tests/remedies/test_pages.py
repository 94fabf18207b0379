"""The ticket page's remedy forms: each posts to one use case, says what happened, and refuses bad input
naming the field and writing nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from common.db import db
from dispatch.models import TimelineEvent
from dispatch.remedies.models import Remedy
from tests.steps import submit_form


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_bad_amount_on_the_form_names_the_amount_field_and_writes_nothing(cs, new_ticket, page_login):
    ticket = new_ticket()
    browser = page_login(cs.user)
    before = count(TimelineEvent)
    for amount in ("abc", "3"):
        response = browser.post(
            f"/tickets/{ticket['id']}/remedies?lang=en",
            data={"step": "compensation", "answer": "accepted", "amount_yuan": amount},
            follow_redirects=True,
        )
        assert response.status_code == 200
        assert "Amount (yuan):" in response.get_data(as_text=True), amount
    assert count(Remedy) == 0 and count(TimelineEvent) == before


def test_a_bad_amount_on_the_chinese_form_is_said_in_chinese(cs, new_ticket, page_login):
    ticket = new_ticket()
    browser = page_login(cs.user)
    html = submit_form(
        browser,
        f"/tickets/{ticket['id']}/remedies?lang=zh_CN",
        {"step": "compensation", "answer": "accepted", "amount_yuan": "abc"},
    )
    assert "金额（元）：不是有效的数字。" in html
    assert count(Remedy) == 0


def test_cs_records_a_compensation_on_the_page_and_only_a_manager_sees_the_approval_buttons(
    cs, manager, new_ticket, page_login, client
):
    ticket = new_ticket(cause="quality")
    browser = page_login(cs.user)
    html = submit_form(
        browser,
        f"/tickets/{ticket['id']}/remedies?lang=en",
        {"step": "compensation", "answer": "accepted", "amount_yuan": "50", "note": ""},
    )
    assert "Compensation recorded: it waits for a manager&#39;s approval." in html
    assert "Approve the compensation" not in html
    remedy = db.session.scalars(select(Remedy)).one()
    assert (
        browser.post(f"/tickets/{ticket['id']}/remedies/{remedy.id}/approval", data={"decision": "approve"}).status_code
        == 403
    )

    browser.post("/logout")
    boss = page_login(manager.user)
    assert "Approve the compensation" in boss.get(f"/tickets/{ticket['id']}?lang=en").get_data(as_text=True)
    refused = submit_form(
        boss, f"/tickets/{ticket['id']}/remedies/{remedy.id}/approval?lang=en", {"decision": "refuse", "reason": ""}
    )
    assert "Reason:" in refused
    approved = submit_form(
        boss, f"/tickets/{ticket['id']}/remedies/{remedy.id}/approval?lang=en", {"decision": "approve"}
    )
    assert "Compensation approved." in approved and "Approved by a manager" in approved


def test_the_chinese_ticket_page_words_the_remedies_in_chinese(cs, new_ticket, page_login):
    ticket = new_ticket(cause="quality")
    browser = page_login(cs.user)
    html = submit_form(
        browser,
        f"/tickets/{ticket['id']}/remedies?lang=zh_CN",
        {"step": "coupon", "answer": "declined", "amount_yuan": "10"},
    )
    card = html[html.index('id="remedies"') : html.index("</section>", html.index('id="remedies"'))]
    assert "优惠券" in card and "客户已拒绝" in card and "商家承担" in card
    for raw in ("coupon<", "declined<", "seller<", "Remedies"):
        assert raw not in card
    assert "提供解决方案" in html  # the timeline row
