"""a draft plan's actions may lack their lead, start and targets

While a plan is a draft, an action may be saved without its lead department, start quarter or
baseline and current targets; activation refuses while any is missing
(`services.plans.readiness`), so an active plan's actions still have them all. The CHECK
constraints on the quarters stay: a NULL quarter satisfies them.

Downgrading makes the columns required again and fails while a draft's action lacks one of
them: set them (or delete those actions) first.

Revision ID: 0009_draft_actions
Revises: 0008_bilingual_names
Create Date: 2026-12-02 08:45:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0009_draft_actions"
down_revision = "0008_bilingual_names"
branch_labels = None
depends_on = None

QUARTERS = ("start_quarter", "baseline_target", "current_target")


def _required(nullable):
    with op.batch_alter_table("action", schema=None) as batch_op:
        batch_op.alter_column("lead_department_id", existing_type=sa.Integer(), nullable=nullable)
        for name in QUARTERS:
            batch_op.alter_column(name, existing_type=sa.String(length=7), nullable=nullable)


def upgrade():
    _required(True)


def downgrade():
    _required(False)
