"""The three renderers: the PDF opens and lays out any text, the XLSX has its sheets, frozen
headers, filters and charts, and formula-like text stays text in the XLSX and the CSV."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime

import openpyxl
import pypdf
import pytest
from flask import Flask
from sqlalchemy import select

from tests.factories.reports import LONG_FRENCH, SLUG, YEAR, build_plan
from tracker.extensions import db
from tracker.models import Plan
from tracker.reports.builder import build_snapshot
from tracker.reports.csv_export import render_csv
from tracker.reports.pdf import render_pdf
from tracker.reports.raw import RawUpdate, update_rows
from tracker.reports.snapshot import ReportSnapshot
from tracker.reports.xlsx import render_xlsx, sheet_names

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def data(app: Flask) -> tuple[Flask, ReportSnapshot, int]:
    build_plan(app)
    with app.app_context():
        plan = db.session.scalar(select(Plan).where(Plan.slug == SLUG))
        assert plan is not None
        return app, build_snapshot(plan, YEAR, "en", date(2025, 6, 1), NOW, 4), plan.id


def pdf_text(content: bytes) -> str:
    """The text of every page of the PDF, as a reader would copy it."""
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)


def page_count(content: bytes) -> int:
    return len(pypdf.PdfReader(io.BytesIO(content)).pages)


def test_pdf_opens_with_page_numbers_stamp_and_metadata(
    data: tuple[Flask, ReportSnapshot, int],
) -> None:
    app, snapshot, _plan_id = data
    with app.app_context():
        content = render_pdf(snapshot, 3)
    assert content.startswith(b"%PDF-") and content.rstrip().endswith(b"%%EOF")
    pages = page_count(content)
    assert pages >= 5  # cover, summary, roadmap, area, closing sections
    text = pdf_text(content)
    assert f"Page 1 of {pages}" in text and f"Page {pages} of {pages}" in text
    assert "Version 3, generated June 1, 2025, 12:00 UTC" in text
    assert pypdf.PdfReader(io.BytesIO(content)).metadata["/Author"] == "Roadmap Tracker"


def test_pdf_lays_out_long_french_and_odd_text(data: tuple[Flask, ReportSnapshot, int]) -> None:
    app, snapshot, _plan_id = data
    a1 = snapshot.actions[0]
    assert a1.highlight is not None
    odd = "<b>&</b> ✓ 😀 " + "x" * 400 + " " + LONG_FRENCH * 60
    long_action = replace(
        a1,
        title_en=LONG_FRENCH + "Ä" * 150,
        highlight=replace(a1.highlight, accomplishments=odd, risks=odd),
    )
    area = replace(snapshot.areas[0], name_en="É" * 200, actions=(long_action,) * 12)
    big = replace(snapshot, areas=(area,) * 2)
    with app.app_context():
        content = render_pdf(big, 1)
    assert page_count(content) > page_count(render_with(app, snapshot))
    text = pdf_text(content)
    assert "Élaboration du modèle" in text and "œuvre" in text
    assert "<b>&</b> ✓" in text  # user text is escaped once: shown as typed, never as markup
    assert "&amp;" not in text


def render_with(app: Flask, snapshot: ReportSnapshot) -> bytes:
    with app.app_context():
        return render_pdf(snapshot, 1)


def test_pdf_renders_in_french(app: Flask) -> None:
    build_plan(app)
    with app.app_context():
        plan = db.session.scalar(select(Plan).where(Plan.slug == SLUG))
        assert plan is not None
        snapshot = build_snapshot(plan, YEAR, "fr", date(2025, 6, 1), NOW, 4)
        content = render_pdf(snapshot, 1)
    text = pdf_text(content)
    assert "Plan des rapports" in text and "2024-2025" in text


def rows_of(app: Flask, plan_id: int) -> list[RawUpdate]:
    with app.app_context():
        return list(update_rows(plan_id, YEAR))


def test_xlsx_sheets_headers_filters_and_charts(data: tuple[Flask, ReportSnapshot, int]) -> None:
    app, snapshot, plan_id = data
    rows = rows_of(app, plan_id)

    def source() -> Iterator[RawUpdate]:
        return iter(rows)

    with app.app_context():
        content = render_xlsx(snapshot, 2, source)
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book.sheetnames == [
        "Summary", "Roadmap", "Service", "Milestones", "Compliance", "Needs attention",
        "Changes to the plan", "Raw data",
    ]  # fmt: skip
    raw = book["Raw data"]
    assert raw.freeze_panes == "A2" and raw.auto_filter.ref == "A1:P9"
    assert raw.max_row == 9  # header + the year's 8 updates, every workflow state
    assert [raw.cell(1, c).value for c in (6, 7)] == ["Lead department", "Reporting department"]
    assert {raw.cell(r, 6).value for r in range(2, 10)} == {"LEAD"}
    assert {raw.cell(r, 8).value for r in range(2, 10)} == {
        "Accepted",
        "Submitted",
        "Draft",
        "Returned",
    }
    area = book["Service"]
    assert area.freeze_panes == "C5" and area["A4"].value == "Code"
    assert area.auto_filter.ref is not None and area.auto_filter.ref.startswith("A4:")
    assert book["Milestones"].freeze_panes == "A2"
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
    assert len(charts) == 2


def test_xlsx_formula_text_stays_text(data: tuple[Flask, ReportSnapshot, int]) -> None:
    app, snapshot, plan_id = data
    rows = rows_of(app, plan_id)
    tricky = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx", '=HYPERLINK("http://x")']
    rows += [rows[0]._replace(id=900 + n, accomplishments=t) for n, t in enumerate(tricky)]
    with app.app_context():
        content = render_xlsx(snapshot, 1, lambda: iter(rows))
    raw = openpyxl.load_workbook(io.BytesIO(content))["Raw data"]
    cells = [raw.cell(r, 12) for r in range(raw.max_row - len(tricky) + 1, raw.max_row + 1)]
    assert [c.data_type for c in cells] == ["s"] * len(tricky)
    # XlsxWriter stores a carriage return as _x000D_ (Excel shows it as one); openpyxl keeps it.
    assert [str(c.value).replace("_x000D_", "\r") for c in cells] == tricky
    area = openpyxl.load_workbook(io.BytesIO(content))["Service"]
    highlight = area.cell(5, 22)
    assert highlight.data_type == "s" and str(highlight.value).startswith("=SUM(A1:A9)")


def test_sheet_names_are_valid_and_unique(data: tuple[Flask, ReportSnapshot, int]) -> None:
    _app, snapshot, _plan_id = data
    area = snapshot.areas[0]
    names_en = ("A/B", "A:B", "Summary", "x" * 40, "''", "History", "[?*]", "L'État")
    areas = [replace(area, name_en=name, name_fr="") for name in names_en]
    names = sheet_names(areas, ["Summary", "Raw data"])
    assert len(set(names)) == len(areas) and all(0 < len(n) <= 31 for n in names)
    assert not any(set(n) & set("[]:*?/\\") for n in names)
    assert not any(n.startswith("'") or n.endswith("'") for n in names)
    assert "Summary" not in names and "History" not in names
    assert names[0] == "A B" and names[-1] == "L'État"  # an inner apostrophe is allowed
    assert names[4] == "SVC"  # nothing left of the name: the area's code


def test_csv_has_every_update_with_formula_protection(
    data: tuple[Flask, ReportSnapshot, int],
) -> None:
    app, snapshot, plan_id = data
    with app.app_context():
        content = b"".join(render_csv(snapshot, lambda: update_rows(plan_id, YEAR)))
    assert content.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert lines[0][:3] == ["Update ID", "Quarter", "Area"]
    assert lines[0][5:7] == ["Lead department", "Reporting department"]
    assert len(lines) == 9
    assert {line[5] for line in lines[1:]} == {"LEAD"}
    assert {line[6] for line in lines[1:]} == {"LEAD", "PART"}
    accomplishments = [line[11] for line in lines[1:]]
    assert any(text.startswith("'=SUM(A1:A9)") for text in accomplishments)
    assert not any(text.startswith("=") for text in accomplishments)
    assert {line[7] for line in lines[1:]} == {"Accepted", "Submitted", "Draft", "Returned"}
    assert "Élaboration" in content.decode("utf-8")
