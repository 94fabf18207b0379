"""Keeping the dashboard's summary tables (reporting.models) right: in the transaction of every write.

After each flush of a session, the tickets whose tickets, visits, service reports, follow-ups, call
attempts, "on the way" events, products or customers the flush wrote get their summary rows worked out
again from the source tables, by SQL in the same transaction: a rollback takes them back with the write,
and a commit makes both visible at once. Working a ticket's rows out again whole (rather than patching
figures) keeps what depends on its other visits right: a second visit makes the first one no longer a fix.

The ticket rows are locked first, in id order, so two transactions writing the same ticket refresh its
rows one after the other (the second reads what the first committed). Bulk inserts that bypass the ORM
(the generated history) call `rebuild_summary` at the end; so does `flask reporting backfill-summary`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping
from functools import lru_cache

from sqlalchemy import (
    Connection,
    and_,
    bindparam,
    case,
    delete,
    event,
    exists,
    false,
    func,
    insert,
    inspect,
    literal,
    select,
    true,
)
from sqlalchemy.orm import Session, aliased

from common import row_locks
from dispatch.enums import FollowUpKind, VisitStatus
from dispatch.models import CallAttempt, Customer, FollowUp, Product, Ticket, TimelineEvent, Visit
from reporting import rules
from reporting.models import SUMMARY_MODELS, KpiCall, KpiTicket, KpiVisit
from reporting.service.timing import whole_epoch_s
from technicians.enums import ServiceResult
from technicians.models import ServiceReport

PERFORMED = (VisitStatus.COMPLETED, VisitStatus.FAILED)
EN_ROUTE = "visit_en_route"
CHUNK = 500

# The attributes a figure reads; a flush that changes none of them (a visit's plan, a ticket's notes)
# leaves the summary alone.
_TICKET_INPUTS = (
    "type",
    "status",
    "cause",
    "responsibility",
    "created_at",
    "closed_at",
    "due_at",
    "customer_id",
    "product_id",
)
_VISIT_INPUTS = (
    "ticket_id",
    "sequence_no",
    "status",
    "technician_id",
    "promised_start",
    "promised_end",
    "started_at",
    "finished_at",
)
_PRODUCT_INPUTS = ("category", "brand", "sku", "serial_no")
# Of those, what the visit and call rows read too (the region and product through the ticket).
_TICKET_JOINS = ("customer_id", "product_id")
_VISIT_OF_CALL = ("ticket_id", "technician_id")


def ticket_rows():
    """The summary rows of tickets, as (column names, SELECT) for INSERT ... SELECT. A closed ticket's unit
    came back when another ticket of the same serial number was registered within REPEAT_WINDOW_DAYS after
    the closure (a new ticket therefore refreshes its unit's earlier ones: see `_same_units`)."""
    again, again_product = aliased(Ticket), aliased(Product)
    came_back = exists().where(
        again_product.id == again.product_id,
        again_product.serial_no == Product.serial_no,
        again.id != Ticket.id,
        again.created_at > Ticket.closed_at,
        whole_epoch_s(again.created_at) - whole_epoch_s(Ticket.closed_at)
        <= rules.REPEAT_WINDOW_DAYS * rules.SECONDS_PER_DAY,
    )
    query = (
        select(
            Ticket.id,
            Ticket.type,
            Ticket.status,
            Ticket.cause,
            Ticket.responsibility,
            Customer.region,
            Product.category,
            Product.brand,
            Product.sku,
            Product.serial_no,
            whole_epoch_s(Ticket.created_at),
            whole_epoch_s(Ticket.closed_at),
            whole_epoch_s(Ticket.due_at),
            case((and_(Ticket.closed_at.is_not(None), came_back), true()), else_=false()),
        )
        .join(Customer, Customer.id == Ticket.customer_id)
        .join(Product, Product.id == Ticket.product_id)
    )
    columns = [
        "ticket_id",
        "type",
        "status",
        "cause",
        "responsibility",
        "region",
        "category",
        "brand",
        "sku",
        "serial_no",
        "created_s",
        "closed_s",
        "due_s",
        "came_back",
    ]
    return columns, query


def visit_rows():
    """The summary rows of visits: a visit is its ticket's first when it was performed and no visit before it
    was; it fixed the ticket when it was completed with a resolved report and no visit (not cancelled)
    followed it."""
    earlier, later = aliased(Visit), aliased(Visit)
    performed_before = exists().where(
        earlier.ticket_id == Visit.ticket_id, earlier.sequence_no < Visit.sequence_no, earlier.status.in_(PERFORMED)
    )
    followed = exists().where(
        later.ticket_id == Visit.ticket_id, later.sequence_no > Visit.sequence_no, later.status != VisitStatus.CANCELLED
    )
    first = case((and_(Visit.status.in_(PERFORMED), ~performed_before), true()), else_=false())
    fixed = case(
        (
            and_(Visit.status == VisitStatus.COMPLETED, ServiceReport.result == ServiceResult.RESOLVED, ~followed),
            true(),
        ),
        else_=false(),
    )
    # A visit goes on the way at most once (the lifecycle has no way back).
    on_the_way = (
        select(func.max(TimelineEvent.at))
        .where(TimelineEvent.visit_id == Visit.id, TimelineEvent.action == EN_ROUTE)
        .scalar_subquery()
    )
    query = (
        select(
            Visit.id,
            Visit.ticket_id,
            Visit.technician_id,
            Visit.status,
            Customer.region,
            Product.category,
            Product.brand,
            whole_epoch_s(Visit.promised_start),
            whole_epoch_s(Visit.promised_end),
            whole_epoch_s(Visit.started_at),
            whole_epoch_s(Visit.finished_at),
            first,
            fixed,
            whole_epoch_s(Visit.started_at) - whole_epoch_s(on_the_way),
        )
        .join(Ticket, Ticket.id == Visit.ticket_id)
        .join(Customer, Customer.id == Ticket.customer_id)
        .join(Product, Product.id == Ticket.product_id)
        .outerjoin(ServiceReport, ServiceReport.visit_id == Visit.id)
    )
    columns = [
        "visit_id",
        "ticket_id",
        "technician_id",
        "status",
        "region",
        "category",
        "brand",
        "promised_start_s",
        "promised_end_s",
        "started_s",
        "finished_s",
        "first_performed",
        "fixed",
        "travel_s",
    ]
    return columns, query


def call_rows():
    """The summary rows of follow-up (回访) call attempts, not rebook calls, with the technician of the visit followed up."""
    query = (
        select(
            CallAttempt.id,
            FollowUp.ticket_id,
            Visit.technician_id,
            Customer.region,
            Product.category,
            Product.brand,
            whole_epoch_s(CallAttempt.at),
            CallAttempt.outcome,
            CallAttempt.satisfaction,
        )
        .join(FollowUp, FollowUp.id == CallAttempt.follow_up_id)
        .join(Ticket, Ticket.id == FollowUp.ticket_id)
        .join(Customer, Customer.id == Ticket.customer_id)
        .join(Product, Product.id == Ticket.product_id)
        .outerjoin(Visit, Visit.id == FollowUp.visit_id)
        .where(FollowUp.kind == FollowUpKind.FOLLOW_UP.value)  # a rebook call asks no satisfaction
    )
    columns = [
        "call_id",
        "ticket_id",
        "technician_id",
        "region",
        "category",
        "brand",
        "at_s",
        "outcome",
        "satisfaction",
    ]
    return columns, query


_SOURCES = (
    (KpiTicket, ticket_rows, Ticket.id),
    (KpiVisit, visit_rows, Visit.ticket_id),
    (KpiCall, call_rows, FollowUp.ticket_id),
)
_TICKETS, _VISITS, _CALLS = (model.__tablename__ for model, _rows, _ticket_id in _SOURCES)
_ALL = frozenset((_TICKETS, _VISITS, _CALLS))
# Not a table: tickets whose unit's other tickets need their ticket rows refreshed too. Whether a closed
# ticket came back reads the other tickets' registration time and serial number, so only a ticket added,
# deleted, re-dated or moved to another unit (or a unit's new serial number) changes it for the others;
# a ticket's own status or closure changes only its own row.
_UNITS = "units"
_UNIT_INPUTS = ("created_at", "product_id")


class _Statements:
    """The refresh's statements, built once: building these SELECTs costs more CPU than running them, and
    a write refreshes the summary at every flush. The ticket ids are an expanding parameter `ids`."""

    def __init__(self) -> None:
        ids = bindparam("ids", expanding=True)
        self.lock = select(Ticket.id).where(Ticket.id.in_(ids)).order_by(Ticket.id).with_for_update()
        serials = select(Product.serial_no).join(Ticket, Ticket.product_id == Product.id).where(Ticket.id.in_(ids))
        self.units_now = (
            select(Ticket.id).join(Product, Product.id == Ticket.product_id).where(Product.serial_no.in_(serials))
        )
        seen = select(KpiTicket.serial_no).where(KpiTicket.ticket_id.in_(ids))
        self.units_seen = select(KpiTicket.ticket_id).where(KpiTicket.serial_no.in_(seen))
        self.refresh: dict[str, tuple] = {}
        self.refresh_in_one: dict[str, tuple] = {}  # PostgreSQL
        for model, rows, ticket_id in _SOURCES:
            table = model.__table__
            columns, query = rows()
            rows_now = query.where(ticket_id.in_(ids))
            old_rows = delete(table).where(table.c.ticket_id.in_(ids))
            self.refresh[model.__tablename__] = (old_rows, insert(table).from_select(columns, rows_now))
            # One round trip instead of two. PostgreSQL runs an unreferenced DELETE in a WITH only after the
            # INSERT, which then meets the old rows' keys; the count makes it run first.
            gone = old_rows.returning(literal(1)).cte("gone")
            deleted_first = select(func.count()).select_from(gone).scalar_subquery() >= 0
            self.refresh_in_one[model.__tablename__] = (
                insert(table).from_select(columns, rows_now.where(deleted_first)).add_cte(gone),
            )


@lru_cache(maxsize=1)
def _statements() -> _Statements:
    return _Statements()


def _chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    ordered = sorted(ids)
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


def _same_units(connection: Connection, ticket_ids: set[int]) -> set[int]:
    """The tickets of the same units (serial numbers) as these, now and as the summary last saw them."""
    statements = _statements()
    found = set(ticket_ids)
    for chunk in _chunks(ticket_ids):
        found.update(connection.execute(statements.units_now, {"ids": chunk}).scalars())
        found.update(connection.execute(statements.units_seen, {"ids": chunk}).scalars())
    return found


def refresh_tickets(
    connection: Connection,
    ticket_ids: Iterable[int] | Mapping[str, set[int]],
    *,
    already_locked: Collection[int] = (),
) -> set[int]:
    """Work the summary rows of these tickets, and of the other tickets of their units, out again from the
    source tables (a ticket gone loses them).

    `ticket_ids` may instead map summary table names to the tickets whose rows in that table a write changed,
    and `_UNITS` to those whose unit's other tickets need their ticket rows refreshed too (see
    `_touched_tickets`); the other rows of those tickets are left as they are. Tickets in `already_locked`
    (this transaction holds their rows) are not locked again. Returns the tickets it locked."""
    if isinstance(ticket_ids, Mapping):
        by_table = {name: set(ids) for name, ids in ticket_ids.items() if ids}
    else:
        by_table = dict.fromkeys((*_ALL, _UNITS), set(ticket_ids))
    if _UNITS in by_table:  # only a ticket's own row says whether its unit came back
        by_table[_TICKETS] = by_table.get(_TICKETS, set()) | _same_units(connection, by_table.pop(_UNITS))
    statements = _statements()
    # Lock the tickets (PostgreSQL; SQLite writers hold the database lock already), all in id order first,
    # so two transactions writing the same tickets refresh them one after the other and never deadlock.
    to_lock = set().union(*by_table.values()) - set(already_locked)
    for chunk in _chunks(to_lock):
        connection.execute(statements.lock, {"ids": chunk})
    refresh = statements.refresh_in_one if connection.dialect.name == "postgresql" else statements.refresh
    for name in (_TICKETS, _VISITS, _CALLS):
        for chunk in _chunks(by_table.get(name, ())):
            for statement in refresh[name]:
                connection.execute(statement, {"ids": chunk})
    return to_lock


def rebuild_summary(connection: Connection) -> dict[str, int]:
    """Empty the summary tables and fill them from every ticket; returns the rows written per table."""
    counts = {}
    for model, rows, _ticket_id in _SOURCES:
        table = model.__table__
        connection.execute(delete(table))
        columns, query = rows()
        connection.execute(insert(table).from_select(columns, query))
        counts[table.name] = connection.execute(select(func.count()).select_from(table)).scalar_one()
    return counts


def _changed(obj, names: Iterable[str]) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in names)


def _touched_tickets(session: Session) -> dict[str, set[int]]:
    """The tickets whose summary rows this flush may have changed, by summary table.

    A ticket's row reads its ticket, customer and product; a visit's row also its visit, its ticket's other
    visits, its report and its "on the way" event; a call's row its follow-up and the followed-up visit's
    technician. A write reaches only the tables that read it (a visit's new status leaves the ticket rows);
    under `_UNITS`, the tickets whose change reaches the ticket rows of their unit's other tickets."""
    touched: dict[str, set[int | None]] = {name: set() for name in (*_ALL, _UNITS)}
    visits: set[int] = set()  # by visit id: service reports
    follow_ups: set[int] = set()
    products: set[int] = set()
    customers: set[int] = set()
    # New and deleted rows always count; a changed one only when it changed an input of a figure.
    written = [(obj, False) for obj in (*session.new, *session.deleted)] + [(obj, True) for obj in session.dirty]
    for obj, dirty in written:
        values = inspect(obj).dict
        if isinstance(obj, Ticket):
            if not dirty or _changed(obj, _TICKET_JOINS):
                _add(touched, (*_ALL, _UNITS), values.get("id"))
            elif _changed(obj, _UNIT_INPUTS):
                _add(touched, (_TICKETS, _UNITS), values.get("id"))
            elif _changed(obj, _TICKET_INPUTS):
                touched[_TICKETS].add(values.get("id"))
        elif isinstance(obj, Visit):
            if not dirty or _changed(obj, _VISIT_OF_CALL):
                _add(touched, (_VISITS, _CALLS), values.get("ticket_id"))
            elif _changed(obj, _VISIT_INPUTS):
                touched[_VISITS].add(values.get("ticket_id"))
        elif isinstance(obj, ServiceReport):
            visits.add(values.get("visit_id"))
        elif isinstance(obj, FollowUp):
            touched[_CALLS].add(values.get("ticket_id"))
        elif isinstance(obj, CallAttempt):
            follow_ups.add(values.get("follow_up_id"))
        elif isinstance(obj, TimelineEvent):
            if values.get("action") == EN_ROUTE:
                touched[_VISITS].add(values.get("ticket_id"))
        elif isinstance(obj, Product):
            if dirty and _changed(obj, _PRODUCT_INPUTS):
                products.add(values.get("id"))
        elif isinstance(obj, Customer) and dirty and _changed(obj, ("region",)):
            customers.add(values.get("id"))
    # Built only when wanted: most flushes need none of these look-ups, and building a SELECT costs CPU.
    lookups = (
        (visits, (_VISITS,), lambda ids: select(Visit.ticket_id).where(Visit.id.in_(ids))),
        (follow_ups, (_CALLS,), lambda ids: select(FollowUp.ticket_id).where(FollowUp.id.in_(ids))),
        (products, (*_ALL, _UNITS), lambda ids: select(Ticket.id).where(Ticket.product_id.in_(ids))),
        (customers, _ALL, lambda ids: select(Ticket.id).where(Ticket.customer_id.in_(ids))),
    )
    for wanted, tables, query in lookups:
        if wanted - {None}:
            for ticket_id in session.connection().execute(query(wanted - {None})).scalars():
                _add(touched, tables, ticket_id)
    return {name: {i for i in ids if i is not None} for name, ids in touched.items() if ids - {None}}


def _add(touched: dict[str, set[int | None]], tables: Iterable[str], ticket_id: int | None) -> None:
    for name in tables:
        touched[name].add(ticket_id)


def install_summary_hooks() -> None:
    """Refresh the touched tickets' summary rows at every flush (once per process, however many apps)."""
    if not event.contains(Session, "after_flush", _refresh_summary_after_flush):
        event.listen(Session, "after_flush", _refresh_summary_after_flush)


def _refresh_summary_after_flush(session: Session, flush_context) -> None:
    # The tickets this flush updated are locked by the UPDATE itself until the transaction ends.
    updated = [
        obj.id
        for obj in session.dirty
        if isinstance(obj, Ticket) and session.is_modified(obj, include_collections=False)
    ]
    row_locks.note_locked(session, Ticket.__tablename__, updated)
    tickets = _touched_tickets(session)
    if tickets:
        locked = refresh_tickets(
            session.connection(), tickets, already_locked=row_locks.held(session, Ticket.__tablename__)
        )
        row_locks.note_locked(session, Ticket.__tablename__, locked)


__all__ = ["SUMMARY_MODELS", "install_summary_hooks", "rebuild_summary", "refresh_tickets"]
