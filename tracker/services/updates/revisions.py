"""Revisions: append-only full snapshots of updates, who may read them, two of them compared.

An action's history of updates and revisions, as its pages show it: `updates/history.py`. The
snapshots are data; the pages label them (`tracker.updates.presenters`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import joinedload

from tracker.extensions import db
from tracker.models import (
    Action,
    ProgressUpdate,
    Revision,
    Role,
    StrategicArea,
    User,
    WorkflowState,
)
from tracker.services.errors import NotFound
from tracker.services.updates.rules import UpdateInput


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
        "narrative_language": update.narrative_language,
        "review_comment_language": update.review_comment_language,
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
    return Comparison(update, old, new)
