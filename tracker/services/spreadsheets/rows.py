"""Reading the rows of an uploaded file into values, collecting every problem cell by cell.

Blank rows are skipped. Each problem names its sheet, row and column, so that the person sees
every one of them at once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

from flask_babel import gettext as _

from tracker.fiscal import FiscalQuarter
from tracker.models import ActionStatus
from tracker.services.spreadsheets import cells as cells
from tracker.services.spreadsheets.cells import CellProblem
from tracker.services.spreadsheets.columns import (
    TEXT_FIELDS,
    CellError,
    QuarterScope,
    fold,
    known_actions,
)
from tracker.services.spreadsheets.reading import Cell, Row
from tracker.services.spreadsheets.sheets import Sheet
from tracker.services.updates.save import UpdateContext

Dates = tuple[date | None, date | None]
T = TypeVar("T")


@dataclass(frozen=True)
class UpdateRow:
    """One action's row of the updates sheet, read."""

    number: int
    ctx: UpdateContext
    status: ActionStatus
    percent: int | None
    forecast: FiscalQuarter | None
    texts: dict[str, str]


@dataclass
class Reading:
    """What the rows say, by action id, and every problem found in them."""

    updates: dict[int, UpdateRow] = field(default_factory=dict)
    dates: dict[int, dict[int, Dates]] = field(default_factory=dict)
    milestone_rows: dict[int, int] = field(default_factory=dict)  # milestone id -> its row
    errors: list[CellError] = field(default_factory=list)


class _Actions:
    """Resolves (plan, action code) to the scope's action, or says why it cannot."""

    def __init__(self, scope: QuarterScope, sheets: Sequence[Sheet]) -> None:
        self.scope = scope
        keys = {
            (cells.text(s.cell(row, "plan")), cells.text(s.cell(row, "action_code")))
            for s in sheets
            for _n, row in s.data_rows()
        }
        missing = {k for k in keys if all(k) and scope.find(*k) is None}
        self.known = known_actions(scope.department.id, missing)

    def resolve(self, plan: str, code: str) -> UpdateContext:
        """The action's update context, or CellProblem saying why it is not in the file's scope."""
        ctx = self.scope.find(plan, code)
        if ctx is not None:
            return ctx
        known = self.known.get((fold(plan), fold(code)))
        if known is None or not known.exists:
            raise CellProblem(
                _("There is no action %(code)s in the plan “%(plan)s”.", code=code, plan=plan)
            )
        if not known.assigned:
            raise CellProblem(_("Action %(code)s is not assigned to your department.", code=code))
        raise CellProblem(
            _(
                "Action %(code)s is not reported on for %(quarter)s: its plan is not active or "
                "does not cover this period.",
                code=code,
                quarter=str(self.scope.period.quarter),
            )
        )


def read_rows(updates: Sheet, milestones: Sheet | None, scope: QuarterScope) -> Reading:
    """Every row of both sheets, read into values or problems."""
    reading = Reading()
    actions = _Actions(scope, [s for s in (updates, milestones) if s is not None])
    seen = _read_updates(updates, actions, reading)
    if milestones is not None:
        _read_milestones(milestones, actions, seen, updates.name, reading)
    return reading


def _formulas(sheet: Sheet, number: int, row: Row, reading: Reading) -> set[str]:
    """Report every cell of the row that holds a formula; return their column keys."""
    keys = set()
    for index, cell in enumerate(row[: len(sheet.columns)]):
        if cell.formula:
            key = sheet.columns[index].key
            keys.add(key)
            message = _("This cell holds a formula. Type the value itself instead.")
            reading.errors.append(sheet.error(number, key, message))
    return keys


def _action_of(
    sheet: Sheet, number: int, row: Row, actions: _Actions, reading: Reading
) -> UpdateContext | None:
    plan, code = cells.text(sheet.cell(row, "plan")), cells.text(sheet.cell(row, "action_code"))
    if not plan or not code:
        key = "plan" if not plan else "action_code"
        message = _("Give the plan and the action code, as in the template.")
        reading.errors.append(sheet.error(number, key, message))
        return None
    try:
        return actions.resolve(plan, code)
    except CellProblem as problem:
        reading.errors.append(sheet.error(number, "action_code", str(problem)))
        return None


def _read_updates(sheet: Sheet, actions: _Actions, reading: Reading) -> dict[int, int]:
    """Read the updates rows; return the row number of each action seen."""
    seen: dict[int, int] = {}
    lookup = cells.status_lookup()
    for number, row in sheet.data_rows():
        before = len(reading.errors)
        formulas = _formulas(sheet, number, row, reading)
        ctx = None
        if not formulas & {"plan", "action_code"}:
            ctx = _action_of(sheet, number, row, actions, reading)
        if ctx is not None and ctx.action.id in seen:
            message = _(
                "Action %(code)s is already on row %(row)s: keep one row per action.",
                code=ctx.action.code,
                row=seen[ctx.action.id],
            )
            reading.errors.append(sheet.error(number, "action_code", message))
            ctx = None
        elif ctx is not None:
            seen[ctx.action.id] = number
        # The values are read even when the action is not, so every problem shows at once.
        status = _parse(sheet, number, row, "status", lambda c: cells.status(c, lookup), reading)
        percent = _parse(sheet, number, row, "percent_complete", cells.percent, reading)
        forecast = _parse(sheet, number, row, "forecast_completion", cells.quarter, reading)
        if ctx is None or status is None or len(reading.errors) > before:
            continue
        texts = {key: cells.text(sheet.cell(row, key)) for key in TEXT_FIELDS}
        reading.updates[ctx.action.id] = UpdateRow(number, ctx, status, percent, forecast, texts)
    return seen


def _parse(
    sheet: Sheet, number: int, row: Row, key: str, parse: Callable[[Cell], T], reading: Reading
) -> T | None:
    """The cell `key` parsed, or None (a formula, already reported, or a problem reported now)."""
    cell = sheet.cell(row, key)
    if cell.formula:
        return None
    try:
        return parse(cell)
    except CellProblem as problem:
        reading.errors.append(sheet.error(number, key, str(problem)))
        return None


def _read_milestones(
    sheet: Sheet, actions: _Actions, seen: dict[int, int], updates_name: str, reading: Reading
) -> None:
    rows: dict[tuple[int, int], int] = {}
    for number, row in sheet.data_rows():
        formulas = _formulas(sheet, number, row, reading)
        if formulas & {"plan", "action_code", "milestone_code"}:
            continue
        forecast = _parse(sheet, number, row, "forecast_on", cells.day, reading)
        completed = _parse(sheet, number, row, "completed_on", cells.day, reading)
        ctx = _action_of(sheet, number, row, actions, reading)
        if ctx is None:
            continue
        code = cells.text(sheet.cell(row, "milestone_code"))
        milestone = next((m for m in ctx.action.milestones if fold(m.code) == fold(code)), None)
        if milestone is None:
            problem = _(
                "Action %(code)s has no milestone “%(milestone)s”.",
                code=ctx.action.code,
                milestone=code,
            )
        elif (ctx.action.id, milestone.id) in rows:
            first = rows[(ctx.action.id, milestone.id)]
            problem = _(
                "This milestone is already on row %(row)s: keep one row per milestone.", row=first
            )
        elif ctx.action.id not in seen:
            problem = _(
                "Action %(code)s has no row on the sheet “%(sheet)s”.",
                code=ctx.action.code,
                sheet=updates_name,
            )
        else:
            rows[(ctx.action.id, milestone.id)] = number
            reading.milestone_rows[milestone.id] = number
            reading.dates.setdefault(ctx.action.id, {})[milestone.id] = (forecast, completed)
            continue
        reading.errors.append(sheet.error(number, "milestone_code", problem))
