"""The update slots' rollup (`obligation_figure`): per action, department and reporting period,
the state and submission time of the department's update, kept in step with the updates.

Compliance, attention and the late departments (`obligations.owed_updates`) read it instead of
the progress updates, whose rows carry the narratives: the question "did this department
submit, and when" is answered from one narrow row per slot. What is owed, and when a
submission is on time, stays decided at read time by `obligations` (assignments, active
quarters, due dates in the application's time zone), so a change of those needs no rewrite.

The rows are written in the transaction that moves them: the listener of `rollup_writes` notes
every progress update added, changed or deleted in a flush and, once the flush has written it,
replaces its row (`refresh_updates`). `rollups.rebuild` and `rollups.differences` rebuild and
check them with the action rollups (`flask figures rebuild` / `check`).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, delete, insert, select
from sqlalchemy.orm import Session

from tracker.models import ObligationFigure, ProgressUpdate

COLUMNS = ("action_id", "department_id", "period_id", "update_id", "state", "submitted_at")
Key = tuple[int, int, int]
SlotRows = Select[int, int, int, int, str, datetime | None]


def fresh_rows() -> SlotRows:
    """The rows as computed from the progress updates, columns in the order of COLUMNS (the
    caller narrows them)."""
    return select(
        ProgressUpdate.action_id,
        ProgressUpdate.department_id,
        ProgressUpdate.period_id,
        ProgressUpdate.id,
        ProgressUpdate.state,
        ProgressUpdate.submitted_at,
    )


def _write(session: Session, rows: SlotRows) -> None:
    columns = [getattr(ObligationFigure, c) for c in COLUMNS]
    session.execute(insert(ObligationFigure).from_select(columns, rows))


def refresh_updates(session: Session, update_ids: Collection[int]) -> None:
    """Replace the rows of the updates `update_ids` (a deleted one loses its row), in the
    session's transaction."""
    ids = sorted(set(update_ids))
    if not ids:
        return
    gone = delete(ObligationFigure).where(ObligationFigure.update_id.in_(ids))
    session.execute(gone.execution_options(synchronize_session=False))
    _write(session, fresh_rows().where(ProgressUpdate.id.in_(ids)))


def refresh_actions(session: Session, action_ids: Sequence[int]) -> None:
    """Replace every row of the actions `action_ids` with rows recomputed from their updates."""
    if not action_ids:
        return
    gone = delete(ObligationFigure).where(ObligationFigure.action_id.in_(action_ids))
    session.execute(gone.execution_options(synchronize_session=False))
    _write(session, fresh_rows().where(ProgressUpdate.action_id.in_(action_ids)))


def differences(session: Session, action_ids: Sequence[int]) -> list[str]:
    """Each difference between the stored rows of `action_ids` and their updates, as text."""
    columns = [getattr(ObligationFigure, c) for c in COLUMNS]
    stored_rows = session.execute(
        select(*columns).where(ObligationFigure.action_id.in_(action_ids))
    )
    stored = {(r[0], r[1], r[2]): tuple(r) for r in stored_rows}
    fresh_found = session.execute(fresh_rows().where(ProgressUpdate.action_id.in_(action_ids)))
    fresh = {(r[0], r[1], r[2]): tuple(r) for r in fresh_found}
    found: list[str] = []
    for key in sorted(stored.keys() | fresh.keys()):
        found.extend(_describe(key, stored.get(key), fresh.get(key)))
    return found


def _describe(key: Key, stored: tuple[Any, ...] | None, fresh: tuple[Any, ...] | None) -> list[str]:
    where = f"slot of action {key[0]}, department {key[1]}, period {key[2]}"
    return describe(where, COLUMNS, stored, fresh, "no update")


def describe(
    where: str,
    columns: Sequence[str],
    stored: tuple[Any, ...] | None,
    fresh: tuple[Any, ...] | None,
    absent: str,
) -> list[str]:
    """How a stored rollup row differs from the fresh one (update id in the fourth column), as
    text; `absent` names what history lacks when only the stored row exists."""
    if stored is None:
        return [f"{where}: missing (expected update {fresh[3] if fresh else None})"]
    if fresh is None:
        return [f"{where}: stored (update {stored[3]}) but {absent}"]
    return [
        f"{where}: {name} is {old!r}, expected {new!r}"
        for name, old, new in zip(columns, stored, fresh, strict=True)
        if old != new
    ]
