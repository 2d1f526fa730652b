"""Update snapshots as the pages show them: the labelled values of one version, or two side by side.

The services hand over snapshots (plain JSON values, as `revisions.snapshot_of` writes them);
field labels, statuses, quarters and milestone names are put in the reader's language here. Used
by the update form, the conflict and compare pages, the review page and the import result.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l

from tracker.fiscal import FiscalQuarter
from tracker.i18n import colon, current_language, date_text, percent_text, quarter_label
from tracker.models import Action, Milestone
from tracker.services.spreadsheets.columns import UPDATE_COLUMNS
from tracker.services.spreadsheets.outcome import ImportedRow, RuleWarning
from tracker.vocab import state_label, status_label

# (snapshot key, label, shown on several lines)
FIELDS: tuple[tuple[str, Any, bool], ...] = (
    ("status", _l("Status"), False),
    ("percent_complete", _l("Percent complete"), False),
    ("forecast_completion", _l("Forecast completion quarter"), False),
    ("accomplishments", _l("Accomplishments"), True),
    ("risks", _l("Risks and issues"), True),
    ("next_steps", _l("Next steps"), True),
    ("decrease_reason", _l("Why the percent complete went down"), True),
)
WORKFLOW_FIELDS: tuple[tuple[str, Any, bool], ...] = (
    ("state", _l("Workflow state"), False),
    ("review_comment", _l("Review comment"), True),
)
# Texts people write, and the snapshot key of the language they were written in.
WRITTEN_IN = {
    **dict.fromkeys(("accomplishments", "risks", "next_steps", "decrease_reason"), "narrative"),
    "review_comment": "review_comment",
}
SNAPSHOT_DATES = (("forecast_on", _l("forecast")), ("completed_on", _l("completed")))
IMPORT_DATES = {"forecast_on": _l("Forecast date"), "completed_on": _l("Completion date")}


@dataclass(frozen=True)
class ValueRow:
    """One labelled value of a snapshot, as displayed."""

    key: str
    label: str
    value: str
    multiline: bool
    language: str = ""  # the language a written text is in ("": not a text, or not recorded)


@dataclass(frozen=True)
class DiffRow:
    """One field shown side by side in two versions."""

    label: str
    old: str
    new: str
    multiline: bool
    old_language: str = ""
    new_language: str = ""

    @property
    def changed(self) -> bool:
        """True when the two versions differ."""
        return self.old != self.new


def _display(key: str, value: Any) -> str:
    if value is None or value == "":
        return ""
    if key == "status":
        return status_label(value)
    if key == "state":
        return state_label(value)
    if key == "percent_complete":
        return percent_text(value)
    if key == "forecast_completion":
        return quarter_label(FiscalQuarter.parse(value))
    return str(value)


def milestone_name(milestone: Milestone) -> str:
    """A milestone's code and title in the reader's language."""
    return f"{milestone.code} {milestone.text('title', current_language())}"


def describe(
    snapshot: dict[str, Any] | None, milestones: Sequence[Milestone], workflow: bool = True
) -> list[ValueRow]:
    """The displayed rows of a snapshot (blank rows when there is none)."""
    snap = snapshot or {}
    fields = FIELDS + WORKFLOW_FIELDS if workflow else FIELDS
    rows = [
        ValueRow(k, str(label), _display(k, snap.get(k)), multi, _written_in(snap, k))
        for k, label, multi in fields
    ]
    dates = {m["milestone_id"]: m for m in snap.get("milestones", [])}
    for milestone in milestones:
        entry = dates.get(milestone.id, {})
        for key, label in SNAPSHOT_DATES:
            value = entry.get(key)
            shown = date_text(date.fromisoformat(value), "medium") if value else ""
            name = f"{milestone_name(milestone)}{colon()} {label}"
            rows.append(ValueRow(f"{milestone.id}.{key}", name, shown, False))
    return rows


def _written_in(snapshot: dict[str, Any], key: str) -> str:
    """The language the text under `key` was written in, if the snapshot recorded it."""
    field = WRITTEN_IN.get(key)
    return str(snapshot.get(f"{field}_language") or "") if field else ""


def compare(
    old: dict[str, Any] | None,
    new: dict[str, Any] | None,
    milestones: Sequence[Milestone],
    workflow: bool = True,
) -> list[DiffRow]:
    """Two snapshots field by field (old may be None: nothing before)."""
    before = describe(old, milestones, workflow)
    after = describe(new, milestones, workflow)
    return [
        DiffRow(a.label, a.value, b.value, a.multiline, a.language, b.language)
        for a, b in zip(before, after, strict=True)
    ]


@dataclass(frozen=True)
class ImportRow:
    """One row of an imported file as its result page shows it: what changed, what to fix."""

    action: Action | None
    code: str
    row: int
    outcome: str
    changes: list[DiffRow]
    unchanged: int
    warnings: list[RuleWarning]  # under their field's label
    differs: bool


def import_row(row: ImportedRow) -> ImportRow:
    """An imported row with its changed fields labelled, and its warnings under their labels."""
    milestones = row.action.milestones if row.action is not None else []
    fields = compare(row.old, row.new, milestones, workflow=False) if row.new is not None else []
    return ImportRow(
        action=row.action,
        code=row.code,
        row=row.row,
        outcome=row.outcome,
        changes=[f for f in fields if f.changed],
        unchanged=sum(not f.changed for f in fields),
        warnings=[replace(w, field=field_label(w.field, milestones)) for w in row.warnings],
        differs=row.differs,
    )


def field_label(key: str, milestones: Sequence[Milestone]) -> str:
    """The label of an update field or of a milestone date ('milestones.<id>.<date>')."""
    for column in UPDATE_COLUMNS:
        if column.key == key:
            return str(column.label)
    parts = key.split(".")
    if len(parts) == 3 and parts[2] in IMPORT_DATES:
        found = next((m for m in milestones if str(m.id) == parts[1]), None)
        name = milestone_name(found) if found else parts[1]
        return f"{name}{colon()} {IMPORT_DATES[parts[2]]}"
    return key
