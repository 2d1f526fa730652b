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

Their tally (`obligation_tally`: per plan, department and period, how many slots hold a counted
update) moves with them: `refresh_updates` adds to each cell the difference its rewrite made
(an upsert adding to the stored count, so two transactions writing in one cell at once add up
instead of one overwriting the other), and `recount_tallies` recounts whole plans after the
updates were written behind the listener's back (`rollups.refresh_bypassed`); `rollups.check`
compares it with a count of the updates. The compliance
matrix reads one tally row per cell instead of a hundred slots (`owed_counts`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, delete, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from tracker.models import Action, ObligationFigure, ObligationTally, ProgressUpdate
from tracker.vocab import WorkflowState

COLUMNS = ("action_id", "department_id", "period_id", "update_id", "state", "submitted_at")
Key = tuple[int, int, int]
Cell = tuple[int, int, int]  # plan, department, period
COUNTED_STATES = (WorkflowState.SUBMITTED.value, WorkflowState.ACCEPTED.value)
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


def refresh_updates(
    session: Session, update_ids: Collection[int], before: Counter[Cell] | None = None
) -> None:
    """Replace the rows of the updates `update_ids` (a deleted one loses its row), in the
    session's transaction, and add the change to the tally; `before`: the updates' counted
    cells before the flush that wrote them (`counted_cells`, taken before a deleted update's
    row went with it), by default those stored now."""
    ids = sorted(set(update_ids))
    if not ids:
        return
    if before is None:
        before = counted_cells(session, ids)
    gone = delete(ObligationFigure).where(ObligationFigure.update_id.in_(ids))
    session.execute(gone.execution_options(synchronize_session=False))
    _write(session, fresh_rows().where(ProgressUpdate.id.in_(ids)))
    change = counted_cells(session, ids)
    change.subtract(before)
    _add_to_tally(session, change)


def counted_cells(session: Session, update_ids: Collection[int]) -> Counter[Cell]:
    """The stored slots of the updates `update_ids` that hold a counted update, by plan,
    department and period."""
    if not update_ids:
        return Counter()
    slot = ObligationFigure
    rows = session.execute(
        select(Action.plan_id, slot.department_id, slot.period_id, func.count())
        .join(Action, Action.id == slot.action_id)
        .where(slot.update_id.in_(sorted(update_ids)), slot.state.in_(COUNTED_STATES))
        .group_by(Action.plan_id, slot.department_id, slot.period_id)
    )
    return Counter({(plan, department, period): n for plan, department, period, n in rows})


def _add_to_tally(session: Session, change: Counter[Cell]) -> None:
    """Add `change` to the stored tally, cell by cell, in one upsert (in key order, so that two
    writers lock shared cells in the same order)."""
    rows = [
        {"plan_id": p, "department_id": d, "period_id": q, "counted": n}
        for (p, d, q), n in sorted(change.items())
        if n
    ]
    if not rows:
        return
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(ObligationTally).values(rows)
    session.execute(
        stmt.on_conflict_do_update(
            index_elements=["plan_id", "department_id", "period_id"],
            set_={"counted": ObligationTally.counted + stmt.excluded.counted},
        )
    )


def _fresh_tally(plan_ids: Collection[int]) -> Select[int, int, int, int]:
    """The tally of the plans `plan_ids` counted from their progress updates (one per slot),
    columns in the order of the table's."""
    update = ProgressUpdate
    return (
        select(Action.plan_id, update.department_id, update.period_id, func.count())
        .join(Action, Action.id == update.action_id)
        .where(Action.plan_id.in_(plan_ids), update.state.in_(COUNTED_STATES))
        .group_by(Action.plan_id, update.department_id, update.period_id)
    )


def recount_tallies(session: Session, plan_ids: Collection[int]) -> None:
    """Replace the tally of the plans `plan_ids` with one counted from their updates."""
    ids = sorted(set(plan_ids))
    if not ids:
        return
    gone = delete(ObligationTally).where(ObligationTally.plan_id.in_(ids))
    session.execute(gone.execution_options(synchronize_session=False))
    columns = [
        ObligationTally.plan_id,
        ObligationTally.department_id,
        ObligationTally.period_id,
        ObligationTally.counted,
    ]
    session.execute(insert(ObligationTally).from_select(columns, _fresh_tally(ids)))


def tally_differences(session: Session, plan_ids: Collection[int]) -> list[str]:
    """Each difference between the stored tally of `plan_ids` and a count of their updates, as
    text (a stored zero is no row)."""
    stored_rows = session.execute(
        select(
            ObligationTally.plan_id,
            ObligationTally.department_id,
            ObligationTally.period_id,
            ObligationTally.counted,
        ).where(ObligationTally.plan_id.in_(plan_ids), ObligationTally.counted != 0)
    )
    stored = {(p, d, q): n for p, d, q, n in stored_rows}
    fresh = {(p, d, q): n for p, d, q, n in session.execute(_fresh_tally(plan_ids))}
    return [
        f"tally of plan {key[0]}, department {key[1]}, period {key[2]}: "
        f"counted is {stored.get(key, 0)}, expected {fresh.get(key, 0)}"
        for key in sorted(stored.keys() | fresh.keys())
        if stored.get(key, 0) != fresh.get(key, 0)
    ]


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
