"""The yearly report's PDF as a reader and a screen reader get it: tagged (PDF/UA structure,
document language, title), French typography, fonts that keep CJK text and symbols, the cover's
owner and security marking, and every overdue milestone with its real days overdue."""

from __future__ import annotations

import io
import logging
import re
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import pypdf
import pytest
from flask import Flask
from pypdf.generic import ArrayObject, DictionaryObject
from sqlalchemy import select

from tests.factories.reports import SLUG, YEAR, build_plan
from tests.reports.test_renderers import pdf_text
from tracker.extensions import db
from tracker.models import Plan
from tracker.reports.builder import build_snapshot
from tracker.reports.pdf import render_pdf
from tracker.reports.snapshot import ReportSnapshot

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def app_overrides() -> dict[str, Any]:
    return {"REPORT_SECURITY_MARKING_FR": "PROTÉGÉ A"}


def snapshot_in(app: Flask, lang: str) -> ReportSnapshot:
    build_plan(app)
    with app.app_context():
        plan = db.session.scalar(select(Plan).where(Plan.slug == SLUG))
        assert plan is not None
        plan.owner_en, plan.owner_fr = "Treasury Board Secretariat", "Secrétariat du Conseil"
        return build_snapshot(plan, YEAR, lang, date(2025, 6, 1), NOW, 4)


def render(app: Flask, snapshot: ReportSnapshot) -> bytes:
    with app.app_context():
        return render_pdf(snapshot, 2)


def structure(node: Any) -> list[DictionaryObject]:
    """Every structure element under `node`, depth first."""
    node = node.get_object()
    if isinstance(node, ArrayObject):
        return [e for child in node for e in structure(child)]
    if not isinstance(node, DictionaryObject):
        return []
    found = [node] if "/S" in node else []
    return found + (structure(node["/K"]) if "/K" in node else [])


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_pdf_is_tagged_with_its_language_title_headings_tables_and_alt_text(
    app: Flask, lang: str
) -> None:
    snapshot = snapshot_in(app, lang)
    reader = pypdf.PdfReader(io.BytesIO(render(app, snapshot)))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == lang
    assert root["/MarkInfo"]["/Marked"] == True  # noqa: E712 - a pypdf BooleanObject
    assert root["/ViewerPreferences"]["/DisplayDocTitle"] == True  # noqa: E712
    assert reader.metadata is not None
    assert str(reader.metadata.title).startswith(snapshot.plan.title(lang))
    elements = structure(root["/StructTreeRoot"])
    kinds = [str(e["/S"]) for e in elements]
    assert {"/H1", "/H2", "/Table", "/TH", "/TD", "/Figure"} <= set(kinds)
    figures = [e for e in elements if e["/S"] == "/Figure"]
    assert figures and all(str(e.get("/Alt", "")).strip() for e in figures)


def test_french_numbers_dates_and_labels(app: Flask) -> None:
    text = pdf_text(render(app, snapshot_in(app, "fr")))
    assert re.search(r"\d,\d\u00a0%", text)  # '66,5 %' with a non-breaking space
    assert not re.search(r"\d%", text)  # never '38%'
    assert "31 mars 2025" in text and "Initiale\u00a0: " in text and "Actuelle\u00a0: " in text
    assert "Baseline" not in text and "Current:" not in text
    assert "Messages clés" in text and "PROTÉGÉ A" in text
    assert text.count("Responsable") >= 2 and "Responsabl\ne" not in text  # cover, header
    assert "Secrétariat du Conseil" in text


def test_cover_owner_marking_and_overdue_days_in_english(app: Flask) -> None:
    text = pdf_text(render(app, snapshot_in(app, "en")))
    assert text.count("UNCLASSIFIED") >= 2 * len(re.findall(r"Page \d+ of", text))
    assert "Treasury Board Secretariat" in text and "Key messages" in text
    # M3 was due 2025-03-15 and still not done on 2025-03-31: 16 days overdue, not 0.
    assert re.search(r"M3 .*March 15, 2025 June 30, 2025 16", text)
    # Milestones and compliance list the exceptions; the rest are counted (all in the XLSX).
    assert "1 milestone due in the year was met on time" in text
    assert not re.search(r"A1 M1 ", text) and re.search(r"A1 M2 ", text)


def test_cjk_text_and_symbols_survive_in_embedded_fonts(app: Flask) -> None:
    snapshot = snapshot_in(app, "en")
    action = replace(snapshot.actions[0], title_en="数字政府 ✓ réseau")
    area = replace(snapshot.areas[0], actions=(action, *snapshot.areas[0].actions[1:]))
    plan = replace(snapshot.plan, title_en="デジタル計画 ✓")
    content = render(app, replace(snapshot, plan=plan, areas=(area,)))
    text = pdf_text(content)
    assert "デジタル計画 ✓" in text and "数字政府 ✓ réseau" in text
    reader = pypdf.PdfReader(io.BytesIO(content))
    assert str(reader.metadata.title).startswith("デジタル計画 ✓")  # type: ignore[union-attr]
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert any("Report-CJK" in f for f in fonts) and any("Report-Symbols" in f for f in fonts)


def test_missing_fonts_are_logged_and_the_report_still_renders(
    app: Flask, tmp_path: Any, caplog: pytest.LogCaptureFixture
) -> None:
    snapshot = snapshot_in(app, "en")
    app.config["REPORT_FONTS_DIR"] = str(tmp_path)  # no font packages there
    with caplog.at_level(logging.WARNING, logger="tracker.reports.pdf"):
        content = render(app, snapshot)
    assert "report fonts missing (run `npm ci`)" in caplog.text
    assert "Key messages" in pdf_text(content)


def test_a_narrative_written_in_the_other_language_is_marked(app: Flask) -> None:
    snapshot = snapshot_in(app, "en")
    [action] = [a for a in snapshot.actions if a.highlight is not None][:1]
    assert action.highlight is not None
    french = replace(action.highlight, accomplishments="Étape terminée.", language="fr")
    english = replace(action.highlight, accomplishments="Milestone done.", language="en")

    def text_with(highlight: Any) -> str:
        area = next(a for a in snapshot.areas if action in a.actions)
        shown = replace(action, highlight=highlight)
        actions = tuple(shown if a is action else a for a in area.actions)
        return pdf_text(render(app, replace(snapshot, areas=(replace(area, actions=actions),))))

    assert "[FR] Étape terminée." in text_with(french)
    assert "[EN]" not in text_with(english) and "Milestone done." in text_with(english)
