"""yearly reviews and baseline versions

A plan's yearly review (one per fiscal year, one open at a time) is the only place its
baselines change; each review that re-baselined something leaves a numbered baseline version
holding every action's baseline target and every milestone's baseline due date. Version 0, the
original baseline, is backfilled here from today's baselines. The change log learns three kinds:
review_opened, rebaselined and review_closed.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 06:05:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

OLD_KINDS = (
    'created', 'field_changed', 'status_changed', 'area_added', 'area_deleted', 'action_added',
    'action_moved', 'action_retired', 'action_deleted', 'target_moved', 'milestone_added',
    'milestone_retired', 'milestone_deleted', 'due_moved', 'participants_changed',
    'lead_changed', 'reordered',
)
NEW_KINDS = OLD_KINDS + ('review_opened', 'rebaselined', 'review_closed')


def _kinds(kinds):
    with op.batch_alter_table('plan_change', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_plan_change_kind'), type_='check')
        batch_op.create_check_constraint(
            batch_op.f('ck_plan_change_kind'),
            'kind IN (' + ', '.join(f"'{kind}'" for kind in kinds) + ')',
        )


def upgrade():
    op.create_table(
        'plan_review',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('plan_id', sa.Integer(), nullable=False),
        sa.Column('fiscal_year', sa.Integer(), nullable=False),
        sa.Column('state', sa.String(length=10), nullable=False),
        sa.Column('opened_by_id', sa.Integer(), nullable=True),
        sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('closed_by_id', sa.Integer(), nullable=True),
        sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('approval_note', sa.Text(), nullable=False),
        sa.CheckConstraint("state IN ('open', 'closed')", name=op.f('ck_plan_review_state')),
        sa.ForeignKeyConstraint(
            ['closed_by_id'], ['user_account.id'],
            name=op.f('fk_plan_review_closed_by_id_user_account'),
        ),
        sa.ForeignKeyConstraint(
            ['opened_by_id'], ['user_account.id'],
            name=op.f('fk_plan_review_opened_by_id_user_account'),
        ),
        sa.ForeignKeyConstraint(
            ['plan_id'], ['plan.id'], name=op.f('fk_plan_review_plan_id_plan'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_review')),
        sa.UniqueConstraint(
            'plan_id', 'fiscal_year', name=op.f('uq_plan_review_plan_id_fiscal_year')
        ),
    )
    op.create_index(
        'uq_plan_review_one_open', 'plan_review', ['plan_id'], unique=True,
        sqlite_where=sa.text("state = 'open'"), postgresql_where=sa.text("state = 'open'"),
    )
    op.create_table(
        'baseline_version',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('plan_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('review_id', sa.Integer(), nullable=True),
        sa.Column('made_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['plan_id'], ['plan.id'], name=op.f('fk_baseline_version_plan_id_plan'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['review_id'], ['plan_review.id'],
            name=op.f('fk_baseline_version_review_id_plan_review'), ondelete='SET NULL',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_baseline_version')),
        sa.UniqueConstraint('plan_id', 'number', name=op.f('uq_baseline_version_plan_id_number')),
    )
    op.create_index(
        'ix_baseline_version_plan_made', 'baseline_version', ['plan_id', 'made_at']
    )
    op.create_index(
        op.f('ix_baseline_version_review_id'), 'baseline_version', ['review_id']
    )
    op.create_table(
        'baseline_target',
        sa.Column('version_id', sa.Integer(), nullable=False),
        sa.Column('action_id', sa.Integer(), nullable=False),
        sa.Column('target', sa.String(length=7), nullable=False),
        sa.ForeignKeyConstraint(
            ['action_id'], ['action.id'], name=op.f('fk_baseline_target_action_id_action'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['version_id'], ['baseline_version.id'],
            name=op.f('fk_baseline_target_version_id_baseline_version'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('version_id', 'action_id', name=op.f('pk_baseline_target')),
    )
    op.create_index(op.f('ix_baseline_target_action_id'), 'baseline_target', ['action_id'])
    op.create_table(
        'baseline_due',
        sa.Column('version_id', sa.Integer(), nullable=False),
        sa.Column('milestone_id', sa.Integer(), nullable=False),
        sa.Column('due', sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ['milestone_id'], ['milestone.id'], name=op.f('fk_baseline_due_milestone_id_milestone'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['version_id'], ['baseline_version.id'],
            name=op.f('fk_baseline_due_version_id_baseline_version'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('version_id', 'milestone_id', name=op.f('pk_baseline_due')),
    )
    op.create_index(op.f('ix_baseline_due_milestone_id'), 'baseline_due', ['milestone_id'])
    _kinds(NEW_KINDS)
    _backfill()


def _backfill():
    """Version 0 of every plan: today's baselines, in force since the plan was created."""
    op.execute(
        "INSERT INTO baseline_version (plan_id, number, made_at) "
        "SELECT id, 0, created_at FROM plan"
    )
    op.execute(
        "INSERT INTO baseline_target (version_id, action_id, target) "
        "SELECT v.id, a.id, a.baseline_target FROM action a "
        "JOIN baseline_version v ON v.plan_id = a.plan_id AND v.number = 0"
    )
    op.execute(
        "INSERT INTO baseline_due (version_id, milestone_id, due) "
        "SELECT v.id, m.id, m.baseline_due FROM milestone m "
        "JOIN action a ON a.id = m.action_id "
        "JOIN baseline_version v ON v.plan_id = a.plan_id AND v.number = 0"
    )


def downgrade():
    op.execute(
        "DELETE FROM plan_change WHERE kind IN ('review_opened', 'rebaselined', 'review_closed')"
    )
    _kinds(OLD_KINDS)
    op.drop_table('baseline_due')
    op.drop_table('baseline_target')
    op.drop_index('ix_baseline_version_plan_made', table_name='baseline_version')
    op.drop_table('baseline_version')
    op.drop_index('uq_plan_review_one_open', table_name='plan_review')
    op.drop_table('plan_review')
