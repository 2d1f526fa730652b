"""What a spreadsheet import did, read back from its `updates.imported` audit event.

The event stores values, not sentences, and so does what this returns: each row's snapshots
before and after, and its warnings by field key. The result page labels them in the reader's
language (`tracker.updates.presenters`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker.extensions import db
from tracker.models import Action, AuditEvent, Department, User
from tracker.services.errors import NotFound
from tracker.services.spreadsheets.importing import EVENT
from tracker.services.updates.queries import department_of


@dataclass(frozen=True)
class RuleWarning:
    """A submission rule the imported draft does not meet yet: the field's key and the message."""

    field: str
    message: str


@dataclass(frozen=True)
class ImportedRow:
    """One row of the file: the action, what happened to its update, its values before and after."""

    action: Action | None
    code: str
    row: int
    outcome: str
    old: dict[str, Any] | None  # the update's snapshot before the import (None: there was none)
    new: dict[str, Any] | None  # after it (None: the row was not imported)
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
    actions: list[ImportedRow]

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


def _action_report(entry: dict[str, Any], action: Action | None) -> ImportedRow:
    old, new = entry.get("old"), entry.get("new")
    raw_warnings = entry.get("warnings") or []
    assert isinstance(raw_warnings, list)
    return ImportedRow(
        action=action,
        code=str(entry.get("code", "")),
        row=int(str(entry.get("row", 0))),
        outcome=str(entry.get("outcome", "")),
        old=old if isinstance(old, dict) else None,
        new=new if isinstance(new, dict) else None,
        warnings=[RuleWarning(str(w["field"]), str(w["message"])) for w in raw_warnings],
        differs=bool(entry.get("differs")),
    )
