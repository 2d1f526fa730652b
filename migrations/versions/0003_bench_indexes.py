"""bench indexes: find each action's latest update of a state without reading its history

`progress.action_statuses` walks the periods from the newest and asks, per action, whether an
update of a given state exists there: (action_id, period_id, state) answers that from the index
alone, whatever the number of quarters and departments.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 01:30:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('progress_update', schema=None) as batch_op:
        batch_op.create_index(
            'ix_progress_update_action_period_state', ['action_id', 'period_id', 'state'],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table('progress_update', schema=None) as batch_op:
        batch_op.drop_index('ix_progress_update_action_period_state')
