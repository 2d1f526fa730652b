"""reminders sent by hand to a late department

A planner's "Remind" on the home, compliance or attention page e-mails the department's users
and leaves a row here, so the pages can say "Reminded on 2 Dec by Pat Planner" and a second
reminder for the same department and period within a day is refused.

Revision ID: 0011_reminders
Revises: 0010_report_language
Create Date: 2026-12-02 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011_reminders'
down_revision = '0010_report_language'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'reminder_sent',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('plan_id', sa.Integer(), nullable=False),
        sa.Column('department_id', sa.Integer(), nullable=False),
        sa.Column('period_id', sa.Integer(), nullable=False),
        sa.Column('sent_by_id', sa.Integer(), nullable=True),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('recipients', sa.Integer(), nullable=False),
        sa.CheckConstraint(
            'recipients >= 0', name=op.f('ck_reminder_sent_recipients_not_negative')
        ),
        sa.ForeignKeyConstraint(
            ['department_id'], ['department.id'],
            name=op.f('fk_reminder_sent_department_id_department'),
        ),
        sa.ForeignKeyConstraint(
            ['period_id'], ['reporting_period.id'],
            name=op.f('fk_reminder_sent_period_id_reporting_period'),
        ),
        sa.ForeignKeyConstraint(
            ['plan_id'], ['plan.id'],
            name=op.f('fk_reminder_sent_plan_id_plan'), ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['sent_by_id'], ['user_account.id'],
            name=op.f('fk_reminder_sent_sent_by_id_user_account'),
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reminder_sent')),
    )
    with op.batch_alter_table('reminder_sent', schema=None) as batch_op:
        batch_op.create_index(
            'ix_reminder_sent_department_period',
            ['department_id', 'period_id', 'sent_at'], unique=False,
        )
        batch_op.create_index(
            batch_op.f('ix_reminder_sent_plan_id'), ['plan_id'], unique=False
        )


def downgrade():
    with op.batch_alter_table('reminder_sent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reminder_sent_plan_id'))
        batch_op.drop_index('ix_reminder_sent_department_period')
    op.drop_table('reminder_sent')
