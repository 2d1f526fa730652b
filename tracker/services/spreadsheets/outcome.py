"""What a spreadsheet import did, read back from its `updates.imported` audit event.

The event stores values, not sentences, so the page speaks the reader's language: field labels,
statuses and quarters are rendered when the page is shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker.extensions import db
from tracker.i18n import current_language
from tracker.models import Action, AuditEvent, Department, Milestone, User
from tracker.services.errors import NotFound
from tracker.services.spreadsheets.columns import UPDATE_COLUMNS
from tracker.services.spreadsheets.importing import EVENT
from tracker.services.updates.queries import department_of
from tracker.services.updates.revisions import DiffRow, compare

DATE_LABELS = {"forecast_on": _l("Forecast date"), "completed_on": _l("Completion date")}


@dataclass(frozen=True)
class RuleWarning:
    """A submission rule the imported draft does not meet yet."""

    field: str
    message: str


@dataclass(frozen=True)
class ActionReport:
    """One row of the file: the action, what happened to its update, and what changed."""

    action: Action | None
    code: str
    row: int
    outcome: str
    changes: list[DiffRow]
    unchanged: int
    warnings: list[RuleWarning]
    differs: bool


@dataclass(frozen=True)
class ImportReport:
    """The import: when, by whom, from which file, and one entry per row."""

    quarter: str
    occurred_at: datetime
    actor: str
    filename: str
    counts: dict[str, int]
    actions: list[ActionReport]

    def count(self, outcome: str) -> int:
        """How many rows had `outcome` ('skipped' counts both kinds of skipped rows)."""
        return sum(n for key, n in self.counts.items() if key.startswith(outcome))


def import_report(user: User, quarter: str, event_id: int) -> ImportReport:
    """The report of one of the user's department's imports into `quarter` (404 otherwise)."""
    event = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.id == event_id,
            AuditEvent.action == EVENT,
            AuditEvent.object_type == Department.__name__,
            AuditEvent.object_id == str(department_of(user)),
        )
    )
    if event is None or event.detail.get("period") != quarter:
        raise NotFound()
    entries = list(event.detail.get("actions", []))
    ids = [int(e["action_id"]) for e in entries]
    actions = {
        a.id: a
        for a in db.session.scalars(
            select(Action).where(Action.id.in_(ids)).options(selectinload(Action.milestones))
        )
    }
    return ImportReport(
        quarter=quarter,
        occurred_at=event.occurred_at,
        actor=event.actor_label,
        filename=str(event.detail.get("file", "")),
        counts={str(k): int(v) for k, v in event.detail.get("counts", {}).items()},
        actions=[_action_report(e, actions.get(int(e["action_id"]))) for e in entries],
    )


def _action_report(entry: dict[str, object], action: Action | None) -> ActionReport:
    milestones = action.milestones if action is not None else []
    old, new = entry.get("old"), entry.get("new")
    before = old if isinstance(old, dict) else None
    rows = compare(before, new, milestones, workflow=False) if isinstance(new, dict) else []
    raw_warnings = entry.get("warnings") or []
    assert isinstance(raw_warnings, list)
    return ActionReport(
        action=action,
        code=str(entry.get("code", "")),
        row=int(str(entry.get("row", 0))),
        outcome=str(entry.get("outcome", "")),
        changes=[r for r in rows if r.changed],
        unchanged=sum(not r.changed for r in rows),
        warnings=[
            RuleWarning(field_label(str(w["field"]), milestones), str(w["message"]))
            for w in raw_warnings
        ],
        differs=bool(entry.get("differs")),
    )


def field_label(key: str, milestones: list[Milestone]) -> str:
    """The label of an update field or of a milestone date ('milestones.<id>.<date>')."""
    for column in UPDATE_COLUMNS:
        if column.key == key:
            return str(column.label)
    parts = key.split(".")
    if len(parts) == 3 and parts[2] in DATE_LABELS:
        found = next((m for m in milestones if str(m.id) == parts[1]), None)
        name = f"{found.code} {found.text('title', current_language())}" if found else parts[1]
        return f"{name}: {DATE_LABELS[parts[2]]}"
    return key
