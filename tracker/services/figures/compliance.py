"""Department submission compliance: departments by quarter, as plain frozen data.

Each cell counts the department's owed updates for the quarter (see `obligations` for what is
owed, when a submission is on time, and which time zone the due date ends in):
- on_time: every owed update submitted by the end of the due date;
- late: none missing, but at least one submitted after the due date;
- missing: the period is past due and at least one owed update is not submitted (or accepted);
- pending: the period is not yet due and at least one owed update is not submitted yet;
- not_applicable: the department owed nothing that quarter.
Columns run from the plan's first quarter to the latest period that has opened (so the current
quarter shows as pending). Rates are on-time updates over owed updates of past-due periods.
The counts come from `owed_counts` (interval arithmetic over the assignments, and the slots'
tally): a fixed handful of queries whatever the plan's size, none reading every slot.
`latest_overdue` counts one period only: the late departments (`operations.nudges`) need no
more than that column.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import cached_property, lru_cache

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from tracker import i18n
from tracker.cache import remember
from tracker.i18n import current_language, quarter_label
from tracker.services.figures.obligations import (
    DepartmentRef,
    PeriodRef,
    PlanRef,
    load_scope,
)
from tracker.services.figures.owed_counts import CellCounts, cell_counts

ON_TIME = "on_time"
LATE = "late"
MISSING = "missing"
PENDING = "pending"
NOT_APPLICABLE = "not_applicable"
CELL_STATES = (ON_TIME, LATE, MISSING, PENDING, NOT_APPLICABLE)

CELL_LABELS = {
    ON_TIME: _l("On time"),
    LATE: _l("Late"),
    MISSING: _l("Missing"),
    PENDING: _l("Pending"),
    NOT_APPLICABLE: _l("Not applicable"),
}


@dataclass(frozen=True)
class Rate:
    """Updates submitted on time out of those owed for past-due periods."""

    on_time: int
    due: int

    @property
    def percent(self) -> float | None:
        """On-time share in percent; None when nothing was due."""
        return 100.0 * self.on_time / self.due if self.due else None

    def __add__(self, other: Rate) -> Rate:
        return Rate(self.on_time + other.on_time, self.due + other.due)


NO_RATE = Rate(0, 0)
Key = tuple[int, int]


@dataclass(frozen=True)
class Cell:
    """One department's owed updates for one quarter, by outcome."""

    state: str
    owed: int
    on_time: int
    late: int
    missing: int
    pending: int
    past_due: bool

    @cached_property  # a matrix shares its few distinct cells (`_cell`): each computes it once
    def rate(self) -> Rate:
        """The cell's share of the rates: nothing until the period is past due."""
        return Rate(self.on_time, self.owed) if self.past_due else NO_RATE


@dataclass(frozen=True)
class DepartmentRow:
    department: DepartmentRef
    cells: tuple[Cell, ...]  # one per period of the matrix
    rate: Rate


@dataclass(frozen=True)
class Compliance:
    """The matrix for a plan, a fiscal-year range and optionally one department."""

    plan: PlanRef
    today: date
    first_year: int
    last_year: int
    department: str | None  # acronym filter, None for all
    periods: tuple[PeriodRef, ...]
    rows: tuple[DepartmentRow, ...]
    quarter_rates: tuple[Rate, ...]  # one per period
    rate: Rate


@dataclass(frozen=True)
class Overdue:
    """Who still owes updates for a plan's latest past-due period (the matrix's last past-due
    column): departments by acronym with their missing count; `period` None when none is due."""

    plan: PlanRef
    period: PeriodRef | None
    missing: tuple[tuple[DepartmentRef, int], ...]


def compliance_matrix(
    plan_id: int,
    today: date,
    first: int | None = None,
    last: int | None = None,
    department: str | None = None,
) -> Compliance:
    """Departments by quarter for fiscal years first..last (default: the plan's years); kept
    until the data changes (`tracker.cache`).

    Raises ValueError when `department` is not assigned to the plan's actions."""
    key = (plan_id, today, first, last, department)
    return remember(
        "compliance",
        key,
        lambda: _compliance_matrix(plan_id, today, first, last, department),
        plan=plan_id,
    )


def _compliance_matrix(
    plan_id: int, today: date, first: int | None, last: int | None, department: str | None
) -> Compliance:
    scope = load_scope(plan_id, today)
    first_year = scope.plan.first_year if first is None else first
    last_year = scope.plan.last_year if last is None else last
    periods = tuple(p for p in scope.periods if first_year <= p.quarter.year <= last_year)
    departments = sorted(scope.departments.values(), key=lambda d: d.acronym)
    if department is not None:
        departments = [d for d in departments if d.acronym == department]
        if not departments:
            raise ValueError(f"department {department!r} has no action in this plan")
    only = departments[0].id if department is not None else None
    counts = cell_counts(scope, periods, only) if periods else {}
    rows = []
    for dept in departments:
        cells = tuple(_cell(counts.get((dept.id, p.id)), p.past_due(today)) for p in periods)
        rows.append(DepartmentRow(dept, cells, _rate(cells)))
    quarter_rates = tuple(_rate(row.cells[n] for row in rows) for n in range(len(periods)))
    return Compliance(
        scope.plan,
        today,
        first_year,
        last_year,
        department,
        periods,
        tuple(rows),
        quarter_rates,
        sum(quarter_rates, NO_RATE),
    )


def latest_overdue(plan_id: int, today: date) -> Overdue:
    """The missing updates of the plan's latest past-due period by department, counted as the
    matrix counts them but for that period only; kept until the data changes."""
    return remember(
        "compliance-overdue",
        (plan_id, today),
        lambda: _latest_overdue(plan_id, today),
        plan=plan_id,
    )


def _latest_overdue(plan_id: int, today: date) -> Overdue:
    scope = load_scope(plan_id, today)
    overdue = [p for p in scope.periods if p.past_due(today)]
    if not overdue:
        return Overdue(scope.plan, None, ())
    period = overdue[-1]
    counts = cell_counts(scope, (period,))
    departments = sorted(scope.departments.values(), key=lambda d: d.acronym)
    cells = ((d, _cell(counts.get((d.id, period.id)), True)) for d in departments)
    return Overdue(scope.plan, period, tuple((d, c.missing) for d, c in cells if c.missing))


def _rate(cells: Iterable[Cell]) -> Rate:
    """The rates of `cells` added up, as integers (one `Rate` for the sum, not one per cell)."""
    rates = [cell.rate for cell in cells]
    return Rate(sum(r.on_time for r in rates), sum(r.due for r in rates))


@lru_cache(maxsize=4096)  # a matrix's thousands of cells have few distinct counts
def _cell(counts: CellCounts | None, past_due: bool) -> Cell:
    """Classify one department-quarter from its counts."""
    counts = counts or CellCounts(0, 0, 0)
    owed, submitted, on_time = counts.owed, counts.submitted, counts.on_time
    late, outstanding = submitted - on_time, owed - submitted
    missing, pending = (outstanding, 0) if past_due else (0, outstanding)
    if owed == 0:
        state = NOT_APPLICABLE
    elif missing:
        state = MISSING
    elif late:
        state = LATE
    elif pending:
        state = PENDING
    else:
        state = ON_TIME
    return Cell(state, owed, on_time, late, missing, pending, past_due)


def percent_text(rate: Rate) -> str:
    """A rate as text for exports in the current language: '75%' / '75 %', or 'n/a'."""
    return i18n.percent_text(rate.percent)


def csv_rows(compliance: Compliance) -> Iterator[list[str]]:
    """The matrix as CSV rows in the current language: a header, one row per department and
    the on-time rate by quarter."""
    yield [
        _("Department"),
        _("Department name"),
        *(quarter_label(p.quarter) for p in compliance.periods),
        _("On-time rate"),
    ]
    for row in compliance.rows:
        name = row.department.text("name", current_language())
        cells = (str(CELL_LABELS[c.state]) for c in row.cells)
        yield [i18n.department_acronym(row.department), name, *cells, percent_text(row.rate)]
    yield [
        _("On-time rate"),
        "",
        *(percent_text(r) for r in compliance.quarter_rates),
        percent_text(compliance.rate),
    ]
