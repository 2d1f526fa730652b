"""The yearly report's "Changes to the plan this year": the change log rows of that fiscal year
in the snapshot, the PDF and the Excel file, in English and French."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import openpyxl
from flask import Flask
from sqlalchemy import select

from tests.factories.reports import SLUG, YEAR, build_plan
from tests.reports.test_renderers import pdf_text
from tracker.extensions import db
from tracker.models import Plan, PlanChange
from tracker.reports.builder import build_snapshot
from tracker.reports.pdf import render_pdf
from tracker.reports.snapshot import ReportSnapshot, from_dict, to_dict
from tracker.reports.xlsx import render_xlsx

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
REASON = "The review moved the network refresh to fund security work."


def _change(plan_id: int, year: int, at: datetime, reason: str) -> PlanChange:
    return PlanChange(
        plan_id=plan_id,
        action_code="A1",
        kind="rebaselined",
        field="baseline_target",
        old_value=f"{year}-Q4",
        new_value=f"{year + 1}-Q2",
        reason=reason,
        user_label="planner@example.gc.ca",
        at=at,
        fiscal_year=year,
    )


def snapshot_with_changes(app: Flask, lang: str) -> ReportSnapshot:
    build_plan(app)
    with app.app_context():
        plan = db.session.scalar(select(Plan).where(Plan.slug == SLUG))
        assert plan is not None
        db.session.add(_change(plan.id, YEAR, datetime(YEAR, 11, 5, tzinfo=UTC), REASON))
        db.session.add(_change(plan.id, YEAR - 1, datetime(YEAR - 1, 11, 5, tzinfo=UTC), "old"))
        db.session.commit()
        return build_snapshot(plan, YEAR, lang, date(2025, 6, 1), NOW, 4)


def test_the_snapshot_holds_the_year_changes_only(app: Flask) -> None:
    snapshot = snapshot_with_changes(app, "en")
    [change] = snapshot.changes
    assert (change.kind, change.old_value, change.new_value) == (
        "rebaselined",
        "2024-Q4",
        "2025-Q2",
    )
    assert change.reason == REASON and change.who == "planner@example.gc.ca"
    assert from_dict(to_dict(snapshot)) == snapshot
    older = to_dict(snapshot)
    del older["changes"]  # a report stored before the section existed still reads
    assert from_dict(older).changes == ()


def test_pdf_and_xlsx_show_the_changes_in_english(app: Flask) -> None:
    snapshot = snapshot_with_changes(app, "en")
    with app.app_context():
        text = pdf_text(render_pdf(snapshot, 1))
        book = openpyxl.load_workbook(io.BytesIO(render_xlsx(snapshot, 1, lambda: iter([]))))
    assert "Changes to the plan this year" in text and "Re-baselined" in text
    sheet = book["Changes to the plan"]
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert REASON in values and "Re-baselined" in values and "2024-25 Q4" in values


def test_pdf_and_xlsx_show_the_changes_in_french(app: Flask) -> None:
    snapshot = snapshot_with_changes(app, "fr")
    with app.app_context():
        text = pdf_text(render_pdf(snapshot, 1))
        book = openpyxl.load_workbook(io.BytesIO(render_xlsx(snapshot, 1, lambda: iter([]))))
    assert "Modifications du plan cette année" in text
    assert "Modifications du plan" in book.sheetnames
