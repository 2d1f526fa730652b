"""update slots' tally and the slot indexes compliance and attention read

`obligation_tally` holds, per plan, department and reporting period, how many update slots
(`obligation_figure`) hold a counted update (tracker/services/figures/slot_rollups.py keeps it
in step with the slots); it is backfilled here from the slots. Two indexes on the slots let a
period's slots of some actions, and its late ones, be read without a scan.

Revision ID: 0014_obligation_tally
Revises: 0013_obligation_figures
Create Date: 2026-12-02 16:20:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.orm import Session


# revision identifiers, used by Alembic.
revision = '0014_obligation_tally'
down_revision = '0013_obligation_figures'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'obligation_tally',
        sa.Column('plan_id', sa.Integer(), nullable=False),
        sa.Column('department_id', sa.Integer(), nullable=False),
        sa.Column('period_id', sa.Integer(), nullable=False),
        sa.Column('counted', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ['plan_id'], ['plan.id'], name=op.f('fk_obligation_tally_plan_id_plan'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['department_id'], ['department.id'],
            name=op.f('fk_obligation_tally_department_id_department'),
        ),
        sa.ForeignKeyConstraint(
            ['period_id'], ['reporting_period.id'],
            name=op.f('fk_obligation_tally_period_id_reporting_period'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint(
            'plan_id', 'department_id', 'period_id', name=op.f('pk_obligation_tally')
        ),
    )
    op.create_index(
        'ix_obligation_figure_period_action', 'obligation_figure', ['period_id', 'action_id']
    )
    op.create_index(
        'ix_obligation_figure_period_submitted',
        'obligation_figure',
        ['period_id', 'submitted_at'],
    )
    _backfill()


def _backfill():
    """Every plan's tally, as the application counts it."""
    from tracker.services.figures import slot_rollups

    session = Session(bind=op.get_bind())
    slot_rollups.recount_tallies(session, list(session.scalars(sa.text('SELECT id FROM plan'))))
    session.flush()


def downgrade():
    op.drop_index('ix_obligation_figure_period_submitted', table_name='obligation_figure')
    op.drop_index('ix_obligation_figure_period_action', table_name='obligation_figure')
    op.drop_table('obligation_tally')
