"""The workbook and the CSV files: numbers stored as numbers, the roadmap sheet drawn to the
latest target, sheet names and headers in the report's language, the milestones CSV, and the
same files whether rendered in child processes or in one."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import replace
from datetime import UTC, date, datetime

import openpyxl
import pytest
from flask import Flask
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import select

from tests.factories.reports import SLUG, YEAR, build_plan
from tracker.extensions import db
from tracker.fiscal import FiscalQuarter
from tracker.models import Plan
from tracker.reports import files
from tracker.reports.builder import build_snapshot
from tracker.reports.csv_export import render_milestones_csv
from tracker.reports.raw import update_rows
from tracker.reports.snapshot import ReportSnapshot
from tracker.reports.xlsx import render_xlsx
from tracker.reports.xlsx_roadmap import roadmap_quarters

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
PERCENT_TEXT = re.compile(r"^\s*-?\d+([.,]\d+)?\s?%\s*$")
Q = FiscalQuarter.parse


@pytest.fixture
def plan_id(app: Flask) -> int:
    build_plan(app)
    with app.app_context():
        plan = db.session.scalar(select(Plan).where(Plan.slug == SLUG))
        assert plan is not None
        return plan.id


def snapshot_of(app: Flask, lang: str) -> ReportSnapshot:
    plan = db.session.scalar(select(Plan).where(Plan.slug == SLUG))
    assert plan is not None
    return build_snapshot(plan, YEAR, lang, date(2025, 6, 1), NOW, 4)


def workbook(app: Flask, plan_id: int, snapshot: ReportSnapshot) -> openpyxl.Workbook:
    rows = list(update_rows(plan_id, YEAR))
    return openpyxl.load_workbook(io.BytesIO(render_xlsx(snapshot, 1, lambda: iter(rows))))


def column(sheet: Worksheet, header_row: int, heading: str) -> int:
    for cell in sheet[header_row]:
        if cell.value == heading:
            return int(cell.column)
    raise AssertionError(f"no column {heading!r} in {sheet.title}")


def test_figures_are_numbers_with_percent_formats(app: Flask, plan_id: int) -> None:
    with app.app_context():
        book = workbook(app, plan_id, snapshot_of(app, "en"))
    for sheet in book.worksheets:
        if sheet.title == "Raw data":
            continue  # narratives are the departments' own text
        for row in sheet.iter_rows():
            for cell in row:
                assert not (isinstance(cell.value, str) and PERCENT_TEXT.match(cell.value)), (
                    f"{sheet.title}!{cell.coordinate} holds {cell.value!r} as text"
                )
    summary = book["Summary"]
    labels = {summary.cell(r, 1).value: summary.cell(r, 2) for r in range(1, 30)}
    mean = labels["Mean percent complete (reported)"]
    assert mean.data_type == "n" and mean.value == pytest.approx(0.6)  # A1 at 60 %, A2 none
    assert mean.number_format == "0.0%"
    assert labels["Actions in the plan"].value == 2
    area = book["Service"]
    percent = area.cell(5, column(area, 4, "Percent complete"))
    assert (percent.value, percent.number_format) == (0.6, "0%")
    variance = area.cell(5, column(area, 4, "Variance (points)"))
    assert variance.data_type == "n" and variance.number_format == "+0.0;-0.0;0.0"
    compliance = book["Compliance"]
    rate = compliance.cell(2, column(compliance, 1, "On-time rate"))
    assert rate.data_type == "n" and 0 <= rate.value <= 1 and rate.number_format == "0.0%"


def test_the_roadmap_sheet_draws_every_action_to_its_latest_target(
    app: Flask, plan_id: int
) -> None:
    with app.app_context():
        snapshot = snapshot_of(app, "en")
        area = snapshot.areas[0]
        late = replace(area.actions[0], current_target=Q("2027-Q2"))  # past the plan's end
        snapshot = replace(snapshot, areas=(replace(area, actions=(late, *area.actions[1:])),))
        book = workbook(app, plan_id, snapshot)
    quarters = roadmap_quarters(snapshot)
    assert quarters[0] == Q("2024-Q1") and quarters[-1] == Q("2027-Q2")
    sheet = book["Roadmap"]
    headings = [c.value for c in sheet[4]][:9]
    assert headings == [
        "Area", "Code", "Action", "Lead department", "Start quarter", "Baseline target",
        "Current target", "Status at year end", "Percent complete",
    ]  # fmt: skip
    a1 = [c.value for c in sheet[5]][:9]
    assert a1[:4] == ["Service", "A1", "Modernise the web", "LEAD"]
    assert a1[4:7] == ["2024-25 Q1", "2024-25 Q4", "2027-28 Q2"] and a1[8] == 0.6
    assert sheet.cell(5, 9).number_format == "0%"
    assert [c.value for c in sheet[4]][9:13] == ["Q1", "Q2", "Q3", "Q4"]
    assert sheet.cell(3, 10).value == "2024-25" and sheet.cell(3, 14).value == "2025-26"

    def fill(row: int, quarter: str) -> str | None:
        cell = sheet.cell(row, 10 + quarters.index(Q(quarter)))
        return cell.fill.patternType

    # A1: planned 2024-Q1..2024-Q4 solid, slipped 2025-Q1..2027-Q2 hatched, nothing after.
    assert [fill(5, q) for q in ("2024-Q1", "2024-Q4")] == ["solid", "solid"]
    assert [fill(5, q) for q in ("2025-Q1", "2027-Q2")] == ["darkUp", "darkUp"]
    # A2: 2024-Q2..2024-Q3 only.
    assert [fill(6, q) for q in ("2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4")] == [
        None,
        "solid",
        "solid",
        None,
    ]
    assert sheet.max_column == 9 + len(quarters)


def test_the_french_workbook_names_sheets_and_headers_in_french(app: Flask, plan_id: int) -> None:
    with app.app_context():
        snapshot = snapshot_of(app, "fr")
        area = replace(snapshot.areas[0], name_fr="Services à l'interne : [réseau/web]?")
        book = workbook(app, plan_id, replace(snapshot, areas=(area,)))
    assert book.sheetnames == [
        "Sommaire", "Feuille de route", "Services à l'interne réseau web", "Jalons",
        "Conformité", "Points d'attention", "Modifications du plan", "Données brutes",
    ]  # fmt: skip
    roadmap = book["Feuille de route"]
    assert [c.value for c in roadmap[4]][:4] == [
        "Domaine",
        "Code",
        "Mesure",
        "Ministère responsable",
    ]
    assert [c.value for c in roadmap[4]][9] == "T1" and roadmap.cell(3, 10).value == "2024-2025"
    assert roadmap.cell(5, 9).number_format == '0"\u00a0"%'
    raw = book["Données brutes"]
    assert [raw.cell(1, c).value for c in (6, 7)] == [
        "Ministère responsable",
        "Ministère déclarant",
    ]
    summary = book["Sommaire"]
    assert summary.cell(6, 1).value == "Chiffres clés"
    assert summary.cell(13, 2).number_format == '0.0"\u00a0"%'  # mean percent complete


def test_the_milestones_csv_lists_the_year_milestones_with_their_action_lead(
    app: Flask, plan_id: int
) -> None:
    with app.app_context():
        english = b"".join(render_milestones_csv(snapshot_of(app, "en")))
        french = b"".join(render_milestones_csv(snapshot_of(app, "fr")))
    assert english.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(english.decode("utf-8-sig"))))
    assert lines[0] == [
        "Area", "Action", "Action title", "Lead department", "Milestone", "Milestone title",
        "Baseline due", "Completed", "Forecast", "Outcome", "Slippage (days)",
    ]  # fmt: skip
    by_code = {line[4]: line for line in lines[1:]}
    assert sorted(by_code) == ["M1", "M2", "M3"]  # M4 is due the next year
    assert by_code["M1"][:4] == ["SVC", "A1", "Modernise the web", "LEAD"]
    assert by_code["M2"][6:10] == ["2024-12-31", "2025-01-20", "", "Completed late"]
    assert by_code["M3"][8:] == ["2025-06-30", "Not completed", "107"]
    header = next(csv.reader(io.StringIO(french.decode("utf-8-sig"))))
    assert header[:4] == ["Domaine", "Mesure", "Titre de la mesure", "Ministère responsable"]
    assert "Résultat" in header


def test_child_processes_render_the_same_files_as_one_process(app: Flask, plan_id: int) -> None:
    with app.app_context():
        snapshot = snapshot_of(app, "fr")
        app.config["REPORT_RENDER_PROCESSES"] = 1
        forked = {f.format: f for f in files.render_files(snapshot, 3, plan_id)}
        app.config["REPORT_RENDER_PROCESSES"] = 0
        alone = {f.format: f for f in files.render_files(snapshot, 3, plan_id)}
    assert sorted(forked) == sorted(alone) == ["csv", "milestones", "pdf", "xlsx"]
    for fmt in ("csv", "milestones"):
        assert forked[fmt].content == alone[fmt].content
        assert forked[fmt].sha256 == alone[fmt].sha256
    assert forked["pdf"].content.startswith(b"%PDF") and forked["pdf"].filename.endswith(".pdf")
    assert alone["pdf"].content.startswith(b"%PDF")
    books = [openpyxl.load_workbook(io.BytesIO(f["xlsx"].content)) for f in (forked, alone)]
    assert [b.sheetnames for b in books][0] == books[1].sheetnames
    for name in books[0].sheetnames:
        values = [[[c.value for c in row] for row in b[name].iter_rows()] for b in books]
        assert values[0] == values[1], name
    assert forked["csv"].filename == "rep_2024-25_fr_v3.csv"


def test_one_process_draws_the_pdf_first_and_frees_its_memory_before_the_spreadsheets(
    app: Flask, plan_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    steps: list[str] = []
    monkeypatch.setattr(files, "_pdf", lambda *args: steps.append("pdf") or b"%PDF-")
    monkeypatch.setattr(files, "release_memory", lambda: steps.append("release"))
    spreadsheets = files._spreadsheets

    def recorded(*args: object) -> dict[str, bytes]:
        steps.append("spreadsheets")
        return spreadsheets(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(files, "_spreadsheets", recorded)
    with app.app_context():
        app.config["REPORT_RENDER_PROCESSES"] = 0
        rendered = files.render_files(snapshot_of(app, "en"), 1, plan_id)
    assert steps == ["pdf", "release", "spreadsheets", "release"]
    assert [f.format for f in rendered] == ["pdf", "xlsx", "csv", "milestones"]


def test_releasing_memory_is_harmless_wherever_it_runs() -> None:
    files.release_memory()  # glibc or not: no error
