"""Migration 0008_bilingual_names on a database with data: known Government of Canada
departments get their French acronym, existing narratives and reasons are English, and the
downgrade gives the columns back without losing a row."""

from __future__ import annotations

from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from tests.test_migrations import empty_app  # noqa: F401 - the fixture
from tracker.extensions import db

REVISION = "0008_bilingual_names"
BEFORE = "0007"

ROWS = """
INSERT INTO department (id, acronym, name_en, name_fr) VALUES
  (1, 'SSC', 'Shared Services Canada', 'Services partagés Canada'),
  (2, 'PSPC', 'Public Services and Procurement Canada',
   'Services publics et Approvisionnement Canada'),
  (3, 'IRCC', 'Immigration, Refugees and Citizenship Canada',
   'Immigration, Réfugiés et Citoyenneté Canada'),
  (4, 'XYZ', 'Somewhere', 'Quelque part');
INSERT INTO plan (id, slug, title_en, title_fr, summary_en, summary_fr, first_year, last_year,
  status, created_at) VALUES (1, 'p', 'P', 'P', '', '', 2025, 2026, 'active', '2026-01-01');
INSERT INTO strategic_area (id, plan_id, code, position, colour, name_en, name_fr, goal_en,
  goal_fr) VALUES (1, 1, 'S', 0, '#1f6fb2', 'S', 'S', '', '');
INSERT INTO action (id, plan_id, area_id, code, position, title_en, title_fr, description_en,
  description_fr, illustrative, lead_department_id, start_quarter, baseline_target,
  current_target) VALUES (1, 1, 1, 'A', 0, 'A', 'A', '', '', false, 1, '2025-Q1', '2026-Q1',
  '2026-Q1');
INSERT INTO reporting_period (id, quarter, opens_on, due_on, locks_on)
  VALUES (1, '2025-Q1', '2025-06-15', '2025-07-15', '2025-08-15');
INSERT INTO progress_update (id, action_id, department_id, period_id, status, percent_complete,
  accomplishments, risks, next_steps, decrease_reason, state, review_comment, created_at,
  updated_at, version) VALUES (1, 1, 1, 1, 'on_track', 40, 'Done', '', '', '', 'returned',
  'Add the risks', '2025-07-01', '2025-07-01', 1);
"""


def columns(table: str) -> set[str]:
    return {c["name"] for c in inspect(db.engine).get_columns(table)}


def test_upgrade_fills_french_acronyms_and_english_narratives(empty_app: Flask) -> None:  # noqa: F811
    with empty_app.app_context():
        upgrade(revision=BEFORE)
        for statement in ROWS.split(";"):
            if statement.strip():
                db.session.execute(text(statement))
        db.session.commit()

        upgrade(revision=REVISION)
        acronyms = db.session.execute(
            text("SELECT acronym, acronym_fr FROM department ORDER BY id")
        ).all()
        assert [tuple(row) for row in acronyms] == [
            ("SSC", "SPC"),
            ("PSPC", "SPAC"),
            ("IRCC", None),  # the same in both languages
            ("XYZ", None),  # not a department the migration knows
        ]
        languages = db.session.execute(
            text("SELECT narrative_language, review_comment_language FROM progress_update")
        ).one()
        assert tuple(languages) == ("en", "en")
        db.session.commit()
        assert "reason_language" in columns("plan_change")

        downgrade(revision=BEFORE)
        assert "acronym_fr" not in columns("department")
        assert "narrative_language" not in columns("progress_update")
        assert "reason_language" not in columns("plan_change")
        kept = db.session.execute(text("SELECT count(*) FROM department")).scalar_one()
        db.session.commit()
        assert kept == 4
        upgrade()  # and up again to the head
        assert "acronym_fr" in columns("department")
