"""Assign a visit to a technician by hand: check skills, day, shift, window and overlaps under the day's lock.

It lives with scheduling because it needs the technicians' data and the technician-day lock booking uses
(dispatch must not import technicians). Two dispatchers assigning to one technician at one time are served
one after the other, so the second one's overlap check sees the first one's visit.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from common.db import db, utcnow
from common.errors import NotFound, RuleViolation
from common.i18n import local_zone, to_local
from common.models import User
from common.transaction import begin_write, transactional
from dispatch import assignment_rules, rules
from dispatch.enums import VisitStatus
from dispatch.models import Visit
from dispatch.rules import check_visit_transition
from dispatch.service.visits import BUSY_STATUSES, place_visit
from scheduling.day.clock import to_local_time
from scheduling.day.crew import day_shift
from technicians.models import Technician
from technicians.service.days import lock_technician_day


@transactional
def assign_visit(visit_id: int, *, technician_id: int, start: datetime, by: User, now: datetime | None = None) -> Visit:
    """Put a visit on a technician's day by hand, after checking that they can do it then."""
    now = now or utcnow()
    if start < now:
        raise RuleViolation("start_in_past", field="start")
    technician = db.session.get(Technician, technician_id)
    if technician is None:
        raise RuleViolation("technician_not_found", field="technician_id", params={"technician_id": technician_id})
    begin_write()
    visit = db.session.scalar(
        select(Visit).where(Visit.id == visit_id).with_for_update().execution_options(populate_existing=True)
    )
    if visit is None:
        raise NotFound("visit_not_found", params={"visit_id": visit_id})
    day = lock_technician_day(technician.id, to_local(start).date())
    check_visit_transition(visit.status, VisitStatus.SCHEDULED)
    rules.check_quota_approved(rules.quota_standing(visit.ticket.visits, visit.ticket.visit_quota), visit.id)
    end = start + timedelta(seconds=visit.duration_s)
    busy = db.session.execute(
        select(Visit.id, Visit.planned_start, Visit.planned_end).where(
            Visit.technician_id == technician.id,
            Visit.id != visit.id,
            Visit.status.in_(BUSY_STATUSES),
            Visit.planned_start < end,
            Visit.planned_end > start,
        )
    ).all()
    # the locked day row carries the hours a rebalance left for it: plans and offers read the same ones
    override = list(day.shift_override) if day.shift_override else None
    crew = assignment_rules.CrewMember(
        name=technician.name,
        active=technician.active,
        skills=frozenset(technician.skill_codes),
        working_days=frozenset(technician.working_days or ()),
        shift_start=technician.shift_start,
        shift_end=technician.shift_end,
        shift_override=_local_hours(day_shift(technician, day.day, override), day.day) if override else None,
    )
    promised = (visit.promised_start, visit.promised_end) if visit.promised_start and visit.promised_end else None
    assignment_rules.check_assignment(
        start=start,
        end=end,
        required_skills=list(visit.required_skills or ()),
        crew=crew,
        zone=local_zone(),
        promised=promised,
        busy=[assignment_rules.BusySpan(row.id, row.planned_start, row.planned_end) for row in busy],
    )
    place_visit(visit, technician=technician, start=start, end=end, by=by, source="manual")
    day.version += 1
    return visit


def _local_hours(shift: list[int], day: date) -> tuple[time, time]:
    """A day's shift in plan seconds as the local wall-clock times the assignment rule compares."""
    return to_local_time(shift[0], day).time(), to_local_time(shift[1], day).time()
