"""The pages' view of update snapshots: labelled values, two versions side by side, import rows.

The services hand over snapshots as data; these tests pin how the pages word them.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from tracker.models import Action, Milestone
from tracker.services.spreadsheets.outcome import ImportedRow, RuleWarning
from tracker.updates import presenters

MILESTONE = Milestone(id=7, code="M1", title_en="Pilot", title_fr="Projet pilote")
OLD: dict[str, Any] = {
    "status": "on_track",
    "percent_complete": 40,
    "forecast_completion": "2026-Q2",
    "accomplishments": "First words",
    "state": "accepted",
    "milestones": [{"milestone_id": 7, "forecast_on": "2026-03-31", "completed_on": None}],
}
NEW = {**OLD, "status": "at_risk", "percent_complete": 55, "risks": "Late supplier"}


@pytest.fixture
def english(app: Flask) -> Any:
    with app.test_request_context(headers={"Accept-Language": "en"}) as ctx:
        yield ctx


def _by_label(rows: list[Any]) -> dict[str, Any]:
    return {row.label: row for row in rows}


@pytest.mark.usefixtures("english")
def test_describe_words_each_field_and_milestone_date() -> None:
    rows = _by_label(presenters.describe(OLD, [MILESTONE]))
    assert rows["Status"].value == "On track"
    assert rows["Percent complete"].value == "40%"
    assert rows["Forecast completion quarter"].value not in ("", "2026-Q2")  # as people write it
    assert rows["Workflow state"].value == "Accepted"
    assert rows["M1 Pilot: forecast"].value == "Mar 31, 2026"
    assert rows["M1 Pilot: completed"].value == ""
    assert rows["Risks and issues"].value == ""  # absent from the snapshot: blank, not "None"


@pytest.mark.usefixtures("english")
def test_describe_leaves_the_workflow_out_when_asked() -> None:
    labels = [r.label for r in presenters.describe(OLD, [], workflow=False)]
    assert "Workflow state" not in labels and "Review comment" not in labels


@pytest.mark.usefixtures("english")
def test_compare_marks_the_changed_fields() -> None:
    rows = _by_label(presenters.compare(OLD, NEW, [MILESTONE]))
    changed = {label for label, row in rows.items() if row.changed}
    assert changed == {"Status", "Percent complete", "Risks and issues"}
    assert (rows["Status"].old, rows["Status"].new) == ("On track", "At risk")


@pytest.mark.usefixtures("english")
def test_compare_with_nothing_before_shows_every_value_as_new() -> None:
    rows = presenters.compare(None, NEW, [MILESTONE], workflow=False)
    assert all(r.old == "" for r in rows)
    assert {r.label for r in rows if r.changed} >= {"Status", "Accomplishments"}


def test_french_labels(app: Flask) -> None:
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        rows = presenters.describe(OLD, [MILESTONE])
    assert "M1 Projet pilote" in rows[-1].label
    assert rows[0].label != "Status"


@pytest.mark.usefixtures("english")
def test_an_import_row_lists_its_changes_and_labels_its_warnings() -> None:
    row = ImportedRow(
        action=Action(id=1, code="ACR-1", milestones=[MILESTONE]),
        code="ACR-1",
        row=3,
        outcome="updated",
        old=OLD,
        new=NEW,
        warnings=[
            RuleWarning("risks", "Describe the risks."),
            RuleWarning("milestones.7.completed_on", "Enter the completion date."),
            RuleWarning("odd", "?"),
        ],
        differs=False,
    )
    shown = presenters.import_row(row)
    assert [c.label for c in shown.changes] == ["Status", "Percent complete", "Risks and issues"]
    assert shown.unchanged == 6  # 4 fields and the milestone's 2 dates
    fields = [w.field for w in shown.warnings]
    assert fields == ["Risks and issues", "M1 Pilot: Completion date", "odd"]


@pytest.mark.usefixtures("english")
def test_a_row_not_imported_has_no_changes() -> None:
    row = ImportedRow(None, "ACR-2", 4, "skipped_accepted", OLD, None, [], True)
    shown = presenters.import_row(row)
    assert (shown.changes, shown.unchanged, shown.differs) == ([], 0, True)
