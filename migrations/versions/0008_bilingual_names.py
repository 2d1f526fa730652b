"""bilingual department acronyms and the language of narratives

A department gets its French acronym (SPC for SSC, SPAC for PSPC, ...), filled here for the
Government of Canada departments the demo plans name; others keep NULL (the same acronym in
both languages) until a plan file or the database gives one. A progress update records the
language its narrative and its review comment were written in, and a change in the plan's log
the language of its reason: existing rows were written in English.

Revision ID: 0008_bilingual_names
Revises: 0007
Create Date: 2026-12-02 08:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_bilingual_names'
down_revision = '0007'
branch_labels = None
depends_on = None

# The Government of Canada's own French acronyms (canada.ca), by English acronym.
FRENCH_ACRONYMS = {
    'AAFC': 'AAC',
    'CBSA': 'ASFC',
    'CRA': 'ARC',
    'CSE': 'CST',
    'CSPS': 'EFPC',
    'DND': 'MDN',
    'ESDC': 'EDSC',
    'GAC': 'AMC',
    'HC': 'SC',
    'HRDC': 'DRHC',
    'ISED': 'ISDE',
    'LAC': 'BAC',
    'NRCAN': 'RNCAN',
    'PS': 'SP',
    'PSC': 'CFP',
    'PSPC': 'SPAC',
    'PWGSC': 'TPSGC',
    'RCMP': 'GRC',
    'SSC': 'SPC',
    'TBS': 'SCT',
}


def upgrade():
    with op.batch_alter_table('department', schema=None) as batch_op:
        batch_op.add_column(sa.Column('acronym_fr', sa.String(length=20), nullable=True))
    department = sa.table(
        'department', sa.column('acronym', sa.String), sa.column('acronym_fr', sa.String)
    )
    for english, french in FRENCH_ACRONYMS.items():
        op.execute(
            department.update()
            .where(department.c.acronym == english)
            .values(acronym_fr=french)
        )

    with op.batch_alter_table('progress_update', schema=None) as batch_op:
        batch_op.add_column(sa.Column(
            'narrative_language', sa.String(length=2), nullable=False, server_default='en'
        ))
        batch_op.add_column(sa.Column(
            'review_comment_language', sa.String(length=2), nullable=False, server_default='en'
        ))
    with op.batch_alter_table('progress_update', schema=None) as batch_op:
        batch_op.alter_column('narrative_language', server_default=None)
        batch_op.alter_column('review_comment_language', server_default=None)
        batch_op.create_check_constraint(
            op.f('ck_progress_update_narrative_language'), "narrative_language IN ('en', 'fr')"
        )
        batch_op.create_check_constraint(
            op.f('ck_progress_update_review_comment_language'),
            "review_comment_language IN ('en', 'fr')",
        )

    with op.batch_alter_table('plan_change', schema=None) as batch_op:
        batch_op.add_column(sa.Column(
            'reason_language', sa.String(length=2), nullable=False, server_default='en'
        ))
    with op.batch_alter_table('plan_change', schema=None) as batch_op:
        batch_op.alter_column('reason_language', server_default=None)
        batch_op.create_check_constraint(
            op.f('ck_plan_change_reason_language'), "reason_language IN ('en', 'fr')"
        )


def downgrade():
    with op.batch_alter_table('plan_change', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_plan_change_reason_language'), type_='check')
        batch_op.drop_column('reason_language')
    with op.batch_alter_table('progress_update', schema=None) as batch_op:
        batch_op.drop_constraint(
            op.f('ck_progress_update_review_comment_language'), type_='check'
        )
        batch_op.drop_constraint(op.f('ck_progress_update_narrative_language'), type_='check')
        batch_op.drop_column('review_comment_language')
        batch_op.drop_column('narrative_language')
    with op.batch_alter_table('department', schema=None) as batch_op:
        batch_op.drop_column('acronym_fr')
