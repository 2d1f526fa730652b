"""update workflow: a draft may lack its percent; index for the review queue

A draft keeps whatever the department typed, so percent_complete may be empty while the update
is a draft; a CHECK keeps it present for anything submitted, returned or accepted.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 00:58:21.677891

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('progress_update', schema=None) as batch_op:
        batch_op.alter_column('percent_complete',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.create_check_constraint(
            op.f('ck_progress_update_percent_given'),
            "percent_complete IS NOT NULL OR state = 'draft'",
        )
        batch_op.create_index('ix_progress_update_state_submitted', ['state', 'submitted_at'], unique=False)


def downgrade():
    # Drafts without a percent get 0, the old default, before the column is required again.
    op.execute("UPDATE progress_update SET percent_complete = 0 WHERE percent_complete IS NULL")
    with op.batch_alter_table('progress_update', schema=None) as batch_op:
        batch_op.drop_index('ix_progress_update_state_submitted')
        batch_op.drop_constraint(op.f('ck_progress_update_percent_given'), type_='check')
        batch_op.alter_column('percent_complete',
               existing_type=sa.INTEGER(),
               nullable=False)
