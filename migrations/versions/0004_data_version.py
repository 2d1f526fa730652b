"""data version for the aggregate cache; covering index for per-quarter counts

`data_version` holds one counter that every transaction changing plan or progress data
advances (tracker/cache.py); cached page figures are keyed with it.

The index on (action_id, period_id, state) gains department_id, so that the trends' "best
update of each action, quarter and state" (the lead department's, else the newest) is read
from the index alone.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 06:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    data_version = op.create_table(
        'data_version',
        sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('value', sa.Integer(), nullable=False),
        sa.CheckConstraint('id = 1', name=op.f('ck_data_version_single_row')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_data_version')),
    )
    op.bulk_insert(data_version, [{'id': 1, 'value': 0}])
    with op.batch_alter_table('progress_update', schema=None) as batch_op:
        batch_op.create_index(
            'ix_progress_update_action_period_state_department',
            ['action_id', 'period_id', 'state', 'department_id'],
            unique=False,
        )
        batch_op.drop_index('ix_progress_update_action_period_state')


def downgrade():
    with op.batch_alter_table('progress_update', schema=None) as batch_op:
        batch_op.create_index(
            'ix_progress_update_action_period_state', ['action_id', 'period_id', 'state'],
            unique=False,
        )
        batch_op.drop_index('ix_progress_update_action_period_state_department')
    op.drop_table('data_version')
