"""One open ticket per unit and type, enforced by a partial unique index (not only by the intake check).

Two identical tickets registered at the same moment both pass the check; the index refuses the second.
The condition lists the open statuses of dispatch.rules.TICKET_OPEN as they were when this was written.
A database already holding two open tickets for one unit and type must have one of them closed first.

Revision ID: c41d7e9a2b10
Revises: 4e1c9a7d2b36
Create Date: 2026-12-02 02:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'c41d7e9a2b10'
down_revision = '4e1c9a7d2b36'
branch_labels = None
depends_on = None

OPEN = "status IN ('awaiting_follow_up', 'in_service', 'open', 'reopened', 'scheduled')"


def upgrade():
    op.create_index('uq_tickets_open_per_unit_and_type', 'tickets', ['order_id', 'product_id', 'type'],
                    unique=True, postgresql_where=sa.text(OPEN), sqlite_where=sa.text(OPEN))


def downgrade():
    op.drop_index('uq_tickets_open_per_unit_and_type', table_name='tickets')
