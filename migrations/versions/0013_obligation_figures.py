"""update slots' rollup for compliance and attention

`obligation_figure` holds, per action, department and reporting period, the state and
submission time of the department's update (tracker/services/figures/slot_rollups.py keeps it
in step with the writes); it is backfilled here from the progress updates.

Revision ID: 0013_obligation_figures
Revises: 0012_figure_rollups
Create Date: 2026-12-02 12:20:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.orm import Session


# revision identifiers, used by Alembic.
revision = '0013_obligation_figures'
down_revision = '0012_figure_rollups'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'obligation_figure',
        sa.Column('action_id', sa.Integer(), nullable=False),
        sa.Column('department_id', sa.Integer(), nullable=False),
        sa.Column('period_id', sa.Integer(), nullable=False),
        sa.Column('update_id', sa.Integer(), nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ['action_id'], ['action.id'], name=op.f('fk_obligation_figure_action_id_action'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['department_id'], ['department.id'],
            name=op.f('fk_obligation_figure_department_id_department'),
        ),
        sa.ForeignKeyConstraint(
            ['period_id'], ['reporting_period.id'],
            name=op.f('fk_obligation_figure_period_id_reporting_period'), ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['update_id'], ['progress_update.id'],
            name=op.f('fk_obligation_figure_update_id_progress_update'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint(
            'action_id', 'department_id', 'period_id', name=op.f('pk_obligation_figure')
        ),
        sa.UniqueConstraint('update_id', name=op.f('uq_obligation_figure_update_id')),
        sqlite_with_rowid=False,
    )
    _backfill()


def _backfill():
    """Every update slot's row, as the application writes it."""
    from tracker.services.figures import slot_rollups

    session = Session(bind=op.get_bind())
    ids = list(session.scalars(sa.text('SELECT id FROM action ORDER BY id')))
    for start in range(0, len(ids), 500):
        slot_rollups.refresh_actions(session, ids[start:start + 500])
    session.flush()


def downgrade():
    op.drop_table('obligation_figure')
