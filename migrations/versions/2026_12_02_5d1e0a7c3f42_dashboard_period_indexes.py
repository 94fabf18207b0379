"""Indexes for the dashboard's period queries: each measure picks its rows by one timestamp.

Revision ID: 5d1e0a7c3f42
Revises: b7ecd2e4c9a5
Create Date: 2026-12-02 01:40:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '5d1e0a7c3f42'
down_revision = 'b7ecd2e4c9a5'
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_tickets_created_at", "tickets", ["created_at"]),
    ("ix_tickets_closed_at", "tickets", ["closed_at"]),
    ("ix_visits_started_at", "visits", ["started_at"]),
    ("ix_visits_finished_at", "visits", ["finished_at"]),
    ("ix_call_attempts_at", "call_attempts", ["at"]),
    ("ix_timeline_events_visit_id_action", "timeline_events", ["visit_id", "action"]),
    ("ix_products_brand", "products", ["brand"]),
)


def upgrade():
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade():
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
