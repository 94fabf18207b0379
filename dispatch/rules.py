"""Pure business rules of the CS side: lifecycles (more rules join them here). No Flask, no database."""
from __future__ import annotations

from common.errors import Conflict
from dispatch.enums import TicketStatus, VisitStatus

T, V = TicketStatus, VisitStatus

# Which status a ticket may move to from each status.
TICKET_TRANSITIONS: dict[TicketStatus, frozenset[TicketStatus]] = {
    T.OPEN: frozenset({T.SCHEDULED, T.CANCELLED}),
    T.SCHEDULED: frozenset({T.IN_SERVICE, T.OPEN, T.AWAITING_FOLLOW_UP, T.CANCELLED}),
    T.IN_SERVICE: frozenset({T.AWAITING_FOLLOW_UP, T.OPEN, T.SCHEDULED}),
    T.AWAITING_FOLLOW_UP: frozenset({T.CLOSED, T.REOPENED}),
    T.REOPENED: frozenset({T.SCHEDULED, T.CANCELLED}),
    T.CLOSED: frozenset(),
    T.CANCELLED: frozenset(),
}

# Which status a visit may move to from each status. Technicians send accepted, en_route, arrived,
# completed and failed; dispatchers schedule, unschedule (back to unscheduled) and cancel.
VISIT_TRANSITIONS: dict[VisitStatus, frozenset[VisitStatus]] = {
    V.UNSCHEDULED: frozenset({V.SCHEDULED, V.CANCELLED}),
    V.SCHEDULED: frozenset({V.SCHEDULED, V.ACCEPTED, V.EN_ROUTE, V.FAILED, V.UNSCHEDULED, V.CANCELLED}),
    V.ACCEPTED: frozenset({V.SCHEDULED, V.EN_ROUTE, V.FAILED, V.UNSCHEDULED, V.CANCELLED}),
    V.EN_ROUTE: frozenset({V.ARRIVED, V.FAILED}),
    V.ARRIVED: frozenset({V.COMPLETED, V.FAILED}),
    V.COMPLETED: frozenset(),
    V.FAILED: frozenset(),
    V.CANCELLED: frozenset(),
}

# Visits a technician has started or finished: a plan or a dispatcher may no longer move them.
VISIT_STARTED = frozenset({V.EN_ROUTE, V.ARRIVED, V.COMPLETED, V.FAILED})
VISIT_OPEN = frozenset({V.UNSCHEDULED, V.SCHEDULED, V.ACCEPTED})
TICKET_OPEN = frozenset({T.OPEN, T.SCHEDULED, T.IN_SERVICE, T.AWAITING_FOLLOW_UP, T.REOPENED})


def _check(kind: str, table: dict, current, target) -> None:
    allowed = table[current]
    if target not in allowed:
        names = ", ".join(sorted(s.value for s in allowed)) or "none (it is final)"
        raise Conflict(
            f"A {kind} that is {current.value} cannot become {target.value}; allowed next: {names}.",
            current=current.value,
            allowed=sorted(s.value for s in allowed),
        )


def check_ticket_transition(current: TicketStatus, target: TicketStatus) -> None:
    """Refuse a ticket status change the lifecycle does not allow (409 naming the allowed next steps)."""
    _check("ticket", TICKET_TRANSITIONS, current, target)


def check_visit_transition(current: VisitStatus, target: VisitStatus) -> None:
    """Refuse a visit status change the lifecycle does not allow (409 naming the allowed next steps)."""
    _check("visit", VISIT_TRANSITIONS, current, target)
