"""Ticket use cases: register, list, show, cancel; and the status change every other use case goes through."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from common.db import db, utcnow
from common.errors import Conflict, NotFound, RuleViolation
from common.i18n import local_day_bounds, local_zone, to_local
from common.images import decode_photo
from common.models import Role, User
from common.outbox import OutboundEvent
from common.transaction import begin_write, transaction, transactional
from common.uploads import stored_images, upload_dir
from dispatch import rules
from dispatch.enums import CloseReason, FollowUpStatus, LocationPrecision, Platform, TicketStatus, VisitStatus
from dispatch.models import AvailabilityWindow, Customer, Order, Product, Skill, Ticket, Visit
from dispatch.rules import check_ticket_transition, check_visit_transition
from dispatch.service.geocoding import locate_address
from dispatch.service.outbound import announce
from dispatch.service.timeline import record_event

TICKET_PHOTO_DIR = "tickets"


def set_ticket_status(
    ticket: Ticket, target: TicketStatus, *, by: User | None, at: datetime | None = None, **detail
) -> None:
    """Move `ticket` to `target` if its lifecycle allows it, and log it at `at` (default now; flushes only)."""
    if ticket.status == target:
        return
    check_ticket_transition(ticket.status, target)
    previous = ticket.status
    ticket.status = target
    record_event(ticket, "status_changed", by=by, at=at, **{"from": previous.value, "to": target.value}, **detail)


@dataclass(frozen=True)
class TicketPage:
    """One page of tickets and how many match in all."""

    items: list[Ticket]
    total: int


def register_ticket(request: dict, *, by: User, now: datetime | None = None) -> Ticket:
    """Register a service request from an order, with its first (unscheduled) visit; `by` becomes the owner.

    `request` is TicketCreateSchema's output. An existing order (same platform and order number) and
    its customer are reused; the order's value and purchase date must match what is stored (409).
    """
    # Files written are deleted again when the transaction does not commit.
    with stored_images(TICKET_PHOTO_DIR) as store, transaction():
        return _register_ticket(request, by=by, now=now or utcnow(), store=store)


def _register_ticket(request: dict, *, by: User, now: datetime, store) -> Ticket:
    config = current_app.config
    rules.check_availability_not_over(
        ((w["start"], w["end"]) for w in request["availability"]), now=now, zone=local_zone()
    )
    order = _find_or_add_order(
        request["order"], request["customer"], region=request["region"], district=request["district"]
    )
    product = _find_or_add_product(order, request["product"])
    _refuse_duplicate_open_ticket(order, product, request["type"])

    today = to_local(now).date()
    warranty, warranty_until = rules.warranty_for(
        order.purchase_date, product.category, today=today, months_by_category=config.get("WARRANTY_MONTHS")
    )
    quota = rules.visit_quota(order.order_value_yuan, under_3000=config.get("QUOTA_UNDER_3000", 1))
    rules.check_visit_quota(0, quota, approved=by.has_role(Role.MANAGER))
    ticket = Ticket(
        order=order,
        product=product,
        customer=order.customer,
        type=request["type"],
        status=TicketStatus.OPEN,
        description=request["description"],
        priority=request["priority"],
        owner=by,
        cause=request["cause"],
        responsibility=rules.responsibility_for(request["cause"]),
        warranty=warranty,
        warranty_until=warranty_until,
        visit_quota=quota,
        due_at=rules.due_at(now, request["type"], days_by_type=config.get("DUE_DAYS")),
        created_at=now,
    )
    ticket.availability = [AvailabilityWindow(start=w["start"], end=w["end"]) for w in request["availability"]]
    db.session.add(ticket)
    # Checked before anything is written, so a bad photo refuses the request with nothing stored.
    images = [decode_photo(index=i, **photo) for i, photo in enumerate(request.get("photos") or [], start=1)]

    skills = request["required_skills"]
    if skills is None:
        skills = rules.default_skills(request["type"], product.category)
    else:
        _check_skills_exist(skills)
    duration_min = request["duration_min"] or rules.default_duration_min(request["type"])
    visit = Visit(
        ticket=ticket,
        sequence_no=1,
        status=VisitStatus.UNSCHEDULED,
        required_skills=list(skills),
        duration_s=duration_min * 60,
        counts_against_quota=True,
    )
    db.session.add(visit)
    db.session.flush()
    record_event(
        ticket,
        "created",
        by=by,
        at=now,
        visit=visit,
        type=ticket.type,
        order_no=order.order_no,
        serial_no=product.serial_no,
        visit_quota=quota,
        due_at=ticket.due_at,
        responsibility=ticket.responsibility,
    )
    announce(ticket, OutboundEvent.TICKET_REGISTERED, visit=visit, at=now)
    ticket.photos = [store(image) for image in images]
    return ticket


def find_order(platform: Platform, order_no: str) -> Order | None:
    """The stored order with this platform and number, with its customer and products, or None."""
    return db.session.scalar(
        select(Order)
        .options(selectinload(Order.products), selectinload(Order.customer))
        .where(Order.platform == platform, Order.order_no == order_no.strip())
    )


def ticket_photo_path(ticket_id: int, name: str) -> Path:
    """Where one of a ticket's photos is stored; only names recorded on that ticket are served."""
    ticket = get_ticket(ticket_id)
    if name not in ticket.photos:
        raise NotFound("ticket_photo_not_found", params={"ticket_id": ticket_id, "name": name})
    path = upload_dir(TICKET_PHOTO_DIR) / name
    if not path.is_file():
        raise NotFound("file_missing_from_storage", params={"name": name})
    return path


def list_tickets(
    *,
    status: TicketStatus | None = None,
    owner_id: int | None = None,
    created_on=None,
    q: str | None = None,
    needs_rebooking: bool = False,
    overdue: bool = False,
    page: int = 1,
    page_size: int = 50,
    now: datetime | None = None,
) -> TicketPage:
    """Tickets matching the filters and the search, newest first, one page at a time."""
    query = select(Ticket)
    if status is not None:
        query = query.where(Ticket.status == status)
    if owner_id is not None:
        query = query.where(Ticket.owner_id == owner_id)
    if created_on is not None:
        # A local calendar day, as CS means "registered on the 23rd".
        start, end = local_day_bounds(created_on)
        query = query.where(Ticket.created_at >= start, Ticket.created_at < end)
    if q:
        query = query.where(_matches(q.strip()))
    if overdue:
        query = query.where(Ticket.status.in_(rules.TICKET_OPEN), Ticket.due_at < (now or utcnow()))
    if needs_rebooking:
        query = query.where(
            Ticket.status.in_((TicketStatus.OPEN, TicketStatus.REOPENED)),
            Ticket.visits.any((Visit.status == VisitStatus.UNSCHEDULED) & (Visit.sequence_no > 1)),
        )
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    items = db.session.scalars(
        query.options(selectinload(Ticket.customer), selectinload(Ticket.owner))
        .order_by(Ticket.id.desc())
        .limit(page_size)
        .offset((page - 1) * page_size)
    ).all()
    return TicketPage(items=list(items), total=total)


def _matches(text: str):
    """What a customer on the phone may give: phone digits, name, order number, serial number or ticket number."""
    number = text.lstrip("#")
    if number.isdigit() and len(number) < 4:
        # A short number is a ticket number: as a substring it would match half the order and serial numbers.
        return Ticket.id == int(number)
    like = f"%{text.replace('%', '').replace('_', '')}%"
    digits = "".join(ch for ch in text if ch.isdigit())
    phone_digits = func.replace(func.replace(func.replace(Customer.phone, " ", ""), "-", ""), "+", "")
    conditions = [
        Ticket.customer.has(Customer.name.ilike(like)),
        Ticket.order.has(Order.order_no.ilike(like)),
        Ticket.product.has(Product.serial_no.ilike(like)),
    ]
    if len(digits) >= 4:
        conditions.append(Ticket.customer.has(phone_digits.like(f"%{digits}%")))
    if number.isdigit() and len(number) <= 9:
        conditions.append(Ticket.id == int(number))
    return or_(*conditions)


def get_ticket(ticket_id: int) -> Ticket:
    """One ticket with its visits and timeline (404 when there is none)."""
    ticket = db.session.get(Ticket, ticket_id)
    if ticket is None:
        raise NotFound("ticket_not_found", params={"ticket_id": ticket_id})
    return ticket


@transactional
def cancel_ticket(ticket_id: int, *, reason: str, by: User, now: datetime | None = None) -> Ticket:
    """Cancel a ticket that no technician has started on, with its open visits and pending follow-ups."""
    now = now or utcnow()
    ticket = get_ticket(ticket_id)
    set_ticket_status(ticket, TicketStatus.CANCELLED, by=by, reason=reason)
    for visit in ticket.visits:
        if visit.status in rules.VISIT_OPEN:
            check_visit_transition(visit.status, VisitStatus.CANCELLED)
            visit.status = VisitStatus.CANCELLED
            record_event(ticket, "visit_cancelled", by=by, visit=visit, reason=reason)
            announce(ticket, OutboundEvent.VISIT_CANCELLED, visit=visit, at=now, reason=reason)
    for follow_up in ticket.follow_ups:
        if follow_up.status is FollowUpStatus.PENDING:
            follow_up.status, follow_up.closed_at = FollowUpStatus.CANCELLED, now
    ticket.close_reason, ticket.close_note, ticket.closed_at = CloseReason.CANCELLED, reason, now
    record_event(ticket, "cancelled", by=by, reason=reason)
    announce(ticket, OutboundEvent.TICKET_CLOSED, at=now, reason=reason)
    return ticket


def close_ticket(
    ticket: Ticket,
    *,
    reason: CloseReason,
    note: str | None,
    by: User | None,
    now: datetime | None = None,
    **detail: Any,
) -> None:
    """Close a ticket after its follow-up (resolved or unreachable) and log it, with `detail` (flushes only)."""
    now = now or utcnow()
    # The timeline and closed_at tell one moment: the call that closed it, which may be recorded after the fact.
    set_ticket_status(ticket, TicketStatus.CLOSED, by=by, at=now, reason=reason.value)
    ticket.close_reason, ticket.close_note, ticket.closed_at = reason, note, now
    record_event(ticket, "closed", by=by, at=now, reason=reason, note=note, **detail)
    announce(ticket, OutboundEvent.TICKET_CLOSED, at=now, note=note)


def visits_used(ticket: Ticket) -> int:
    """Visits of `ticket` that count against its order-value quota (cancelled ones don't)."""
    return rules.quota_standing(ticket.visits, ticket.visit_quota).used


def _find_or_add_order(data: dict, customer_data: dict, *, region: str, district: str | None) -> Order:
    """The order, locked until commit: registrations for one order (a double-click) run one after the other."""
    begin_write()
    order = _locked_order(data["platform"], data["order_no"])
    if order is not None:
        value = Decimal(data["order_value"]).quantize(Decimal("0.01"))
        if order.order_value_yuan != value or order.purchase_date != data["purchase_date"]:
            raise Conflict(
                "order_differs",
                order_value=str(order.order_value_yuan),
                purchase_date=order.purchase_date.isoformat(),
                params={
                    "order_no": data["order_no"],
                    "platform": data["platform"],
                    "order_value": order.order_value_yuan,
                    "purchase_date": order.purchase_date.isoformat(),
                },
            )
        return order
    customer = _find_or_add_customer(customer_data, region=region, district=district)
    order = Order(
        platform=data["platform"],
        order_no=data["order_no"],
        order_value_yuan=data["order_value"],
        purchase_date=data["purchase_date"],
        customer=customer,
    )
    try:
        with db.session.begin_nested():
            db.session.add(order)
    except IntegrityError:
        # Registered by a concurrent request a moment ago (uq_orders_platform): use that order.
        if _locked_order(data["platform"], data["order_no"]) is None:
            raise
        return _find_or_add_order(data, customer_data, region=region, district=district)
    return order


def _locked_order(platform: Platform, order_no: str) -> Order | None:
    return db.session.scalar(
        select(Order)
        .where(Order.platform == platform, Order.order_no == order_no)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def _find_or_add_customer(data: dict, *, region: str, district: str | None) -> Customer:
    # The same person at the same address is one customer; a new address is a new service location.
    customer = db.session.scalar(
        select(Customer)
        .where(Customer.phone == data["phone"], Customer.name == data["name"], Customer.address == data["address"])
        .order_by(Customer.id)
        .limit(1)
    )
    if customer is None:
        customer = Customer(
            name=data["name"],
            phone=data["phone"],
            address=data["address"],
            lat=data.get("lat"),
            lon=data.get("lon"),
            region=region or "default",
            district=district,
            location_precision=LocationPrecision.GIVEN.value if data.get("lat") is not None else None,
        )
        db.session.add(customer)
    if customer.lat is None or customer.lon is None:
        place_customer(customer)
    db.session.flush()
    return customer


def place_customer(customer: Customer) -> None:
    """Fill the customer's coordinates (and district, when none is given) from the address (flushes nothing)."""
    found = locate_address(customer.address)
    customer.lat, customer.lon, customer.location_precision = found.lat, found.lon, found.precision.value
    if not customer.district and found.district:
        customer.district = found.district


def _find_or_add_product(order: Order, data: dict) -> Product:
    product = db.session.scalar(
        select(Product).where(Product.order_id == order.id, Product.serial_no == data["serial_no"])
    )
    if product is None:
        product = Product(
            order=order, category=data["category"], brand=data["brand"], sku=data["sku"], serial_no=data["serial_no"]
        )
        db.session.add(product)
        db.session.flush()
    elif product.category != data["category"]:
        raise Conflict(
            "unit_category_differs",
            params={"serial_no": data["serial_no"], "stored": product.category, "given": data["category"]},
        )
    return product


def _refuse_duplicate_open_ticket(order: Order, product: Product, ticket_type) -> None:
    existing = db.session.scalar(
        select(Ticket.id)
        .where(
            Ticket.order_id == order.id,
            Ticket.product_id == product.id,
            Ticket.type == ticket_type,
            Ticket.status.in_(rules.TICKET_OPEN),
        )
        .limit(1)
    )
    if existing is not None:
        raise Conflict("ticket_already_open", ticket_id=existing)


def _check_skills_exist(codes: list[str]) -> None:
    known = set(db.session.scalars(select(Skill.code).where(Skill.code.in_(codes))))
    unknown = [code for code in codes if code not in known]
    if unknown:
        raise RuleViolation("unknown_skill_codes", field="required_skills", params={"unknown": unknown})
