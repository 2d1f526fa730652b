"""Migration 0010_report_language: existing reports get the language their files were rendered
in, and versions become unique per plan, year and language."""

from __future__ import annotations

import json

import pytest
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from tests.test_migrations import empty_app  # noqa: F401 - the fixture
from tracker.extensions import db

BEFORE = "0009_draft_actions"
REVISION = "0010_report_language"


def _insert_reports(rows: list[tuple[int, int, dict[str, object]]]) -> None:
    with db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO plan (id, slug, title_en, title_fr, summary_en, summary_fr, "
                "first_year, last_year, status, created_at) VALUES "
                "(1, 'p', 'P', 'P', '', '', 2024, 2025, 'active', '2024-01-01 00:00:00+00:00')"
            )
        )
        for report_id, version, snapshot in rows:
            conn.execute(
                text(
                    "INSERT INTO annual_report (id, plan_id, fiscal_year, version, snapshot, "
                    "triggered_by, created_at) VALUES (:id, 1, 2024, :v, :s, 'cli', "
                    "'2025-05-01 00:00:00+00:00')"
                ),
                {"id": report_id, "v": version, "s": json.dumps(snapshot)},
            )


def _languages() -> list[tuple[int, str, int]]:
    with db.engine.connect() as conn:
        rows = conn.execute(text("SELECT id, language, version FROM annual_report ORDER BY id"))
        return [tuple(row) for row in rows]  # type: ignore[misc]


def test_existing_reports_keep_their_language_and_numbers(empty_app: Flask) -> None:  # noqa: F811
    with empty_app.app_context():
        upgrade(revision=BEFORE)
        _insert_reports([(1, 1, {"language": "en"}), (2, 2, {"language": "fr"}), (3, 3, {})])
        upgrade(revision=REVISION)
        # Issued numbers stay as printed in the files; the language comes from the snapshot.
        assert _languages() == [(1, "en", 1), (2, "fr", 2), (3, "en", 3)]
        with db.engine.begin() as conn:  # a French version 1 may now exist beside English v1
            conn.execute(
                text(
                    "INSERT INTO annual_report (id, plan_id, fiscal_year, language, version, "
                    "snapshot, triggered_by, created_at) VALUES (4, 1, 2024, 'fr', 1, '{}', "
                    "'cli', '2025-05-02 00:00:00+00:00')"
                )
            )
        with pytest.raises(IntegrityError), db.engine.begin() as conn:  # but not twice
            conn.execute(
                text(
                    "INSERT INTO annual_report (id, plan_id, fiscal_year, language, version, "
                    "snapshot, triggered_by, created_at) VALUES (5, 1, 2024, 'fr', 1, '{}', "
                    "'cli', '2025-05-02 00:00:00+00:00')"
                )
            )
        downgrade(revision=BEFORE)  # the shared number moves after the year's highest
        with db.engine.connect() as conn:
            rows = conn.execute(text("SELECT id, version FROM annual_report ORDER BY id"))
            assert [tuple(r) for r in rows] == [(1, 1), (2, 2), (3, 3), (4, 4)]
