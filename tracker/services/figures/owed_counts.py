"""Owed, submitted and on-time updates per department and period, without listing every slot.

What is owed is decided by rules over small inputs (`obligations`): the assignments (an action's
lead and participants, a late participant's `since`), each action's active quarters and the
periods. Each assignment owes one update per period of one run of quarters (its *window*), so
the owed counts per (department, period) come from interval arithmetic over the assignments in
Python, in a few milliseconds, instead of joining every owed slot (400,000 at full scale) to
its update in SQL.

The submitted counts come from the slots' tally (`obligation_tally`, kept by `slot_rollups`):
per plan, department and period, how many slots hold a counted update, owed or not. The counted
slots that are not owed are read one by one and taken away, exactly: those of a department
not assigned to the action (a removed participant, a former lead), of a period outside the
action's active quarters (before its start, after it finished or was retired) and of a late
participant before its `since`. One statement finds them, with a condition per action (or late
participant) that an index answers (no scan), and with them the counted slots submitted after
their period's deadline (the index on period and submission time), which count against on-time
only where owed. The deadline is applied when reading, as in `obligations`: a due date moved,
or another time zone, needs no rewrite.

`missing_slots` lists the owed slots of past-due periods that are not submitted: only in the
cells whose submitted count falls short of their owed count (a condition per such cell on the
primary key), not a scan of all of them. The figures are those of `obligations.owed_updates`
(tests/services/figures/test_owed_counts.py compares both, rule by rule).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from sqlalchemy import ColumnElement, and_, or_, select

from tracker.cache import request_memo
from tracker.extensions import db
from tracker.fiscal import FiscalQuarter
from tracker.models import ObligationFigure, ObligationTally
from tracker.services.figures.obligations import PeriodRef, PlanScope, assignments
from tracker.services.figures.slot_rollups import COUNTED_STATES

Cell = tuple[int, int]  # department id, period id
Slot = tuple[int, int, int]  # action id, department id, period id
# Bound values per statement of the lookups of slots (well under SQLite's limit, 32,766, and
# PostgreSQL's, 65,535).
VALUES = 10_000
Term = tuple[ColumnElement[bool], int]  # a condition and how many values it binds


@dataclass(frozen=True)
class CellCounts:
    """One department's owed updates for one period: how many, how many submitted (or
    accepted) now, and how many of those by the deadline."""

    owed: int
    submitted: int
    on_time: int


@dataclass(frozen=True)
class Windows:
    """Per assigned (action, department), the run of quarters it owes updates for, as quarter
    ordinals (first, last), inclusive; per scheduled action, the run it is active in."""

    scope: PlanScope
    action_ids: tuple[int, ...]  # every action of the plan, scheduled or not
    active: dict[int, tuple[int, int]]
    by_pair: dict[tuple[int, int], tuple[int, int]]

    def owes(self, action_id: int, department_id: int, quarter: FiscalQuarter) -> bool:
        """Whether the department owes an update on the action for `quarter`."""
        window = self.by_pair.get((action_id, department_id))
        return window is not None and window[0] <= quarter.ordinal <= window[1]


def windows(scope: PlanScope, department_id: int | None = None) -> Windows:
    """The owing windows of the plan's assignments (of one department): one query, once per
    request for a given scope (the compliance page's matrix and overdue list share them)."""
    memo = request_memo("owed-windows")
    if id(scope) not in memo:
        memo[id(scope)] = (scope, _windows(scope))  # holding the scope keeps its id unique
    every: Windows = memo[id(scope)][1]
    if department_id is None:
        return every
    mine = {pair: run for pair, run in every.by_pair.items() if pair[1] == department_id}
    return replace(every, by_pair=mine)


def _windows(scope: PlanScope) -> Windows:
    active = {  # scheduled actions only: the others owe nothing
        a.id: (a.start_quarter.ordinal, (scope.last_active(a) or scope.plan.last_quarter).ordinal)
        for a in scope.actions
    }
    rows = assignments(scope.plan.id)
    found: dict[tuple[int, int], tuple[int, int]] = {}
    for action_id, dept, since in rows:
        run = active.get(action_id)
        if run is None or dept is None:
            continue
        first = max(run[0], since.ordinal) if since else run[0]
        known = found.get((action_id, dept))
        if known is not None:  # lead and participant at once: owed once, from the earlier
            first = min(first, known[0])
        found[(action_id, dept)] = (first, run[1])
    return Windows(scope, tuple(sorted({a for a, _, _ in rows})), active, found)


def cell_counts(
    scope: PlanScope, periods: Sequence[PeriodRef], department_id: int | None = None
) -> dict[Cell, CellCounts]:
    """(department id, period id) -> its counts, for the cells owing anything in `periods`
    (of one department); three queries whatever the plan's size (more only past thousands of
    values, `VALUES`)."""
    return _counts(windows(scope, department_id), periods, department_id)


def _counts(
    owing: Windows, periods: Sequence[PeriodRef], department_id: int | None
) -> dict[Cell, CellCounts]:
    """The counts of `cell_counts` given the windows: the tally's counted slots less those not
    owed, on time unless owed and late."""
    owed = _owed(owing, periods)
    if not owed:
        return {}
    tally = _tally(owing.scope.plan.id, periods, department_id)
    not_owed, late_slots = _lookups(owing, periods, tally, department_id)
    submitted = Counter(tally)
    submitted.subtract((dept, period_id) for _action, dept, period_id in not_owed)
    late = Counter((dept, period_id) for _action, dept, period_id in late_slots)
    return {
        cell: CellCounts(n, submitted[cell], submitted[cell] - late[cell])
        for cell, n in owed.items()
    }


def missing_slots(
    scope: PlanScope, periods: Sequence[PeriodRef]
) -> Iterator[tuple[int, int, int, str | None]]:
    """(department id, action id, period id, state) of each owed update of `periods` that is
    not submitted or accepted; `state` None when the department has no update there."""
    owing = windows(scope)
    by_id = {p.id: p for p in periods}
    short: dict[int, list[PeriodRef]] = {}  # department -> its periods short of updates
    for (dept, period_id), counts in _counts(owing, periods, None).items():
        if counts.submitted < counts.owed:
            short.setdefault(dept, []).append(by_id[period_id])
    if not short:
        return
    owed_slots = [
        (action_id, dept, period.id)
        for (action_id, dept), (first, last) in owing.by_pair.items()
        for period in short.get(dept, ())
        if first <= period.quarter.ordinal <= last
    ]
    by_cell: dict[Cell, list[int]] = {}
    for action_id, dept, period_id in owed_slots:
        by_cell.setdefault((dept, period_id), []).append(action_id)
    # One condition per cell, answered through the primary key: one lookup per action.
    slot = ObligationFigure
    terms = [
        (
            and_(slot.action_id.in_(actions), slot.department_id == dept, slot.period_id == period),
            len(actions) + 2,
        )
        for (dept, period), actions in sorted(by_cell.items())
    ]
    states: dict[Slot, str] = {}
    for batch in _batches(terms):
        rows = db.session.execute(
            select(slot.action_id, slot.department_id, slot.period_id, slot.state).where(batch)
        )
        states.update(((a, d, p), state) for a, d, p, state in rows)
    for action_id, dept, period_id in owed_slots:
        state = states.get((action_id, dept, period_id))
        if state not in COUNTED_STATES:
            yield dept, action_id, period_id, state


def _owed(owing: Windows, periods: Sequence[PeriodRef]) -> Counter[Cell]:
    """Owed updates per cell: each window adds one to a run of periods (a difference array per
    department, then running sums)."""
    quarters = [p.quarter.ordinal for p in periods]
    steps: dict[int, list[int]] = {}
    # Most of a department's windows are the same run (the plan's actions mostly share their
    # quarters): each distinct run is placed once, with its count.
    runs = Counter((dept, first, last) for (_action, dept), (first, last) in owing.by_pair.items())
    for (dept, first, last), count in runs.items():
        start, stop = bisect_left(quarters, first), bisect_right(quarters, last)
        if start < stop:
            row = steps.get(dept)
            if row is None:
                row = steps[dept] = [0] * (len(periods) + 1)
            row[start] += count
            row[stop] -= count
    owed: Counter[Cell] = Counter()
    for dept, row in steps.items():
        running = 0
        for period, step in zip(periods, row, strict=False):
            running += step
            if running:
                owed[(dept, period.id)] = running
    return owed


def _tally(
    plan_id: int, periods: Sequence[PeriodRef], department_id: int | None
) -> dict[Cell, int]:
    """The counted slots per cell, owed or not, from the slots' tally."""
    tally = ObligationTally
    stmt = select(tally.department_id, tally.period_id, tally.counted).where(
        tally.plan_id == plan_id, tally.period_id.in_([p.id for p in periods]), tally.counted > 0
    )
    if department_id is not None:
        stmt = stmt.where(tally.department_id == department_id)
    return {(d, p): n for d, p, n in db.session.execute(stmt)}


def _lookups(
    owing: Windows,
    periods: Sequence[PeriodRef],
    tally: dict[Cell, int],
    department_id: int | None,
) -> tuple[set[Slot], set[Slot]]:
    """The counted slots of `periods` that are not owed, and the owed ones submitted after
    their period's deadline, in one statement (more only past `VALUES` values) whose every term
    is an index lookup. Not owed: those of a department not assigned to the action, of a period
    outside the action's active quarters (all of a never scheduled action's), of a late
    participant before its `since`."""
    slot = ObligationFigure
    by_id = {p.id: p for p in periods}
    late_terms: list[Term] = [
        (and_(slot.period_id == p.id, slot.submitted_at >= p.deadline), 2) for p in periods
    ]
    not_owed: set[Slot] = set()
    late: set[Slot] = set()  # (a slot meeting terms of two statements is read twice)
    for batch in _batches(late_terms + _not_owed_terms(owing, periods, tally)):
        stmt = select(slot.action_id, slot.department_id, slot.period_id, slot.submitted_at).where(
            batch, slot.state.in_(COUNTED_STATES)
        )
        if department_id is not None:
            stmt = stmt.where(slot.department_id == department_id)
        for a, d, period_id, submitted_at in db.session.execute(stmt):
            period = by_id.get(period_id)
            if period is None:  # another period's slot of an unassigned department
                continue
            if not owing.owes(a, d, period.quarter):
                not_owed.add((a, d, period_id))
            elif submitted_at is not None and submitted_at >= period.deadline:
                late.add((a, d, period_id))
    return not_owed, late


def _not_owed_terms(
    owing: Windows, periods: Sequence[PeriodRef], tally: dict[Cell, int]
) -> list[Term]:
    """Conditions covering the slots of `periods` that are not owed (and a few owed ones with
    them), one per action or late participant, each answered through an index."""
    slot = ObligationFigure
    active = owing.active
    departments = sorted({d for d, _ in tally})  # those with counted slots at all
    ordinals = [(p.id, p.quarter.ordinal) for p in periods]
    in_periods = slot.period_id.in_([p for p, _ in ordinals])
    terms: list[Term] = []
    for a in owing.action_ids:
        # Departments not assigned to the action (the primary key).
        others = [d for d in departments if (a, d) not in owing.by_pair]
        if others:
            in_others = slot.department_id.in_(others)
            size = len(others) + len(ordinals) + 1
            terms.append((and_(slot.action_id == a, in_others, in_periods), size))
        # Periods outside its active quarters (the index on period and action).
        first, last = active.get(a, (0, -1))  # never active: not scheduled
        outside = [p for p, ordinal in ordinals if not first <= ordinal <= last]
        if outside:
            terms.append((and_(slot.period_id.in_(outside), slot.action_id == a), len(outside) + 1))
    for (a, d), (first, _last) in owing.by_pair.items():
        # A late participant's periods before its `since` (the primary key).
        start = active[a][0]
        before = [p for p, ordinal in ordinals if start <= ordinal < first] if first > start else []
        if before:
            in_before = slot.period_id.in_(before)
            terms.append(
                (and_(slot.action_id == a, slot.department_id == d, in_before), len(before) + 2)
            )
    return terms


def _batches(terms: Sequence[Term]) -> Iterator[ColumnElement[bool]]:
    """`terms` OR-ed together in as few conditions as keep each under `VALUES` values."""
    batch: list[ColumnElement[bool]] = []
    size = 0
    for term, values in terms:
        if batch and size + values > VALUES:
            yield or_(*batch)
            batch, size = [], 0
        batch.append(term)
        size += values
    if batch:
        yield or_(*batch)
