"""Remedies on the ladder, return orders with their pickup visit and warehouse, and the warehouse's receipt checks.

Revision ID: fbc3a0142385
Revises: c5a1e7d93b20
Create Date: 2026-12-02 04:36:43.335396

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'fbc3a0142385'
down_revision = 'c5a1e7d93b20'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('remedies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('step', sa.Enum('explanation', 'coupon', 'compensation', 'exchange', 'return', name='remedy_step', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('status', sa.Enum('accepted', 'declined', 'pending_approval', 'approved', 'refused', name='remedy_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('amount_yuan', sa.Numeric(precision=10, scale=2), nullable=True),
    sa.Column('payer', sa.Enum('undetermined', 'seller', 'customer', 'logistics', name='remedy_payer', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('offered_by_id', sa.Integer(), nullable=False),
    sa.Column('offered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=True),
    sa.CheckConstraint('amount_yuan IS NULL OR amount_yuan > 0', name=op.f('ck_remedies_remedy_amount_positive')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_remedies_decided_by_id_users')),
    sa.ForeignKeyConstraint(['offered_by_id'], ['users.id'], name=op.f('fk_remedies_offered_by_id_users')),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_remedies_ticket_id_tickets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_remedies'))
    )
    with op.batch_alter_table('remedies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_remedies_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_remedies_ticket_id'), ['ticket_id'], unique=False)

    op.create_table('return_orders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('remedy_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('exchange', 'return', name='return_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('category', sa.Enum('large_appliance', 'small_appliance', 'furniture', name='return_product_category', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('warehouse', sa.String(length=64), nullable=False),
    sa.Column('pickup_visit_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('awaiting_pickup', 'to_stock', 'to_repair', name='return_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['pickup_visit_id'], ['visits.id'], name=op.f('fk_return_orders_pickup_visit_id_visits')),
    sa.ForeignKeyConstraint(['remedy_id'], ['remedies.id'], name=op.f('fk_return_orders_remedy_id_remedies')),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_return_orders_ticket_id_tickets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_return_orders')),
    sa.UniqueConstraint('pickup_visit_id', name=op.f('uq_return_orders_pickup_visit_id')),
    sa.UniqueConstraint('remedy_id', name=op.f('uq_return_orders_remedy_id'))
    )
    with op.batch_alter_table('return_orders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_return_orders_ticket_id'), ['ticket_id'], unique=False)

    op.create_table('receipt_checks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('return_order_id', sa.Integer(), nullable=False),
    sa.Column('packaging_ok', sa.Boolean(), nullable=False),
    sa.Column('appearance_ok', sa.Boolean(), nullable=False),
    sa.Column('quantity_ok', sa.Boolean(), nullable=False),
    sa.Column('outcome', sa.Enum('awaiting_pickup', 'to_stock', 'to_repair', name='receipt_outcome', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('checked_by_id', sa.Integer(), nullable=False),
    sa.Column('checked_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['checked_by_id'], ['users.id'], name=op.f('fk_receipt_checks_checked_by_id_users')),
    sa.ForeignKeyConstraint(['return_order_id'], ['return_orders.id'], name=op.f('fk_receipt_checks_return_order_id_return_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_receipt_checks')),
    sa.UniqueConstraint('return_order_id', name=op.f('uq_receipt_checks_return_order_id'))
    )


def downgrade():
    op.drop_table('receipt_checks')
    with op.batch_alter_table('return_orders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_return_orders_ticket_id'))

    op.drop_table('return_orders')
    with op.batch_alter_table('remedies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_remedies_ticket_id'))
        batch_op.drop_index(batch_op.f('ix_remedies_status'))

    op.drop_table('remedies')
