"""plan authoring: plan fields, optimistic locking, retirement, re-planned due dates, change log

Plans gain an owner organisation (both languages), a source document URL, a predecessor plan
and the names of their two levels (defaults: "Strategic area" / "Action"). Plans, areas,
actions and milestones gain a version number for optimistic locking (existing rows start at
1). Actions and milestones can be retired (cancelled with a reason, who and when) instead of
deleted; a milestone gains its current (re-planned) due date, NULL while it has not moved.
A participant records the first quarter it owes updates for (NULL: from the action's start).
`plan_change` is the plan's append-only change log.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 04:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

CHANGE_KINDS = (
    'created', 'field_changed', 'status_changed', 'area_added', 'area_deleted', 'action_added',
    'action_moved', 'action_retired', 'action_deleted', 'target_moved', 'milestone_added',
    'milestone_retired', 'milestone_deleted', 'due_moved', 'participants_changed',
    'lead_changed', 'reordered',
)


def _version(batch_op):
    batch_op.add_column(
        sa.Column('version', sa.Integer(), nullable=False, server_default=sa.text('1'))
    )


def _retirement(batch_op, table):
    batch_op.add_column(sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True))
    batch_op.add_column(
        sa.Column('retirement_reason', sa.Text(), nullable=False, server_default='')
    )
    batch_op.add_column(sa.Column('retired_by_id', sa.Integer(), nullable=True))
    batch_op.create_foreign_key(
        batch_op.f(f'fk_{table}_retired_by_id_user_account'), 'user_account',
        ['retired_by_id'], ['id'],
    )
    batch_op.create_check_constraint(
        batch_op.f(f'ck_{table}_retired_reason'), "retired_at IS NULL OR retirement_reason <> ''"
    )


def upgrade():
    with op.batch_alter_table('plan', schema=None) as batch_op:
        for name, length, default in (
            ('owner_en', 300, ''), ('owner_fr', 300, ''), ('source_url', 500, ''),
        ):
            batch_op.add_column(
                sa.Column(name, sa.String(length=length), nullable=False, server_default=default)
            )
        batch_op.add_column(sa.Column('predecessor_id', sa.Integer(), nullable=True))
        for name, default in (
            ('area_label_en', 'Strategic area'), ('area_label_fr', 'Domaine stratégique'),
            ('action_label_en', 'Action'), ('action_label_fr', 'Mesure'),
        ):
            batch_op.add_column(
                sa.Column(name, sa.String(length=60), nullable=False, server_default=default)
            )
        _version(batch_op)
        batch_op.create_index(batch_op.f('ix_plan_predecessor_id'), ['predecessor_id'], unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_plan_predecessor_id_plan'), 'plan', ['predecessor_id'], ['id'],
            ondelete='SET NULL',
        )

    with op.batch_alter_table('strategic_area', schema=None) as batch_op:
        _version(batch_op)

    with op.batch_alter_table('action', schema=None) as batch_op:
        _version(batch_op)
        _retirement(batch_op, 'action')

    with op.batch_alter_table('milestone', schema=None) as batch_op:
        batch_op.add_column(sa.Column('current_due', sa.Date(), nullable=True))
        _version(batch_op)
        _retirement(batch_op, 'milestone')

    with op.batch_alter_table('action_participant', schema=None) as batch_op:
        batch_op.add_column(sa.Column('since_quarter', sa.String(length=7), nullable=True))

    op.create_table(
        'plan_change',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('plan_id', sa.Integer(), nullable=False),
        sa.Column('action_id', sa.Integer(), nullable=True),
        sa.Column('milestone_id', sa.Integer(), nullable=True),
        sa.Column('action_code', sa.String(length=20), nullable=False),
        sa.Column('milestone_code', sa.String(length=20), nullable=False),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('field', sa.String(length=60), nullable=False),
        sa.Column('old_value', sa.Text(), nullable=False),
        sa.Column('new_value', sa.Text(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('user_label', sa.String(length=254), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('fiscal_year', sa.Integer(), nullable=False),
        sa.CheckConstraint(
            'kind IN (' + ', '.join(f"'{kind}'" for kind in CHANGE_KINDS) + ')',
            name=op.f('ck_plan_change_kind'),
        ),
        sa.ForeignKeyConstraint(
            ['action_id'], ['action.id'], name=op.f('fk_plan_change_action_id_action'),
            ondelete='SET NULL',
        ),
        sa.ForeignKeyConstraint(
            ['milestone_id'], ['milestone.id'], name=op.f('fk_plan_change_milestone_id_milestone'),
            ondelete='SET NULL',
        ),
        sa.ForeignKeyConstraint(
            ['plan_id'], ['plan.id'], name=op.f('fk_plan_change_plan_id_plan'), ondelete='CASCADE'
        ),
        sa.ForeignKeyConstraint(
            ['user_id'], ['user_account.id'], name=op.f('fk_plan_change_user_id_user_account')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_change')),
    )
    with op.batch_alter_table('plan_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_change_action_id'), ['action_id'], unique=False)
        batch_op.create_index(
            batch_op.f('ix_plan_change_milestone_id'), ['milestone_id'], unique=False
        )
        batch_op.create_index('ix_plan_change_plan_action', ['plan_id', 'action_code', 'at'])
        batch_op.create_index('ix_plan_change_plan_at', ['plan_id', 'at'])
        batch_op.create_index('ix_plan_change_plan_year', ['plan_id', 'fiscal_year', 'at'])


def downgrade():
    op.drop_table('plan_change')

    with op.batch_alter_table('action_participant', schema=None) as batch_op:
        batch_op.drop_column('since_quarter')

    for table in ('milestone', 'action'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'ck_{table}_retired_reason'), type_='check')
            batch_op.drop_constraint(
                batch_op.f(f'fk_{table}_retired_by_id_user_account'), type_='foreignkey'
            )
            for name in ('retired_by_id', 'retirement_reason', 'retired_at', 'version'):
                batch_op.drop_column(name)
            if table == 'milestone':
                batch_op.drop_column('current_due')

    with op.batch_alter_table('strategic_area', schema=None) as batch_op:
        batch_op.drop_column('version')

    with op.batch_alter_table('plan', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_plan_predecessor_id_plan'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_plan_predecessor_id'))
        for name in (
            'version', 'action_label_fr', 'action_label_en', 'area_label_fr', 'area_label_en',
            'predecessor_id', 'source_url', 'owner_fr', 'owner_en',
        ):
            batch_op.drop_column(name)
