"""A solve job records which search engine planned it ("ruin_and_recreate" or "ortools").

Jobs solved before this column existed have no engine recorded (NULL).

Revision ID: 4e1c9a7d2b36
Revises: 08f57e5e46f0
Create Date: 2026-12-02 01:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4e1c9a7d2b36'
down_revision = '08f57e5e46f0'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('solve_jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('engine', sa.String(length=32), nullable=True))


def downgrade():
    with op.batch_alter_table('solve_jobs', schema=None) as batch_op:
        batch_op.drop_column('engine')
