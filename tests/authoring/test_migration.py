"""Migration 0005 on a database that holds a plan: nothing is lost, and the new columns get
their defaults (SQLite rebuilds the altered tables: foreign keys must not cascade)."""

from __future__ import annotations

from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from tests.test_migrations import empty_app  # noqa: F401 - the fixture
from tracker.extensions import db

ROWS = """
INSERT INTO plan (id, slug, title_en, title_fr, summary_en, summary_fr, first_year, last_year,
  status, created_at) VALUES (1, 'p', 'P', 'P', '', '', 2025, 2026, 'active', '2026-01-01');
INSERT INTO department (id, acronym, name_en, name_fr) VALUES (1, 'D', 'D', 'D');
INSERT INTO strategic_area (id, plan_id, code, position, colour, name_en, name_fr, goal_en,
  goal_fr) VALUES (1, 1, 'S', 0, '#1f6fb2', 'S', 'S', '', '');
INSERT INTO action (id, plan_id, area_id, code, position, title_en, title_fr, description_en,
  description_fr, illustrative, lead_department_id, start_quarter, baseline_target,
  current_target) VALUES (1, 1, 1, 'A', 0, 'A', 'A', '', '', false, 1, '2025-Q1', '2026-Q1',
  '2026-Q1');
INSERT INTO action_participant (action_id, department_id) VALUES (1, 1);
INSERT INTO milestone (id, action_id, code, position, title_en, title_fr, baseline_due)
  VALUES (1, 1, 'M', 0, 'M', 'M', '2025-06-30');
"""


def count(table: str) -> int:
    return int(db.session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def test_upgrading_a_database_with_a_plan_keeps_it(empty_app: Flask) -> None:  # noqa: F811
    with empty_app.app_context():
        upgrade(revision="0004")
        for statement in ROWS.split(";"):
            if statement.strip():
                db.session.execute(text(statement))
        db.session.commit()
        upgrade()
        tables = ("plan", "strategic_area", "action", "action_participant", "milestone")
        assert [count(t) for t in tables] == [1, 1, 1, 1, 1]
        plan = db.session.execute(
            text(
                "SELECT version, area_label_en, area_label_fr, action_label_en, owner_en FROM plan"
            )
        ).one()
        assert tuple(plan) == (1, "Strategic area", "Domaine stratégique", "Action", "")
        action = db.session.execute(text("SELECT version, retired_at FROM action")).one()
        assert tuple(action) == (1, None)
        milestone = db.session.execute(text("SELECT version, current_due FROM milestone")).one()
        assert tuple(milestone) == (1, None)
        db.session.commit()
        downgrade(revision="0004")
        assert [count(t) for t in tables] == [1, 1, 1, 1, 1]
        db.session.commit()
