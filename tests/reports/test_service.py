"""Generating and storing reports: versions, checksums, who triggered them, append-only rows."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from tests.conftest import make_user
from tests.factories.reports import SLUG, YEAR, build_plan
from tracker.db import AppendOnlyError
from tracker.extensions import db
from tracker.models import AnnualReport, AuditEvent, ReportFile, Role, User
from tracker.reports import service


@pytest.fixture
def plan(app: Flask) -> str:
    build_plan(app)
    return SLUG


def test_the_scheduler_call_stores_a_report_with_four_checksummed_files(
    app: Flask, plan: str
) -> None:
    with app.app_context():
        report = service.generate_annual_report(
            plan_slug=plan, fiscal_year=YEAR, triggered_by="scheduler", actor=None
        )
        assert (report.version, report.triggered_by, report.created_by_id) == (1, "scheduler", None)
        files = {f.format: f for f in report.files}
        assert sorted(files) == ["csv", "milestones", "pdf", "xlsx"]
        for f in files.values():
            assert f.sha256 == hashlib.sha256(f.content).hexdigest()
            assert f.size_bytes == len(f.content) > 0
        assert files["pdf"].filename == "rep_2024-25_en_v1.pdf"
        assert files["milestones"].filename == "rep_2024-25_en_v1_milestones.csv"
        assert report.language == "en"
        assert files["xlsx"].media_type.endswith("spreadsheetml.sheet")
        assert report.snapshot["fiscal_year"] == YEAR and report.snapshot["language"] == "en"
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "report.generate"))
        assert event is not None and event.actor_label == "scheduler"


def test_regenerating_adds_a_version_and_keeps_the_old_files(app: Flask, plan: str) -> None:
    user_id = make_user(app, Role.PLANNER, "planner@example.gc.ca")
    with app.app_context():
        first = service.generate_annual_report(plan, YEAR, "scheduler")
        old = {f.format: (f.sha256, f.content) for f in first.files}
        actor = db.session.get(User, user_id)
        assert actor is not None
        second = service.generate_annual_report(plan, YEAR, f"user:{actor.email}", actor=actor)
        assert second.version == 2 and second.created_by_id == user_id
        for fmt, (sha, content) in old.items():
            kept = service.get_file(first.id, fmt)
            assert (kept.sha256, kept.content) == (sha, content)
        assert db.session.scalar(select(func.count(ReportFile.id))) == 8
        groups = service.list_reports()
        assert [[v.version for v in y.versions] for y in groups[0].years] == [[2, 1]]


def _latest(groups: list[service.PlanReports]) -> dict[str, int]:
    """The latest version's id per language of the only plan and year."""
    return {y.language: y.versions[0].id for y in groups[0].years}


def test_versions_and_latest_are_per_language(app: Flask, plan: str) -> None:
    with app.app_context():
        english = service.generate_annual_report(plan, YEAR, "cli", language="en")
        french = service.generate_annual_report(plan, YEAR, "cli", language="fr")
        # The French copy is version 1 in French and does not supersede the English one.
        assert (english.language, english.version) == ("en", 1)
        assert (french.language, french.version) == ("fr", 1)
        assert french.snapshot["language"] == "fr"
        assert _latest(service.list_reports()) == {"en": english.id, "fr": french.id}
        assert [r.id for r in service.other_versions(english)] == [english.id]
        assert [r.id for r in service.other_languages(english)] == [french.id]

        english2 = service.generate_annual_report(plan, YEAR, "cli", language="en")
        assert (english2.language, english2.version) == ("en", 2)
        assert _latest(service.list_reports()) == {"en": english2.id, "fr": french.id}
        assert [r.id for r in service.other_versions(english)] == [english2.id, english.id]
        assert [r.id for r in service.other_versions(french)] == [french.id]


def test_a_lost_race_for_a_version_is_retried_with_the_next(
    app: Flask, plan: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with app.app_context():
        service.generate_annual_report(plan, YEAR, "scheduler")
    real = service._next_version
    calls: list[int] = []

    def stale(plan_id: int, year: int, language: str) -> int:
        calls.append(1)
        # another process took v1
        return 1 if len(calls) == 1 else real(plan_id, year, language)

    monkeypatch.setattr(service, "_next_version", stale)
    with app.app_context():
        report = service.generate_annual_report(plan, YEAR, "scheduler")
        assert report.version == 2 and len(calls) == 2


@pytest.mark.parametrize(
    ("slug", "year", "message"),
    [
        ("nope", YEAR, "no plan"),
        (SLUG, 2023, "not a year of plan"),
        (SLUG, 2025, "not over yet"),
    ],
)
def test_refused_generations_store_nothing(
    app: Flask, plan: str, slug: str, year: int, message: str
) -> None:
    with app.app_context():
        with pytest.raises(service.ReportError, match=message):
            service.generate_annual_report(slug, year, "cli")
        assert db.session.scalar(select(func.count(AnnualReport.id))) == 0


def test_stored_reports_and_files_cannot_be_changed(app: Flask, plan: str) -> None:
    with app.app_context():
        report = service.generate_annual_report(plan, YEAR, "cli")
        changes: list[tuple[Any, str, Any]] = [
            (report, "triggered_by", "someone else"),
            (report.files[0], "sha256", "0" * 64),
        ]
        for row, field, value in changes:
            setattr(row, field, value)
            with pytest.raises(AppendOnlyError):
                db.session.flush()
            db.session.rollback()
        db.session.delete(db.session.get(AnnualReport, report.id))
        with pytest.raises(AppendOnlyError):
            db.session.flush()


def test_verify_finds_files_by_checksum(app: Flask, plan: str) -> None:
    with app.app_context():
        report = service.generate_annual_report(plan, YEAR, "cli")
        stored = service.get_file(report.id, "csv")
        sha, size = service.digest([stored.content[:10], stored.content[10:]])
        assert (sha, size) == (stored.sha256, stored.size_bytes)
        found = service.verify(sha.upper(), size)
        assert [(m.file.format, m.report.version) for m in found.matches] == [("csv", 1)]
        assert service.verify(sha, size + 1).matches == []
        assert service.verify("0" * 64).matches == []
