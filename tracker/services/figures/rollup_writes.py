"""Keeping the rollups (`rollups`) in step with the writes, in the writing transaction.

At each flush `_note` records what moves rollups: a progress update whose counted state may
change (anything but a draft staying a draft), an action whose lead department changes, a new
reporting period. Once the flush has written them, `_recompute` recomputes those actions' rows
from the earliest quarter touched (`rollups.refresh`, the counted-update builder, under a
per-action lock on PostgreSQL), so the rest of the transaction and its commit agree with it.
Every progress update added, changed or deleted (drafts too: attention names a missing
update's draft) also gets its update slot's row replaced (`slot_rollups.refresh_updates`), and
the slots' tally the difference: `_note` reads the counted cells of the stored ones before the
flush, since a deleted update's slot goes with it (ON DELETE CASCADE).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session, SessionTransaction

from tracker.db import listen_once
from tracker.fiscal import FiscalQuarter
from tracker.models import Action, ProgressUpdate, ReportingPeriod
from tracker.services.figures import counted, slot_rollups
from tracker.services.figures.rollups import chunks, refresh

_PENDING = "rollups_pending"
_SLOTS = "rollups_slots"
_SLOTS_BEFORE = "rollups_slots_before"
_COUNTED = frozenset(s.value for s in counted.COUNTED)


def register_listeners() -> None:
    """Recompute the rollups a transaction moves, before it commits (once per process)."""
    listen_once(Session, "before_flush", _note)
    listen_once(Session, "after_flush_postexec", _recompute)
    listen_once(Session, "after_transaction_end", _forget)


def _counts(update: ProgressUpdate) -> bool:
    """Whether a change to `update` may change a counted update: it is, was or becomes
    counted (a draft staying a draft, or a returned update, never counts)."""
    history = inspect(update).attrs.state.history
    states = {*history.added, *history.unchanged, *history.deleted, update.state}
    return bool(states & _COUNTED)


def _lead_changed(action: Action) -> bool:
    return inspect(action).attrs.lead_department_id.history.has_changes()


def _note(session: Session, _context: Any, _instances: Any) -> None:
    """Note what this flush changes that moves rollups (resolved to ids before the commit)."""
    pending: list[object] | None = None
    stored: list[int] = []
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, ProgressUpdate):
            session.info.setdefault(_SLOTS, []).append(obj)
            if obj not in session.new and obj.id is not None:
                stored.append(obj.id)
        moves = (
            (isinstance(obj, ProgressUpdate) and _counts(obj))
            or (isinstance(obj, Action) and obj not in session.new and _lead_changed(obj))
            or (isinstance(obj, ReportingPeriod) and obj in session.new)
        )
        if moves:
            if pending is None:
                pending = session.info.setdefault(_PENDING, [])
            pending.append(obj)
    if stored:  # their slots' counted cells, before a deleted update's slot goes with it
        before = session.info.setdefault(_SLOTS_BEFORE, Counter())
        before.update(slot_rollups.counted_cells(session, stored))


def _recompute(session: Session, _context: Any) -> None:
    """After each flush, recompute the noted actions' rollups from the earliest quarter each
    was touched at, and the noted updates' slots: what the transaction reads next, the pages'
    figures included, agrees with what it wrote."""
    slots = session.info.pop(_SLOTS, [])
    before = session.info.pop(_SLOTS_BEFORE, Counter())
    if slots:
        # None: added, then rolled back to a savepoint before it was written.
        written = {u.id for u in slots if u.id is not None}
        slot_rollups.refresh_updates(session, written, before)
    if not session.info.get(_PENDING):
        return
    noted = session.info.pop(_PENDING, [])
    since: dict[int, FiscalQuarter | None] = {}
    periods: dict[int, FiscalQuarter] = {}
    period_ids = {o.period_id for o in noted if isinstance(o, ProgressUpdate)}
    if period_ids:
        rows = session.execute(
            select(ReportingPeriod.id, ReportingPeriod.quarter).where(
                ReportingPeriod.id.in_(period_ids)
            )
        )
        periods = {period_id: quarter for period_id, quarter in rows}
    for obj in noted:
        if isinstance(obj, ProgressUpdate):
            if obj.action_id is not None:  # None: added, then rolled back to a savepoint
                _earliest(since, obj.action_id, periods.get(obj.period_id))
        elif isinstance(obj, Action):
            _earliest(since, obj.id, None)
        elif isinstance(obj, ReportingPeriod):
            counted_ids = session.scalars(
                select(ProgressUpdate.action_id)
                .where(ProgressUpdate.state.in_(_COUNTED))
                .distinct()
            )
            for action_id in counted_ids:
                _earliest(since, action_id, obj.quarter)
    existing = set(session.scalars(select(Action.id).where(Action.id.in_(list(since)))))
    by_since: dict[FiscalQuarter | None, list[int]] = {}
    for action_id, quarter in since.items():
        if action_id in existing:
            by_since.setdefault(quarter, []).append(action_id)
    for quarter, ids in by_since.items():
        for chunk in chunks(sorted(ids)):
            refresh(session, chunk, quarter)


def _earliest(
    since: dict[int, FiscalQuarter | None], action_id: int, quarter: FiscalQuarter | None
) -> None:
    """Record that `action_id`'s rows move from `quarter` on (None: all of them)."""
    if action_id not in since:
        since[action_id] = quarter
        return
    known = since[action_id]
    if known is not None and (quarter is None or quarter < known):
        since[action_id] = quarter


def _forget(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(_PENDING, None)
        session.info.pop(_SLOTS, None)
        session.info.pop(_SLOTS_BEFORE, None)
