"""CS attaches the customer's photos to a ticket: checked, stored outside the database, shown to staff only."""

from __future__ import annotations

import base64
import io
from pathlib import Path

from sqlalchemy import func, select

from common.db import db
from dispatch.models import Customer, Ticket
from tests import factories

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32  # the signature is what the type check reads
GIF = b"GIF89a" + b"\x00" * 32


def _photo(data: bytes, content_type: str = "image/png", filename: str = "leak.png") -> dict:
    return {"filename": filename, "content_type": content_type, "data_base64": base64.b64encode(data).decode()}


def _stored_ticket_files(app) -> list[Path]:
    folder = Path(app.config["UPLOAD_DIR"]) / "tickets"
    return sorted(folder.iterdir()) if folder.exists() else []


def test_a_ticket_keeps_its_photos_as_files_and_shows_them_to_staff(app, cs, login_as):
    response = cs.post("/api/v1/tickets", json=factories.ticket_payload(photos=[_photo(PNG)]))
    assert response.status_code == 201, response.get_json()
    ticket = cs.get(f"/api/v1/tickets/{response.get_json()['id']}").get_json()
    [name] = ticket["photos"]
    assert name.endswith(".png") and "leak" not in name  # a generated name, never the client's
    served = login_as("dispatcher").get(f"/api/v1/tickets/{ticket['id']}/photos/{name}")
    assert served.status_code == 200 and served.data == PNG


def test_a_photo_that_is_not_what_it_claims_refuses_the_ticket_and_stores_nothing(app, cs):
    before = _stored_ticket_files(app)
    response = cs.post(
        "/api/v1/tickets", json=factories.ticket_payload(photos=[_photo(PNG), _photo(GIF, filename="fake.png")])
    )
    assert response.status_code == 422
    assert "Photo 2 (fake.png)" in response.get_json()["message"]
    assert db.session.scalar(select(func.count()).select_from(Ticket)) == 0
    assert db.session.scalar(select(func.count()).select_from(Customer)) == 0
    assert _stored_ticket_files(app) == before


def test_more_than_six_photos_are_refused(cs):
    response = cs.post("/api/v1/tickets", json=factories.ticket_payload(photos=[_photo(PNG)] * 7))
    assert response.status_code == 422
    assert "photos" in response.get_json()["errors"]["json"]


def test_technicians_cannot_open_ticket_photos(app, cs, login_as):
    ticket_id = cs.post("/api/v1/tickets", json=factories.ticket_payload(photos=[_photo(PNG)])).get_json()["id"]
    name = cs.get(f"/api/v1/tickets/{ticket_id}").get_json()["photos"][0]
    assert login_as("technician").get(f"/api/v1/tickets/{ticket_id}/photos/{name}").status_code == 403


def test_a_name_not_on_the_ticket_is_not_served(cs):
    ticket_id = cs.post("/api/v1/tickets", json=factories.ticket_payload()).get_json()["id"]
    assert cs.get(f"/api/v1/tickets/{ticket_id}/photos/..%2F..%2Fdispatch.db").status_code == 404
    assert cs.get(f"/api/v1/tickets/{ticket_id}/photos/0123.png").status_code == 404


def test_the_intake_page_takes_photos_and_the_ticket_page_shows_them(app, cs, page_login):
    browser = page_login(cs.user)
    body = factories.ticket_payload()
    form = {
        "platform": "jd",
        "order_no": "JD-PHOTO-1",
        "order_value": "3999",
        "purchase_date": "2026-11-01",
        "name": "李娜",
        "phone": "13912345678",
        "address": "上海市徐汇区衡山路10号",
        "district": "徐汇区",
        "region": "shanghai",
        "lat": "31.2",
        "lon": "121.44",
        "category": "large_appliance",
        "brand": "Midea",
        "sku": "KFR-35",
        "serial_no": "SN-PHOTO-1",
        "type": "repair",
        "description": "Leaks water.",
        "priority": "3",
        "available_from": body["availability"][0]["start"][:16],
        "available_until": body["availability"][0]["end"][:16],
        "photos": (io.BytesIO(PNG), "leak.png", "image/png"),
    }
    registered = browser.post("/intake", data=form, content_type="multipart/form-data")
    assert registered.status_code == 302, registered.get_data(as_text=True)[-600:]
    ticket = db.session.scalars(select(Ticket)).one()
    assert len(ticket.photos) == 1
    page = browser.get(f"/tickets/{ticket.id}").get_data(as_text=True)
    assert f"/api/v1/tickets/{ticket.id}/photos/{ticket.photos[0]}" in page
