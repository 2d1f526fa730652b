"""Revisions: append-only full snapshots of updates, who may read them, side-by-side comparison.

An action's history of updates and revisions, as its pages show it: `updates/history.py`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import joinedload

from tracker.extensions import db
from tracker.fiscal import FiscalQuarter
from tracker.i18n import current_language, quarter_label
from tracker.models import (
    Action,
    Milestone,
    ProgressUpdate,
    Revision,
    Role,
    StrategicArea,
    User,
    WorkflowState,
)
from tracker.services.errors import NotFound
from tracker.services.updates.rules import UpdateInput
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


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def snapshot_of(update: ProgressUpdate) -> dict[str, Any]:
    """Everything about `update` as plain JSON values, milestone dates included."""
    forecasts = sorted(update.milestone_forecasts, key=lambda f: f.milestone_id)
    return {
        "action_id": update.action_id,
        "department_id": update.department_id,
        "period": str(update.period.quarter),
        "version": update.version,
        "state": update.state,
        "status": update.status,
        "percent_complete": update.percent_complete,
        "forecast_completion": str(update.forecast_completion or "") or None,
        "accomplishments": update.accomplishments,
        "risks": update.risks,
        "next_steps": update.next_steps,
        "decrease_reason": update.decrease_reason,
        "review_comment": update.review_comment,
        "milestones": [
            {
                "milestone_id": f.milestone_id,
                "forecast_on": _iso(f.forecast_on),
                "completed_on": _iso(f.completed_on),
            }
            for f in forecasts
        ],
        "submitted_by_id": update.submitted_by_id,
        "submitted_at": update.submitted_at.isoformat() if update.submitted_at else None,
        "reviewed_by_id": update.reviewed_by_id,
        "reviewed_at": update.reviewed_at.isoformat() if update.reviewed_at else None,
    }


def snapshot_with_input(base: dict[str, Any], data: UpdateInput) -> dict[str, Any]:
    """`base` with the values a user typed laid over it (their unsaved version)."""
    return {
        **base,
        "status": data.status.value,
        "percent_complete": data.percent_complete,
        "forecast_completion": str(data.forecast_completion or "") or None,
        "accomplishments": data.accomplishments,
        "risks": data.risks,
        "next_steps": data.next_steps,
        "decrease_reason": data.decrease_reason,
        "milestones": [
            {
                "milestone_id": m.milestone_id,
                "forecast_on": _iso(m.forecast_on),
                "completed_on": _iso(m.completed_on),
            }
            for m in sorted(data.milestones, key=lambda m: m.milestone_id)
        ],
    }


def record_revision(update: ProgressUpdate, event: str, author: User) -> Revision:
    """Add the next numbered revision of the flushed `update` to the caller's transaction."""
    last = db.session.scalar(
        select(func.coalesce(func.max(Revision.number), 0)).where(Revision.update_id == update.id)
    )
    revision = Revision(
        update_id=update.id,
        number=int(last or 0) + 1,
        state=update.state,
        event=event,
        snapshot=snapshot_of(update),
        author_id=author.id,
    )
    db.session.add(revision)
    return revision


def latest_revision(update_id: int) -> Revision | None:
    """The newest revision of an update, with its author."""
    return db.session.scalar(
        select(Revision)
        .where(Revision.update_id == update_id)
        .options(joinedload(Revision.author))
        .order_by(Revision.number.desc())
        .limit(1)
    )


@dataclass(frozen=True)
class ValueRow:
    """One labelled value of a snapshot, as displayed."""

    key: str
    label: str
    value: str
    multiline: bool


@dataclass(frozen=True)
class DiffRow:
    """One field shown side by side in two versions."""

    label: str
    old: str
    new: str
    multiline: bool

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
        return f"{value}%"
    if key == "forecast_completion":
        return quarter_label(FiscalQuarter.parse(value))
    return str(value)


def describe(
    snapshot: dict[str, Any] | None, milestones: Sequence[Milestone], workflow: bool = True
) -> list[ValueRow]:
    """The displayed rows of a snapshot (blank rows when there is none)."""
    snap = snapshot or {}
    fields = FIELDS + WORKFLOW_FIELDS if workflow else FIELDS
    rows = [ValueRow(k, str(label), _display(k, snap.get(k)), multi) for k, label, multi in fields]
    dates = {m["milestone_id"]: m for m in snap.get("milestones", [])}
    for milestone in milestones:
        entry = dates.get(milestone.id, {})
        name = f"{milestone.code} {milestone.text('title', current_language())}"
        for key, label in (("forecast_on", _l("forecast")), ("completed_on", _l("completed"))):
            value = entry.get(key) or ""
            rows.append(ValueRow(f"{milestone.id}.{key}", f"{name}: {label}", value, False))
    return rows


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
        DiffRow(a.label, a.value, b.value, a.multiline) for a, b in zip(before, after, strict=True)
    ]


def visible_to(viewer: User) -> ColumnElement[bool]:
    """The updates `viewer` may read.

    A department user sees only their department's. Everyone else sees an update once it has
    been submitted at least once: a draft that was never sent is still the department's own
    work (the API follows the same rule).
    """
    if viewer.role == Role.DEPARTMENT.value:
        return ProgressUpdate.department_id == viewer.department_id
    return or_(
        ProgressUpdate.state != WorkflowState.DRAFT.value, ProgressUpdate.submitted_at.is_not(None)
    )


@dataclass(frozen=True)
class Comparison:
    """Two revisions of one update, side by side."""

    update: ProgressUpdate
    old: Revision
    new: Revision
    rows: list[DiffRow]


def compare_revisions(update_id: int, first: int, second: int, viewer: User) -> Comparison:
    """Revisions `first` and `second` of an update the viewer may read (404 otherwise)."""
    update = db.session.scalar(
        select(ProgressUpdate)
        .where(ProgressUpdate.id == update_id, visible_to(viewer))
        .options(
            joinedload(ProgressUpdate.period),
            joinedload(ProgressUpdate.department),
            joinedload(ProgressUpdate.action).selectinload(Action.milestones),
            joinedload(ProgressUpdate.action)
            .joinedload(Action.area)
            .joinedload(StrategicArea.plan),
        )
    )
    if update is None:
        raise NotFound()
    found = {
        r.number: r
        for r in db.session.scalars(
            select(Revision)
            .where(Revision.update_id == update_id, Revision.number.in_([first, second]))
            .options(joinedload(Revision.author))
        )
    }
    if first not in found or second not in found:
        raise NotFound()
    old, new = sorted((found[first], found[second]), key=lambda r: r.number)
    rows = compare(old.snapshot, new.snapshot, update.action.milestones)
    return Comparison(update, old, new, rows)
