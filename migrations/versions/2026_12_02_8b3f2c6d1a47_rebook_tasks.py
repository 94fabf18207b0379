"""Rebook tasks share the CS owner's call queue: a follow-up has a kind, and a rebook task its reason and
the slots offered when it was queued. A technician's day keeps the spare shift a rebalance added.

Existing rows are follow-up calls (kind 'follow_up').

Revision ID: 8b3f2c6d1a47
Revises: 4ac963eef0c2
Create Date: 2026-12-02 04:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8b3f2c6d1a47'
down_revision = '4ac963eef0c2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('follow_ups', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=16), nullable=False, server_default='follow_up'))
        batch_op.add_column(sa.Column('reason', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('offered_slots', sa.JSON(), nullable=True))
    with op.batch_alter_table('technician_days', schema=None) as batch_op:
        batch_op.add_column(sa.Column('shift_override', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('technician_days', schema=None) as batch_op:
        batch_op.drop_column('shift_override')
    with op.batch_alter_table('follow_ups', schema=None) as batch_op:
        batch_op.drop_column('offered_slots')
        batch_op.drop_column('reason')
        batch_op.drop_column('kind')
