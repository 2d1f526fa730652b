"""figure rollups; a data version per scope instead of one for everything

`action_figure` holds, per action and reporting period, the action's counted update as of the
period and its latest accepted forecast completion (tracker/services/figures/rollups.py keeps it
in step with the writes); it is backfilled here from history with the same SQL builder.

`data_version` becomes one row per scope ("all", "plan:<id>", "drafts:<plan id>[:<department
id>]"), inserted by the first change of a scope: cached figures start afresh after this upgrade.

Revision ID: 0012_figure_rollups
Revises: 0011_reminders
Create Date: 2026-12-02 08:45:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.orm import Session


# revision identifiers, used by Alembic.
revision = '0012_figure_rollups'
down_revision = '0011_reminders'
branch_labels = None
depends_on = None


def upgrade():
    op.drop_table('data_version')
    op.create_table(
        'data_version',
        sa.Column('scope', sa.String(length=60), nullable=False),
        sa.Column('value', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('scope', name=op.f('pk_data_version')),
    )
    op.create_table(
        'action_figure',
        sa.Column('action_id', sa.Integer(), nullable=False),
        sa.Column('period_id', sa.Integer(), nullable=False),
        sa.Column('quarter', sa.String(length=7), nullable=False),
        sa.Column('update_id', sa.Integer(), nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('percent', sa.Integer(), nullable=False),
        sa.Column('update_quarter', sa.String(length=7), nullable=False),
        sa.Column('department_id', sa.Integer(), nullable=False),
        sa.Column('forecast_update_id', sa.Integer(), nullable=True),
        sa.Column('forecast_completion', sa.String(length=7), nullable=True),
        sa.Column('forecast_quarter', sa.String(length=7), nullable=True),
        sa.Column('forecast_department_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ['action_id'], ['action.id'], name=op.f('fk_action_figure_action_id_action'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['department_id'], ['department.id'],
            name=op.f('fk_action_figure_department_id_department'),
        ),
        sa.ForeignKeyConstraint(
            ['forecast_department_id'], ['department.id'],
            name=op.f('fk_action_figure_forecast_department_id_department'),
        ),
        sa.ForeignKeyConstraint(
            ['forecast_update_id'], ['progress_update.id'],
            name=op.f('fk_action_figure_forecast_update_id_progress_update'), ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['period_id'], ['reporting_period.id'],
            name=op.f('fk_action_figure_period_id_reporting_period'), ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['update_id'], ['progress_update.id'],
            name=op.f('fk_action_figure_update_id_progress_update'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('action_id', 'period_id', name=op.f('pk_action_figure')),
    )
    with op.batch_alter_table('action_figure', schema=None) as batch_op:
        batch_op.create_index(
            'ix_action_figure_quarter_action', ['quarter', 'action_id'], unique=False
        )
    _backfill()


def _backfill():
    """Every action's rollups from history, by the rule the application keeps them with."""
    from tracker.services.figures import rollups

    session = Session(bind=op.get_bind())
    ids = list(session.scalars(sa.text('SELECT id FROM action ORDER BY id')))
    for start in range(0, len(ids), rollups.CHUNK):
        rollups.refresh(session, ids[start:start + rollups.CHUNK], None)
    session.flush()


def downgrade():
    with op.batch_alter_table('action_figure', schema=None) as batch_op:
        batch_op.drop_index('ix_action_figure_quarter_action')
    op.drop_table('action_figure')
    op.drop_table('data_version')
    data_version = op.create_table(
        'data_version',
        sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('value', sa.Integer(), nullable=False),
        sa.CheckConstraint('id = 1', name=op.f('ck_data_version_single_row')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_data_version')),
    )
    op.bulk_insert(data_version, [{'id': 1, 'value': 0}])
