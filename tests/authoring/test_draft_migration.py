"""Migration 0009_draft_actions on a database that holds a plan: its actions, milestones and
their links survive (SQLite rebuilds the action table), a draft's action may then be stored
without its lead, start and targets, and the downgrade refuses while one is stored so."""

from __future__ import annotations

import pytest
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from tests.authoring.test_migration import ROWS, count
from tests.test_migrations import empty_app  # noqa: F401 - the fixture
from tracker.extensions import db

BEFORE = "0007"
TABLES = ("plan", "strategic_area", "action", "action_participant", "milestone")
UNSET = """
INSERT INTO action (id, plan_id, area_id, code, position, title_en, title_fr, description_en,
  description_fr, illustrative, version) VALUES (2, 1, 1, 'B', 1, 'B', 'B', '', '', false, 1)
"""


def test_the_columns_become_optional_and_nothing_is_lost(empty_app: Flask) -> None:  # noqa: F811
    with empty_app.app_context():
        upgrade(revision=BEFORE)
        for statement in ROWS.split(";"):
            if statement.strip():
                db.session.execute(text(statement))
        db.session.commit()
        upgrade(revision="0009_draft_actions")
        assert [count(t) for t in TABLES] == [1, 1, 1, 1, 1]
        kept = db.session.execute(
            text("SELECT lead_department_id, start_quarter, current_target FROM action")
        ).one()
        assert tuple(kept) == (1, "2025-Q1", "2026-Q1")
        db.session.execute(text(UNSET))
        db.session.commit()
        unset = db.session.execute(
            text(
                "SELECT lead_department_id, start_quarter, baseline_target FROM action WHERE id = 2"
            )
        ).one()
        assert tuple(unset) == (None, None, None)
        db.session.commit()  # every session transaction takes SQLite's write lock
        # Going back needs every action to have them: refused while one does not.
        with pytest.raises(IntegrityError):
            downgrade(revision=BEFORE)
        db.session.rollback()
        db.session.execute(text("DELETE FROM action WHERE id = 2"))
        db.session.commit()
        downgrade(revision=BEFORE)
        assert [count(t) for t in TABLES] == [1, 1, 1, 1, 1]
        db.session.commit()
