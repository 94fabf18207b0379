"""Indexes the dashboard's period queries need on other domains' tables (the dashboard keeps no tables).

Each measure selects its rows by one timestamp inside the period; without these indexes every
dashboard query scans the whole history.
"""

from __future__ import annotations

from sqlalchemy import Index

from dispatch.models import CallAttempt, Product, Ticket, TimelineEvent, Visit

PERIOD_INDEXES = (
    Index("ix_tickets_created_at", Ticket.created_at),
    Index("ix_tickets_closed_at", Ticket.closed_at),
    Index("ix_visits_started_at", Visit.started_at),
    Index("ix_visits_finished_at", Visit.finished_at),
    Index("ix_call_attempts_at", CallAttempt.at),
    # Travel per visit joins each visit to its "on the way" event.
    Index("ix_timeline_events_visit_id_action", TimelineEvent.visit_id, TimelineEvent.action),
    # The brand filter's choices.
    Index("ix_products_brand", Product.brand),
)
