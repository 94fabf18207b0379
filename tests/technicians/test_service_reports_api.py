"""Service reports: filed on site by the visit's technician, with catalogue parts, photos and a signature."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from sqlalchemy import func, select

from common.db import db
from common.images import MAX_PHOTO_BYTES
from technicians.models import ServiceReport
from tests import factories
from tests.technicians.conftest import GIF, JPEG, PNG, WEBP, event, photo, signature_url


@pytest.fixture
def upload_dir(app) -> Path:
    return Path(app.config["UPLOAD_DIR"]) / "service_reports"


@pytest.fixture
def arrived(technician):
    """A ticket and the technician's visit they have arrived at."""
    return factories.make_ticket_with_visit(technician=technician.user.technician, visit_status="arrived")


def report_body(**overrides) -> dict:
    body = {
        "work_done": "Mounted the indoor unit, replaced the capacitor, tested cooling.",
        "result": "resolved",
        "parts": [],
        "fees_yuan": 80,
        "photos": [],
        "signature": None,
        "customer_confirmed": False,
    }
    body.update(overrides)
    return body


def stored_files(upload_dir: Path) -> set[str]:
    return {p.name for p in upload_dir.iterdir()} if upload_dir.exists() else set()


def report_count() -> int:
    return db.session.scalar(select(func.count()).select_from(ServiceReport))


def test_technician_files_report_with_catalogue_parts_photos_and_signature(technician, arrived, upload_dir):
    ticket, visit = arrived
    factories.make_part("CAP-35UF", name="Capacitor 35uF", price_yuan="45.00")
    factories.make_part("PIPE-3M", name="Copper pipe 3 m", price_yuan="120.50")
    before = stored_files(upload_dir)
    response = technician.post(
        f"/api/v1/visits/{visit.id}/report",
        json=report_body(
            parts=[{"sku": "CAP-35UF", "qty": 2}, {"sku": "PIPE-3M", "qty": 1}],
            photos=[
                photo(JPEG),
                photo(PNG, content_type="image/png", filename="after.png"),
                photo(WEBP, content_type="image/webp", filename="label.webp"),
            ],
            signature=signature_url(),
            customer_confirmed=True,
        ),
    )
    assert response.status_code == 201, response.json
    report = response.json
    assert report["parts"] == [
        {"sku": "CAP-35UF", "name": "Capacitor 35uF", "qty": 2, "price_yuan": "45.00"},
        {"sku": "PIPE-3M", "name": "Copper pipe 3 m", "qty": 1, "price_yuan": "120.50"},
    ]
    assert report["parts_total_yuan"] == "210.50"  # 2 x 45.00 + 120.50
    assert report["fees_yuan"] == "80.00" and report["customer_confirmed"] is True
    # Files are stored under generated names, never the client's, and only the names go in the database.
    new_files = stored_files(upload_dir) - before
    assert new_files == {*report["photos"], report["signature"]}
    assert [Path(n).suffix for n in report["photos"]] == [".jpg", ".png", ".webp"]
    assert "after.png" not in new_files
    assert (upload_dir / report["photos"][1]).read_bytes() == PNG
    assert (upload_dir / report["signature"]).read_bytes() == PNG


def test_staff_and_the_owning_technician_read_the_report_and_its_files(technician, arrived, login_as):
    ticket, visit = arrived
    created = technician.post(
        f"/api/v1/visits/{visit.id}/report", json=report_body(photos=[photo(JPEG)], signature=signature_url())
    ).json
    for reader in (technician, login_as("cs"), login_as("dispatcher"), login_as("manager")):
        response = reader.get(f"/api/v1/visits/{visit.id}/report")
        assert response.status_code == 200 and response.json == created
    picture = login_as("cs").get(f"/api/v1/visits/{visit.id}/report/files/{created['photos'][0]}")
    assert picture.status_code == 200 and picture.data == JPEG and picture.mimetype == "image/jpeg"
    assert login_as("cs").get(f"/api/v1/visits/{visit.id}/report/files/..%2Fsecret").status_code == 404


def test_other_technicians_do_not_see_the_report(technician, arrived, login_as):
    ticket, visit = arrived
    technician.post(f"/api/v1/visits/{visit.id}/report", json=report_body())
    assert login_as("technician").get(f"/api/v1/visits/{visit.id}/report").status_code == 404


def test_visit_without_report_answers_not_found(arrived, login_as):
    ticket, visit = arrived
    response = login_as("cs").get(f"/api/v1/visits/{visit.id}/report")
    assert response.status_code == 404 and "no service report yet" in response.json["message"]


def test_report_on_another_technicians_visit_is_not_found(technician):
    ticket, visit = factories.make_ticket_with_visit(technician=factories.make_technician(), visit_status="arrived")
    assert technician.post(f"/api/v1/visits/{visit.id}/report", json=report_body()).status_code == 404
    assert report_count() == 0


def test_only_technicians_file_reports(login_as, arrived):
    ticket, visit = arrived
    assert login_as("cs").post(f"/api/v1/visits/{visit.id}/report", json=report_body()).status_code == 403


def test_report_is_filed_on_site_after_arrival(technician):
    ticket, visit = factories.make_ticket_with_visit(technician=technician.user.technician, visit_status="en_route")
    response = technician.post(f"/api/v1/visits/{visit.id}/report", json=report_body())
    assert response.status_code == 409 and "Send arrived first" in response.json["message"]


def test_a_submitted_report_is_not_replaced(technician, arrived):
    ticket, visit = arrived
    assert technician.post(f"/api/v1/visits/{visit.id}/report", json=report_body()).status_code == 201
    again = technician.post(f"/api/v1/visits/{visit.id}/report", json=report_body(work_done="Changed my mind."))
    assert again.status_code == 409 and "already has a service report" in again.json["message"]
    assert technician.get(f"/api/v1/visits/{visit.id}/report").json["work_done"].startswith("Mounted")


def test_retried_report_with_the_same_key_is_stored_once(technician, arrived, upload_dir):
    ticket, visit = arrived
    key = {"Idempotency-Key": "report-1"}
    body = report_body(photos=[photo(JPEG)])
    first = technician.post(f"/api/v1/visits/{visit.id}/report", json=body, headers=key)
    files_after_first = stored_files(upload_dir)
    again = technician.post(f"/api/v1/visits/{visit.id}/report", json=body, headers=key)
    assert again.status_code == 201 and again.json == first.json
    assert report_count() == 1 and stored_files(upload_dir) == files_after_first


def test_report_then_completed_queues_the_follow_up(technician, arrived):
    ticket, visit = arrived
    technician.post(f"/api/v1/visits/{visit.id}/report", json=report_body())
    done = event(technician, visit.id, "completed")
    assert done.status_code == 201 and done.json["ticket_status"] == "awaiting_follow_up"


def test_unknown_or_retired_parts_are_refused_naming_them(technician, arrived):
    ticket, visit = arrived
    factories.make_part("CAP-35UF")
    factories.make_part("OLD-1", active=False)
    response = technician.post(
        f"/api/v1/visits/{visit.id}/report",
        json=report_body(
            parts=[{"sku": "CAP-35UF", "qty": 1}, {"sku": "NOPE-9", "qty": 1}, {"sku": "OLD-1", "qty": 1}]
        ),
    )
    assert response.status_code == 422
    assert "NOPE-9, OLD-1" in response.json["message"] and response.json["unknown"] == ["NOPE-9", "OLD-1"]
    assert response.json["errors"]["json"]["parts"]
    assert report_count() == 0


@pytest.mark.parametrize(
    "overrides, field",
    [
        (dict(fees_yuan=-1), "fees_yuan"),
        (dict(fees_yuan="lots"), "fees_yuan"),
        (dict(fees_yuan="NaN"), "fees_yuan"),
        (dict(result="fixed-ish"), "result"),
        (dict(work_done=""), "work_done"),
        (dict(work_done="x" * 5001), "work_done"),
        (dict(parts=[{"sku": "CAP-35UF", "qty": 0}]), "parts"),
        (dict(parts=[{"sku": "CAP-35UF", "qty": "2"}]), "parts"),
        (dict(parts=[{"sku": "CAP-35UF", "qty": 1}, {"sku": "CAP-35UF", "qty": 1}]), "parts"),
        (dict(customer_confirmed="maybe"), "customer_confirmed"),
        (dict(photos=[{"filename": "a.jpg"}]), "photos"),
        (dict(photos=[photo()] * 7), "photos"),
        (dict(photos=[photo(GIF, content_type="image/gif", filename="a.gif")]), "photos"),
        (dict(photos=[photo(GIF, content_type="image/jpeg", filename="a.jpg")]), "photos"),
        (dict(photos=[{"filename": "a.jpg", "content_type": "image/jpeg", "data_base64": "not base64!"}]), "photos"),
        (dict(signature="data:image/jpeg;base64," + base64.b64encode(JPEG).decode()), "signature"),
        (dict(signature="scribble"), "signature"),
    ],
    ids=[
        "negative-fees",
        "fees-as-words",
        "fees-nan",
        "unknown-result",
        "empty-work",
        "huge-work",
        "zero-qty",
        "qty-as-text",
        "part-twice",
        "confirmed-as-text",
        "photo-without-data",
        "seven-photos",
        "gif-photo",
        "gif-labelled-jpeg",
        "photo-not-base64",
        "jpeg-signature",
        "signature-not-a-data-url",
    ],
)
def test_bad_report_input_is_refused_naming_the_field(technician, arrived, overrides, field):
    ticket, visit = arrived
    factories.make_part("CAP-35UF")
    response = technician.post(f"/api/v1/visits/{visit.id}/report", json=report_body(**overrides))
    assert response.status_code == 422, response.json
    assert field in response.json["errors"]["json"]
    assert report_count() == 0


def test_photo_over_five_megabytes_is_refused(technician, arrived, upload_dir):
    ticket, visit = arrived
    too_big = JPEG + bytes(MAX_PHOTO_BYTES - len(JPEG) + 1)
    before = stored_files(upload_dir)
    response = technician.post(f"/api/v1/visits/{visit.id}/report", json=report_body(photos=[photo(too_big)]))
    assert response.status_code == 422 and "larger than 5 MB" in response.json["message"]
    assert report_count() == 0 and stored_files(upload_dir) == before


def test_one_bad_photo_stores_no_files_and_no_report(technician, arrived, upload_dir):
    ticket, visit = arrived
    before = stored_files(upload_dir)
    response = technician.post(
        f"/api/v1/visits/{visit.id}/report",
        json=report_body(
            photos=[photo(JPEG), photo(PNG, content_type="image/png"), photo(GIF, content_type="image/webp")]
        ),
    )
    assert response.status_code == 422 and "Photo 3" in response.json["message"]
    assert report_count() == 0 and stored_files(upload_dir) == before


def test_files_written_before_a_failed_save_are_removed(technician, arrived, upload_dir, monkeypatch):
    from technicians.service import reports

    ticket, visit = arrived
    before = stored_files(upload_dir)

    def timeline_down(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(reports, "record_event", timeline_down)
    with pytest.raises(RuntimeError):
        technician.post(
            f"/api/v1/visits/{visit.id}/report", json=report_body(photos=[photo(JPEG)], signature=signature_url())
        )
    assert stored_files(upload_dir) == before
    assert report_count() == 0


def test_request_over_the_upload_limit_is_refused_before_anything_is_stored(technician, arrived, app, upload_dir):
    ticket, visit = arrived
    before = stored_files(upload_dir)
    huge = "A" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = technician.post(
        f"/api/v1/visits/{visit.id}/report",
        json=report_body(photos=[{"filename": "a.jpg", "content_type": "image/jpeg", "data_base64": huge}]),
        headers={"Idempotency-Key": "too-big"},
    )
    assert response.status_code == 413 and response.json["code"] == 413
    assert report_count() == 0 and stored_files(upload_dir) == before


def test_a_customer_confirmation_needs_the_customers_signature_and_nothing_is_stored(technician, arrived):
    ticket, visit = arrived
    response = technician.post(f"/api/v1/visits/{visit.id}/report", json=report_body(customer_confirmed=True))
    assert response.status_code == 422
    assert "signature is required" in response.json["errors"]["json"]["signature"][0]
    assert report_count() == 0
    signed = technician.post(
        f"/api/v1/visits/{visit.id}/report", json=report_body(customer_confirmed=True, signature=signature_url())
    )
    assert signed.status_code == 201
