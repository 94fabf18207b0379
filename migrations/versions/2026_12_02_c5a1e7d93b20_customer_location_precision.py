"""Customers say how exact their coordinates are: typed or geocoded to the address, or only a district's centre.

Existing rows keep NULL (coordinates typed in before the app could find them itself).

Revision ID: c5a1e7d93b20
Revises: c41d7e9a2b10
Create Date: 2026-12-02 01:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c5a1e7d93b20'
down_revision = 'c41d7e9a2b10'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('location_precision', sa.String(length=16), nullable=True))


def downgrade():
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.drop_column('location_precision')
