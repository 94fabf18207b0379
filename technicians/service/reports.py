"""Service reports: the form a technician fills in on site, with its photos and the customer's signature.

Files are stored under ``UPLOAD_DIR/service_reports`` with generated names; the database keeps the names.
A visit has one report: once submitted (and signed by the customer) it is not replaced, a second one is a 409.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

from common.db import db, utcnow
from common.errors import Conflict, NotFound, RuleViolation
from common.images import decode_photo, decode_signature
from common.models import Role, User
from common.transaction import transaction
from common.uploads import stored_images, upload_dir
from dispatch.enums import VisitStatus
from dispatch.models import Visit
from dispatch.service.timeline import record_event
from technicians.enums import ServiceResult
from technicians.models import Part, ServiceReport
from technicians.service.events import own_visit

REPORT_DIR = "service_reports"
VISIT_BEFORE_ARRIVAL = frozenset({VisitStatus.SCHEDULED, VisitStatus.ACCEPTED, VisitStatus.EN_ROUTE})


def submit_service_report(
    visit_id: int,
    *,
    work_done: str,
    result: ServiceResult,
    by: User,
    parts: list[dict] | None = None,
    fees_yuan: Decimal = Decimal("0"),
    photos: list[dict] | None = None,
    signature: str | None = None,
    customer_confirmed: bool = False,
) -> ServiceReport:
    """File the service report of the technician's own visit while on site; photos and signature go to files."""
    # Files written are deleted again when the transaction does not commit.
    with stored_images(REPORT_DIR) as store, transaction():
        visit = own_visit(visit_id, by=by, lock=True)
        if _report_of(visit.id) is not None:
            raise Conflict("report_exists", params={"visit_id": visit.id})
        if visit.status is not VisitStatus.ARRIVED:
            raise Conflict(
                "report_before_arrival" if visit.status in VISIT_BEFORE_ARRIVAL else "report_not_on_site",
                current=visit.status.value,
                params={"current": visit.status},
            )
        priced_parts = _priced_parts(parts or [])
        images = [decode_photo(index=i, **photo) for i, photo in enumerate(photos or [], start=1)]
        drawn = decode_signature(signature) if signature else None
        photo_names = [store(image) for image in images]
        signature_name = store(drawn) if drawn else None
        report = ServiceReport(
            visit_id=visit.id,
            technician_id=visit.technician_id,
            work_done=work_done,
            result=result,
            parts=priced_parts,
            fees_yuan=fees_yuan,
            photos=photo_names,
            signature=signature_name,
            customer_confirmed=customer_confirmed,
            submitted_at=utcnow(),
        )
        db.session.add(report)
        db.session.flush()
        record_event(
            visit.ticket,
            "service_report_submitted",
            by=by,
            visit=visit,
            report_id=report.id,
            result=result,
            photos=len(photo_names),
            customer_confirmed=customer_confirmed,
        )
    return report


def get_service_report(visit_id: int, *, by: User) -> ServiceReport:
    """The report of a visit, for staff and for the technician whose visit it is."""
    visit = own_visit(visit_id, by=by) if by.role is Role.TECHNICIAN else db.session.get(Visit, visit_id)
    if visit is None:
        raise NotFound("visit_not_found", params={"visit_id": visit_id})
    report = _report_of(visit.id)
    if report is None:
        raise NotFound("report_not_found", params={"visit_id": visit_id})
    return report


def report_file_path(visit_id: int, name: str, *, by: User) -> Path:
    """Where one photo or the signature of a visit's report is stored; only names on that report are served."""
    report = get_service_report(visit_id, by=by)
    if name not in report.photos and name != report.signature:
        raise NotFound("report_file_not_found", params={"visit_id": visit_id, "name": name})
    path = upload_dir(REPORT_DIR) / name
    if not path.is_file():
        raise NotFound("file_missing_from_storage", params={"name": name})
    return path


def _report_of(visit_id: int) -> ServiceReport | None:
    return db.session.scalar(select(ServiceReport).where(ServiceReport.visit_id == visit_id))


def _priced_parts(parts: list[dict]) -> list[dict]:
    skus = [p["sku"] for p in parts]
    repeated = sorted({s for s in skus if skus.count(s) > 1})
    if repeated:
        raise RuleViolation("parts_repeated", field="parts", params={"repeated": repeated})
    catalogue = (
        {p.sku: p for p in db.session.scalars(select(Part).where(Part.sku.in_(skus), Part.active.is_(True)))}
        if skus
        else {}
    )
    unknown = [s for s in skus if s not in catalogue]
    if unknown:
        raise RuleViolation("unknown_parts", field="parts", unknown=unknown)
    return [
        {
            "sku": p["sku"],
            "name": catalogue[p["sku"]].name,
            "qty": p["qty"],
            "price_yuan": str(catalogue[p["sku"]].price_yuan),
        }
        for p in parts
    ]
