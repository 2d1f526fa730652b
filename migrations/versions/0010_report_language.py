"""report versions per language; a milestones CSV among a report's files

A report's versions are numbered per (plan, fiscal year, language): a French copy never
supersedes an English one. Existing reports get the language their files were rendered in,
which each stored snapshot records ('en' when it does not). Issued version numbers are kept as
they are: they are printed in the files and the files' checksums were issued, so renumbering
them would make the record disagree with the documents. A report may also hold a second CSV,
of the year's milestone forecasts (format 'milestones').

Revision ID: 0010_report_language
Revises: 0009_draft_actions
Create Date: 2026-12-02 08:45:00.000000

"""
import json

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010_report_language'
down_revision = '0009_draft_actions'
branch_labels = None
depends_on = None

LANGUAGES = ('en', 'fr')


def _backfill_languages():
    """Each existing report's language, read from its stored snapshot."""
    conn = op.get_bind()
    report = sa.table(
        'annual_report',
        sa.column('id', sa.Integer()),
        sa.column('snapshot', sa.JSON()),
        sa.column('language', sa.String(5)),
    )
    for report_id, snapshot in conn.execute(sa.select(report.c.id, report.c.snapshot)).all():
        if isinstance(snapshot, str):  # a driver that hands JSON back as text
            snapshot = json.loads(snapshot)
        language = (snapshot or {}).get('language')
        conn.execute(
            report.update()
            .where(report.c.id == report_id)
            .values(language=language if language in LANGUAGES else 'en')
        )


def _formats(formats):
    with op.batch_alter_table('report_file', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_report_file_format'), type_='check')
        batch_op.create_check_constraint(
            batch_op.f('ck_report_file_format'),
            'format IN (' + ', '.join(f"'{f}'" for f in formats) + ')',
        )


def upgrade():
    with op.batch_alter_table('annual_report', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=5), nullable=True))
    _backfill_languages()
    with op.batch_alter_table('annual_report', schema=None) as batch_op:
        batch_op.alter_column('language', existing_type=sa.String(length=5), nullable=False)
        batch_op.drop_constraint(
            batch_op.f('uq_annual_report_plan_id_fiscal_year_version'), type_='unique'
        )
        batch_op.create_unique_constraint(
            batch_op.f('uq_annual_report_plan_id_fiscal_year_language_version'),
            ['plan_id', 'fiscal_year', 'language', 'version'],
        )
    _formats(('pdf', 'xlsx', 'csv', 'milestones'))


def downgrade():
    # Two languages may share a version number now; the old constraint needs them unique per
    # plan and year, so the later ones are moved after the year's highest version.
    conn = op.get_bind()
    op.execute("DELETE FROM report_file WHERE format = 'milestones'")
    _formats(('pdf', 'xlsx', 'csv'))
    report = sa.table(
        'annual_report',
        sa.column('id', sa.Integer()),
        sa.column('plan_id', sa.Integer()),
        sa.column('fiscal_year', sa.Integer()),
        sa.column('version', sa.Integer()),
    )
    rows = conn.execute(
        sa.select(report.c.id, report.c.plan_id, report.c.fiscal_year, report.c.version)
        .order_by(report.c.plan_id, report.c.fiscal_year, report.c.id)
    ).all()
    seen, highest = set(), {}
    for _id, plan_id, year, version in rows:
        key = (plan_id, year)
        highest[key] = max(highest.get(key, 0), version)
    moves = []
    for report_id, plan_id, year, version in rows:
        key = (plan_id, year)
        if (key, version) in seen:
            highest[key] += 1
            moves.append((report_id, highest[key]))
        else:
            seen.add((key, version))
    with op.batch_alter_table('annual_report', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('uq_annual_report_plan_id_fiscal_year_language_version'), type_='unique'
        )
    for report_id, version in moves:
        conn.execute(report.update().where(report.c.id == report_id).values(version=version))
    with op.batch_alter_table('annual_report', schema=None) as batch_op:
        batch_op.create_unique_constraint(
            batch_op.f('uq_annual_report_plan_id_fiscal_year_version'),
            ['plan_id', 'fiscal_year', 'version'],
        )
        batch_op.drop_column('language')
