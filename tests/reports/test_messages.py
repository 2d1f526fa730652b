"""Key messages: plain sentences written from the snapshot, each number one the tables show.

The factory's plan (tests/factories/reports.py): A1 on track at 60 % but flagged, moved two
quarters (2024-25 Q4 to 2025-26 Q2); A2 with no accepted update; milestones M1 met, M2 late,
M3 not done and 16 days overdue on 2025-03-31; 3 updates pending."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from flask import Flask
from flask_babel import force_locale
from sqlalchemy import select

from tests.factories.reports import SLUG, YEAR, build_plan
from tracker.extensions import db
from tracker.fiscal import FiscalQuarter
from tracker.models import Plan
from tracker.reports.builder import build_snapshot
from tracker.reports.messages import key_messages, year_figures
from tracker.reports.pdf_context import headline
from tracker.reports.snapshot import Highlight, PlanChangeRow, ReportSnapshot

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def snapshot(app: Flask) -> ReportSnapshot:
    build_plan(app)
    with app.app_context():
        plan = db.session.scalar(select(Plan).where(Plan.slug == SLUG))
        assert plan is not None
        return build_snapshot(plan, YEAR, "en", date(2025, 6, 1), NOW, 4)


def messages_of(app: Flask, snapshot: ReportSnapshot) -> list[str]:
    with app.test_request_context(), force_locale(snapshot.language):
        return [str(m) for m in key_messages(snapshot)]


def test_messages_state_the_years_figures_in_plain_english(
    app: Flask, snapshot: ReportSnapshot
) -> None:
    messages = messages_of(app, snapshot)
    assert messages[0] == (
        "By the end of fiscal year 2024-25, 0 of the plan's 2 actions were completed (0%)."
    )
    assert "1 action now has a later target than planned: A1." in messages
    moved = next(m for m in messages if m.startswith("A1 moved"))
    assert moved.startswith("A1 moved 2 quarters, from 2024-25 Q4 to 2025-26 Q2.")
    assert "1 action reported as on track is behind its schedule: A1." in messages
    assert (
        "Of the 3 milestones due in the year: 1 met on time, 1 completed late, 1 not completed."
        in messages
    )
    assert "1 milestone was overdue at the end of the year, by up to 16 days." in messages
    assert (
        "3 updates of the year were not accepted when the report was generated and are not "
        "counted." in messages
    )
    rate = snapshot.compliance.rate
    assert any(f"({rate.on_time} of {rate.due})" in m for m in messages)


def test_every_count_in_the_messages_is_in_the_headline_table(
    app: Flask, snapshot: ReportSnapshot
) -> None:
    f = year_figures(snapshot)
    with app.test_request_context(), force_locale("en"):
        table = dict((str(k), v) for k, v in headline(snapshot, f))
    assert table["Actions in the plan"] == "2" and table["Completed by the end of the year"] == "0"
    assert table["Actions with a later target than planned"] == "1"
    assert table["Reported on track but behind schedule"] == "1"
    assert table["Milestones due in the year"] == "3"
    assert table["Milestones overdue at the end of the year"] == "1"
    assert table["Updates pending (not counted)"] == "3"


def test_the_reason_a_target_moved_comes_from_the_change_log_first(
    app: Flask, snapshot: ReportSnapshot
) -> None:
    change = PlanChangeRow(
        NOW, "planner@example.gc.ca", "target_moved", "A1", "", "current_target",
        "2024-Q4", "2025-Q2", "The vendor delivered the routers two quarters late.",
    )  # fmt: skip
    messages = messages_of(app, replace(snapshot, changes=(change,)))
    assert (
        "A1 moved 2 quarters, from 2024-25 Q4 to 2025-26 Q2. Reason recorded when it was "
        "re-planned: The vendor delivered the routers two quarters late." in messages
    )


def test_risks_quoted_from_an_update_in_the_other_language_are_marked(
    app: Flask, snapshot: ReportSnapshot
) -> None:
    area = snapshot.areas[0]
    a1, a2 = area.actions
    highlight = Highlight(FiscalQuarter(YEAR, 4), "D1", "", "Retard du fournisseur.", "fr")
    actions = (replace(a1, highlight=highlight), a2)
    changed = replace(snapshot, areas=(replace(area, actions=actions),))
    english = next(m for m in messages_of(app, changed) if m.startswith("A1 moved"))
    assert english.endswith("Risks reported in its year-end update: [FR] Retard du fournisseur.")
    in_french = messages_of(app, replace(changed, language="fr"))
    french = next(m for m in in_french if m.startswith("A1 a été"))
    assert french.endswith("fin d'exercice\u00a0: Retard du fournisseur."), french


def test_actions_completed_in_the_year_are_named(app: Flask, snapshot: ReportSnapshot) -> None:
    area = snapshot.areas[0]
    a1, a2 = area.actions
    done = replace(a2, status="completed", status_quarter=FiscalQuarter(YEAR, 3), percent=100)
    older = replace(a1, status="completed", status_quarter=FiscalQuarter(YEAR - 1, 4))
    changed = replace(snapshot, areas=(replace(area, actions=(older, done)),))
    messages = messages_of(app, changed)
    assert messages[0].endswith("2 of the plan's 2 actions were completed (100%).")
    assert "1 action was completed during the year: A2." in messages


def test_french_messages_use_french_typography(app: Flask, snapshot: ReportSnapshot) -> None:
    messages = messages_of(app, replace(snapshot, language="fr"))
    assert messages[0] == (
        "À la fin de l'exercice 2024-2025, 0 des 2 mesures du plan était terminée (0\u00a0%)."
    )
    assert "1 mesure a désormais une cible plus tardive que prévu\u00a0: A1." in messages
    assert any("de 16 jours au plus" in m for m in messages)


def test_a_plan_without_actions_says_so(app: Flask, snapshot: ReportSnapshot) -> None:
    assert messages_of(app, replace(snapshot, areas=())) == ["The plan has no actions yet."]
