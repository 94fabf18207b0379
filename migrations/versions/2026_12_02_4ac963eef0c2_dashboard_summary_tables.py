"""The dashboard's summary tables: one row per ticket, visit and follow-up call with each figure's inputs.

They are kept up to date at every write from now on; the rows of the tickets already there are built by
`flask --app app reporting backfill-summary`, run once after this upgrade (it can be run again at any time).

Revision ID: 4ac963eef0c2
Revises: 9b3e6f1a7c58
Create Date: 2026-12-02 04:57:06.630146

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4ac963eef0c2'
down_revision = '9b3e6f1a7c58'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('kpi_calls',
    sa.Column('call_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('technician_id', sa.Integer(), nullable=True),
    sa.Column('region', sa.String(length=64), nullable=False),
    sa.Column('category', sa.Enum('large_appliance', 'small_appliance', 'furniture', name='product_category', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('brand', sa.String(length=64), nullable=False),
    sa.Column('at_s', sa.BigInteger(), nullable=False),
    sa.Column('outcome', sa.Enum('reached', 'no_answer', name='call_outcome', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('satisfaction', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('call_id', name=op.f('pk_kpi_calls'))
    )
    with op.batch_alter_table('kpi_calls', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kpi_calls_at_s'), ['at_s'], unique=False)
        batch_op.create_index(batch_op.f('ix_kpi_calls_technician_id'), ['technician_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_kpi_calls_ticket_id'), ['ticket_id'], unique=False)

    op.create_table('kpi_tickets',
    sa.Column('ticket_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('type', sa.Enum('installation', 'repair', 'inspection', 'return_pickup', 'exchange', name='ticket_type', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('status', sa.Enum('open', 'scheduled', 'in_service', 'awaiting_follow_up', 'reopened', 'closed', 'cancelled', name='ticket_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('cause', sa.Enum('quality', 'wrong_item', 'missing_item', 'change_of_mind', 'transport_damage', name='cause', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('responsibility', sa.Enum('undetermined', 'seller', 'customer', 'logistics', name='responsibility', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('region', sa.String(length=64), nullable=False),
    sa.Column('category', sa.Enum('large_appliance', 'small_appliance', 'furniture', name='product_category', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('brand', sa.String(length=64), nullable=False),
    sa.Column('sku', sa.String(length=64), nullable=False),
    sa.Column('serial_no', sa.String(length=64), nullable=False),
    sa.Column('created_s', sa.BigInteger(), nullable=False),
    sa.Column('closed_s', sa.BigInteger(), nullable=True),
    sa.Column('due_s', sa.BigInteger(), nullable=False),
    sa.Column('came_back', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('ticket_id', name=op.f('pk_kpi_tickets'))
    )
    with op.batch_alter_table('kpi_tickets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kpi_tickets_closed_s'), ['closed_s'], unique=False)
        batch_op.create_index(batch_op.f('ix_kpi_tickets_created_s'), ['created_s'], unique=False)
        batch_op.create_index('ix_kpi_tickets_serial_no', ['serial_no'], unique=False)

    op.create_table('kpi_visits',
    sa.Column('visit_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('technician_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('unscheduled', 'scheduled', 'accepted', 'en_route', 'arrived', 'completed', 'failed', 'cancelled', name='visit_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('region', sa.String(length=64), nullable=False),
    sa.Column('category', sa.Enum('large_appliance', 'small_appliance', 'furniture', name='product_category', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('brand', sa.String(length=64), nullable=False),
    sa.Column('promised_start_s', sa.BigInteger(), nullable=True),
    sa.Column('promised_end_s', sa.BigInteger(), nullable=True),
    sa.Column('started_s', sa.BigInteger(), nullable=True),
    sa.Column('finished_s', sa.BigInteger(), nullable=True),
    sa.Column('first_performed', sa.Boolean(), nullable=False),
    sa.Column('fixed', sa.Boolean(), nullable=False),
    sa.Column('travel_s', sa.BigInteger(), nullable=True),
    sa.PrimaryKeyConstraint('visit_id', name=op.f('pk_kpi_visits'))
    )
    with op.batch_alter_table('kpi_visits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kpi_visits_finished_s'), ['finished_s'], unique=False)
        batch_op.create_index(batch_op.f('ix_kpi_visits_started_s'), ['started_s'], unique=False)
        batch_op.create_index(batch_op.f('ix_kpi_visits_technician_id'), ['technician_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_kpi_visits_ticket_id'), ['ticket_id'], unique=False)



def downgrade():
    with op.batch_alter_table('kpi_visits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kpi_visits_ticket_id'))
        batch_op.drop_index(batch_op.f('ix_kpi_visits_technician_id'))
        batch_op.drop_index(batch_op.f('ix_kpi_visits_started_s'))
        batch_op.drop_index(batch_op.f('ix_kpi_visits_finished_s'))

    op.drop_table('kpi_visits')
    with op.batch_alter_table('kpi_tickets', schema=None) as batch_op:
        batch_op.drop_index('ix_kpi_tickets_serial_no')
        batch_op.drop_index(batch_op.f('ix_kpi_tickets_created_s'))
        batch_op.drop_index(batch_op.f('ix_kpi_tickets_closed_s'))

    op.drop_table('kpi_tickets')
    with op.batch_alter_table('kpi_calls', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kpi_calls_ticket_id'))
        batch_op.drop_index(batch_op.f('ix_kpi_calls_technician_id'))
        batch_op.drop_index(batch_op.f('ix_kpi_calls_at_s'))

    op.drop_table('kpi_calls')
