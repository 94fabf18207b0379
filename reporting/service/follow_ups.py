"""Measures of follow-up calls: satisfaction the customers gave, and how many calls reached them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from common.db import db
from dispatch.enums import CallOutcome, FollowUpKind
from dispatch.models import CallAttempt, FollowUp, Ticket, Visit
from reporting import rules
from reporting.service.scope import KpiScope, filter_tickets

SCORES = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class Satisfaction:
    """Follow-up calls made in the period: reached or not, and the 1-5 scores of those that reached someone."""

    calls: int
    reached: int
    reach_pct: float | None
    scored: int
    average: float | None
    scores: dict[int, int]  # score -> calls
    by_bucket: dict[date, tuple[int, int]]  # bucket -> (scored calls, sum of scores)


def measure_satisfaction(scope: KpiScope) -> Satisfaction:
    """Every call attempt counts once; satisfaction is the average score of reached calls that gave one."""
    day = scope.local_day(CallAttempt.at).label("day")
    query = (
        select(day, CallAttempt.outcome, CallAttempt.satisfaction, func.count())
        .join(FollowUp, FollowUp.id == CallAttempt.follow_up_id)
        .where(scope.in_period(CallAttempt.at))
        .where(FollowUp.kind == FollowUpKind.FOLLOW_UP.value)  # rebook calls ask no satisfaction
    )
    if scope.filters_tickets:
        query = filter_tickets(query.join(Ticket, Ticket.id == FollowUp.ticket_id), scope)
    if scope.technician_id is not None:
        query = query.join(Visit, Visit.id == FollowUp.visit_id).where(Visit.technician_id == scope.technician_id)
    query = query.group_by(day, CallAttempt.outcome, CallAttempt.satisfaction)
    calls = reached = 0
    scores = dict.fromkeys(SCORES, 0)
    by_bucket: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    for day_number, outcome, score, count in db.session.execute(query):
        calls += count
        if outcome is not CallOutcome.REACHED:
            continue
        reached += count
        if score in scores:
            scores[score] += count
            cell = by_bucket[scope.bucket_of(day_number)]
            cell[0] += count
            cell[1] += score * count
    scored = sum(scores.values())
    total = sum(score * n for score, n in scores.items())
    return Satisfaction(
        calls=calls,
        reached=reached,
        reach_pct=rules.rate(reached, calls),
        scored=scored,
        average=rules.mean(total, scored, digits=2),
        scores=scores,
        by_bucket={k: (v[0], v[1]) for k, v in by_bucket.items()},
    )
