"""A solve job carries a lease: who runs it and until when it is presumed alive, so workers recover
the jobs of dead workers and lost queue messages themselves.

Jobs from before this column have no lease (NULL): the old heartbeat rule decides when they are stale.

Revision ID: 9b3e6f1a7c58
Revises: fbc3a0142385
Create Date: 2026-12-02 04:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9b3e6f1a7c58'
down_revision = 'fbc3a0142385'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('solve_jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('lease_owner', sa.String(length=200), nullable=True))


def downgrade():
    with op.batch_alter_table('solve_jobs', schema=None) as batch_op:
        batch_op.drop_column('lease_owner')
        batch_op.drop_column('lease_until')
