"""Rebalances of a day under way: the event, the change set a dispatcher previewed, and its application.

Technician days gain the last route change a rebalance made, for the phone's banner (nullable columns).

Revision ID: 5d1c0a7e2b93
Revises: 5d1e0a7c3f42
Create Date: 2026-12-02 02:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5d1c0a7e2b93'
down_revision = '5d1e0a7c3f42'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('rebalances',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('region', sa.String(length=64), nullable=False),
    sa.Column('status', sa.Enum('preview', 'applied', name='rebalance_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('event', sa.JSON(), nullable=False),
    sa.Column('now', sa.DateTime(timezone=True), nullable=False),
    sa.Column('problem', sa.JSON(), nullable=False),
    sa.Column('result', sa.JSON(), nullable=False),
    sa.Column('visit_snapshot', sa.JSON(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('applied_by_id', sa.Integer(), nullable=True),
    sa.Column('applied_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['applied_by_id'], ['users.id'], name=op.f('fk_rebalances_applied_by_id_users')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_rebalances_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rebalances'))
    )
    with op.batch_alter_table('rebalances', schema=None) as batch_op:
        batch_op.create_index('ix_rebalances_date_region', ['date', 'region'], unique=False)
    with op.batch_alter_table('technician_days', schema=None) as batch_op:
        batch_op.add_column(sa.Column('route_change', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('route_changed_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('technician_days', schema=None) as batch_op:
        batch_op.drop_column('route_changed_at')
        batch_op.drop_column('route_change')
    with op.batch_alter_table('rebalances', schema=None) as batch_op:
        batch_op.drop_index('ix_rebalances_date_region')
    op.drop_table('rebalances')
