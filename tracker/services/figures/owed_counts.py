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
participant before its `since`. They are few, and each is found through an index (no scan).
A submission is late when made after its period's deadline: the late counted slots are read
through an index on (period, submission time) and count against on-time only where owed.

`missing_slots` lists the owed slots of past-due periods that are not submitted: only in the
cells whose submitted count falls short of their owed count, one index lookup per owed slot
there, not a scan of all of them. The figures are those of `obligations.owed_updates` (the
tests compare both).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy import (
    CTE,
    ColumnElement,
    Integer,
    Select,
    and_,
    column,
    false,
    literal,
    or_,
    select,
    union_all,
    values,
)

from tracker.extensions import db
from tracker.fiscal import FiscalQuarter
from tracker.models import ObligationFigure, ObligationTally
from tracker.services.figures.obligations import (
    PeriodRef,
    PlanScope,
    assignments,
)
from tracker.services.figures.slot_rollups import COUNTED_STATES

Cell = tuple[int, int]  # department id, period id
Slot = tuple[int, int, int]  # action id, department id, period id
Lookup = Select[str, int, int, int]
# Keys per lookup, and lookups per statement (at most 24,000 values: well under SQLite's and
# PostgreSQL's limits on bound parameters).
LOOKUPS = 2_000
PARTS = 4
LATE, NOT_OWED = "late", "not owed"


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
    """The owing windows of the plan's assignments (of one department): one query."""
    active = {  # scheduled actions only: the others owe nothing
        a.id: (a.start_quarter.ordinal, (scope.last_active(a) or scope.plan.last_quarter).ordinal)
        for a in scope.actions
    }
    rows = assignments(scope.plan.id)
    found: dict[tuple[int, int], tuple[int, int]] = {}
    for action_id, dept, since in rows:
        run = active.get(action_id)
        if run is None or dept is None or department_id not in (None, dept):
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
    (of one department); four queries whatever the plan's size (more only past thousands of
    exceptions, `LOOKUPS`)."""
    return _counts(windows(scope, department_id), periods, department_id)


def _counts(
    owing: Windows, periods: Sequence[PeriodRef], department_id: int | None
) -> dict[Cell, CellCounts]:
    owed = _owed(owing, periods)
    if not owed:
        return {}
    tally = _tally(owing.scope.plan.id, periods, department_id)
    not_owed, late_slots = _lookups(owing, periods, tally, department_id)
    submitted = Counter(tally)
    for _action, dept, period_id in not_owed:
        submitted[(dept, period_id)] -= 1
    by_id = {p.id: p for p in periods}
    late: Counter[Cell] = Counter()
    for action_id, dept, period_id in late_slots:
        if owing.owes(action_id, dept, by_id[period_id].quarter):
            late[(dept, period_id)] += 1
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
    states: dict[Slot, str] = {}
    slot = ObligationFigure
    for chunk in _chunks(sorted(owed_slots)):
        keys = _keys(("action_id", "department_id", "period_id"), chunk)
        on = and_(*(getattr(slot, name) == keys.c[name] for name in keys.c.keys()))
        rows = db.session.execute(
            select(slot.action_id, slot.department_id, slot.period_id, slot.state)
            .select_from(keys)
            .join(slot, on)
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
    for (_action, dept), (first, last) in owing.by_pair.items():
        start, stop = bisect_left(quarters, first), bisect_right(quarters, last)
        if start < stop:
            row = steps.get(dept)
            if row is None:
                row = steps[dept] = [0] * (len(periods) + 1)
            row[start] += 1
            row[stop] -= 1
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
) -> tuple[set[Slot], list[Slot]]:
    """The counted slots of `periods` that are not owed, and those submitted after their
    period's deadline, each looked up through an index, in one statement (more only past
    thousands of keys). Not owed: those of a department not assigned to the action, of a
    period outside the action's active quarters (all of a never scheduled action's), of a
    late participant before its `since`."""
    active = owing.active
    departments = sorted({d for d, _ in tally})  # those with counted slots at all
    unassigned = [
        (a, d) for a in owing.action_ids for d in departments if (a, d) not in owing.by_pair
    ]
    never = (0, -1)  # the run of an action not scheduled
    outside = [
        (p.id, a)
        for p in periods
        for a in owing.action_ids
        if not active.get(a, never)[0] <= p.quarter.ordinal <= active.get(a, never)[1]
    ]
    early = [
        (a, d, p.id)
        for (a, d), (first, _last) in owing.by_pair.items()
        if first > active[a][0]
        for p in periods
        if active[a][0] <= p.quarter.ordinal < first
    ]
    slot = ObligationFigure

    def part(kind: str, keys: CTE | None, *condition: ColumnElement[bool]) -> Lookup:
        stmt = select(
            literal(kind).label("kind"), slot.action_id, slot.department_id, slot.period_id
        )
        if keys is not None:  # driven by the keys: one index lookup each
            on = (getattr(slot, name) == keys.c[name] for name in keys.c.keys())
            stmt = stmt.select_from(keys).join(slot, and_(*on))
        stmt = stmt.where(*condition, slot.state.in_(COUNTED_STATES))
        if department_id is not None:
            stmt = stmt.where(slot.department_id == department_id)
        return stmt

    after = or_(
        false(), *(and_(slot.period_id == p.id, slot.submitted_at >= p.deadline) for p in periods)
    )
    keyed: list[tuple[tuple[str, ...], list[tuple[int, ...]]]] = [
        (("action_id", "department_id"), list(unassigned)),
        (("period_id", "action_id"), list(outside)),
        (("action_id", "department_id", "period_id"), list(early)),
    ]
    parts = [part(LATE, None, after, slot.period_id.in_([p.id for p in periods]))] + [
        part(NOT_OWED, _keys(names, chunk, n))
        for n, (names, chunk) in enumerate(
            (names, chunk) for names, keys in keyed for chunk in _chunks(keys)
        )
    ]
    not_owed: set[Slot] = set()
    late: list[Slot] = []
    by_id = {p.id: p for p in periods}
    for start in range(0, len(parts), PARTS):
        batch = parts[start : start + PARTS]
        rows = db.session.execute(batch[0] if len(batch) == 1 else union_all(*batch))
        for kind, a, d, p in rows:
            if p not in by_id:
                continue
            if kind == LATE:
                late.append((a, d, p))
            elif not owing.owes(a, d, by_id[p].quarter):
                not_owed.add((a, d, p))
    return not_owed, late


def _keys(names: Sequence[str], keys: Sequence[tuple[int, ...]], n: int = 0) -> CTE:
    """`keys` as a table (`keys<n>`) of the columns `names`, to drive index lookups: SQLite
    reads the whole table for a row-value IN list, and cannot name a VALUES list's columns
    but in a WITH clause."""
    listed = values(*(column(name, Integer) for name in names), name=f"keys{n}")
    return listed.data(list(keys)).cte(f"keys{n}")


def _chunks(values: Sequence[tuple[int, ...]]) -> Iterator[Sequence[tuple[int, ...]]]:
    for start in range(0, len(values), LOOKUPS):
        yield values[start : start + LOOKUPS]
