"""The quarterly updates spreadsheet: its layout, and the department's actions it holds.

One layout serves the template (`spreadsheet_template`) and the import (`spreadsheet_import`):
row 1 names the department and the reporting period, row 2 holds the column headings, then
one row per action the department leads or takes part in (active plans whose reporting window
contains the period, as on the quarter page). An XLSX file adds a Milestones sheet (one row
per milestone) and an Instructions sheet; a CSV file holds the updates sheet only. Headings
and sheet names are accepted in English and in French, so a file downloaded in one language
imports in the other. The plan's slug and the action code identify an action (codes are
unique within a plan only).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from tracker.extensions import db
from tracker.fiscal import FiscalQuarter
from tracker.i18n import quarter_label
from tracker.models import (
    Action,
    Department,
    Plan,
    ProgressUpdate,
    ReportingPeriod,
    StrategicArea,
    User,
    WorkflowState,
    action_participant,
)
from tracker.services.calendar import clock, periods
from tracker.services.updates.queries import assigned_actions, department_of, get_period
from tracker.services.updates.rules import FORECAST_GRACE_QUARTERS, PlanWindow
from tracker.services.updates.save import UpdateContext

DEFAULT_MAX_BYTES = 2 * 1024 * 1024
META_ROW, HEADER_ROW, FIRST_DATA_ROW = 1, 2, 3  # rows of the updates sheet, as Excel numbers them


@dataclass(frozen=True)
class Column:
    """One column of a sheet: its key, heading and width; `info` columns are never imported."""

    key: str
    label: Any
    width: int
    info: bool = False


UPDATE_COLUMNS = (
    Column("plan", _l("Plan"), 14, info=True),
    Column("action_code", _l("Action code"), 11, info=True),
    Column("action_title", _l("Action"), 40, info=True),
    Column("state", _l("Workflow state"), 14, info=True),
    Column("status", _l("Status"), 14),
    Column("percent_complete", _l("Percent complete"), 10),
    Column("forecast_completion", _l("Forecast completion quarter"), 13),
    Column("accomplishments", _l("Accomplishments"), 45),
    Column("risks", _l("Risks and issues"), 45),
    Column("next_steps", _l("Next steps"), 45),
    Column("decrease_reason", _l("Why the percent complete went down"), 30),
)
MILESTONE_COLUMNS = (
    Column("plan", _l("Plan"), 14, info=True),
    Column("action_code", _l("Action code"), 11, info=True),
    Column("milestone_code", _l("Milestone code"), 11, info=True),
    Column("milestone_title", _l("Milestone"), 45, info=True),
    Column("baseline_due", _l("Baseline due"), 13, info=True),
    Column("forecast_on", _l("Forecast date"), 13),
    Column("completed_on", _l("Completion date"), 13),
)
TEXT_FIELDS = ("accomplishments", "risks", "next_steps", "decrease_reason")
LOCKED_STATES = (WorkflowState.SUBMITTED.value, WorkflowState.ACCEPTED.value)


def max_bytes() -> int:
    """The largest upload accepted (`SPREADSHEET_MAX_BYTES`, 2 MB by default)."""
    return int(current_app.config.get("SPREADSHEET_MAX_BYTES", DEFAULT_MAX_BYTES))


def languages() -> tuple[str, ...]:
    """The interface languages, in which headings and sheet names are recognised."""
    return tuple(current_app.config["LANGUAGES"])


def in_every_language(message: Any) -> set[str]:
    """A lazy string's text in every interface language, folded for comparison."""
    found = set()
    for lang in languages():
        with force_locale(lang):
            found.add(fold(str(message)))
    return found


def fold(text: str) -> str:
    """Text as compared with headings: spaces collapsed, case ignored."""
    return " ".join(text.split()).casefold()


def quarter_text(quarter: FiscalQuarter) -> str:
    """A quarter as the screens show it in the current language: '2025-26 Q2', 'T2 2025-2026'
    (the importer reads this and the canonical '2025-Q2' alike)."""
    return quarter_label(quarter)


def updates_sheet_name(quarter: FiscalQuarter, canonical: bool = False) -> str:
    """The updates sheet's name in the current language, e.g. 'Updates 2025-26 Q2' (with
    `canonical`, the older 'Updates 2025-Q2', still read back)."""
    shown = str(quarter) if canonical else quarter_text(quarter)
    return str(_("Updates %(quarter)s", quarter=shown))[:31]


def milestones_sheet_name() -> str:
    """The milestones sheet's name in the current language."""
    return str(_("Milestones"))[:31]


def sheet_names(quarter: FiscalQuarter) -> tuple[set[str], set[str]]:
    """The updates and milestones sheets' names in every language, folded."""
    updates, milestones = set(), set()
    for lang in languages():
        with force_locale(lang):
            updates.add(fold(updates_sheet_name(quarter)))
            updates.add(fold(updates_sheet_name(quarter, canonical=True)))
            milestones.add(fold(milestones_sheet_name()))
    return updates, milestones


class ImportRefused(Exception):
    """A file refused whole: `message` says why, `details` and `cells` list the problems."""

    def __init__(
        self,
        status: int,
        message: str,
        details: Iterable[str] = (),
        cells: Iterable[CellError] = (),
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.details = list(details)
        self.cells = list(cells)


@dataclass(frozen=True)
class CellError:
    """One problem in one cell (or row) of the file, as Excel numbers rows."""

    sheet: str
    row: int
    column: str
    message: str


@dataclass(frozen=True)
class QuarterScope:
    """The department's actions for one period, each with its update context."""

    department: Department
    period: ReportingPeriod
    today: date
    contexts: list[UpdateContext]

    @property
    def state(self) -> periods.PeriodState:
        """Open, locked or upcoming today."""
        return periods.state_of(self.period, self.today)

    def find(self, plan: str, code: str) -> UpdateContext | None:
        """The context of the action `code` of the plan `plan`, if in scope."""
        return self._index.get((fold(plan), fold(code)))

    @cached_property
    def _index(self) -> dict[tuple[str, str], UpdateContext]:
        return {(fold(c.plan.slug), fold(c.action.code)): c for c in self.contexts}


def load_scope(user: User, quarter: str) -> QuarterScope:
    """The user's department's actions for `quarter` (404 for an unknown period)."""
    department_id = department_of(user)
    department = db.session.get(Department, department_id)
    assert department is not None  # the user's foreign key guarantees it
    period = get_period(quarter)
    actions = _actions(department_id, period.quarter)
    ids = [a.id for a in actions]
    current = _updates(
        select(ProgressUpdate).where(
            ProgressUpdate.department_id == department_id,
            ProgressUpdate.period_id == period.id,
            ProgressUpdate.action_id.in_(ids),
        )
    )
    accepted = _latest_before(department_id, ids, period.quarter, accepted_only=True)
    latest = _latest_before(department_id, ids, period.quarter, accepted_only=False)
    today, month = clock.today(), periods.start_month()
    contexts = [
        UpdateContext(
            action=a,
            period=period,
            department_id=department_id,
            update=current.get(a.id),
            previous_accepted=accepted.get(a.id),
            previous=latest.get(a.id),
            window=PlanWindow.of(a.area.plan, month),
            today=today,
        )
        for a in actions
    ]
    return QuarterScope(department, period, today, contexts)


def _actions(department_id: int, quarter: FiscalQuarter) -> list[Action]:
    """Assigned actions whose plan reports in `quarter`, in the quarter page's order."""
    year = quarter.year
    return list(
        db.session.scalars(
            assigned_actions(department_id, quarter)
            .where(Plan.first_year <= year, Plan.last_year + FORECAST_GRACE_QUARTERS // 4 >= year)
            .options(selectinload(Action.milestones))
            .order_by(Plan.first_year.desc(), Plan.slug, StrategicArea.position, Action.position)
        )
    )


def _updates(stmt: Any) -> dict[int, ProgressUpdate]:
    rows = db.session.scalars(stmt.options(selectinload(ProgressUpdate.milestone_forecasts)))
    return {u.action_id: u for u in rows}


def _latest_before(
    department_id: int, action_ids: list[int], quarter: FiscalQuarter, accepted_only: bool
) -> dict[int, ProgressUpdate]:
    """Each action's latest update before `quarter` (accepted ones only?), in one query."""
    rank = func.row_number().over(
        partition_by=ProgressUpdate.action_id, order_by=ReportingPeriod.quarter.desc()
    )
    ranked = (
        select(ProgressUpdate.id, rank.label("rank"))
        .join(ProgressUpdate.period)
        .where(
            ProgressUpdate.department_id == department_id,
            ProgressUpdate.action_id.in_(action_ids),
            ReportingPeriod.quarter < quarter,
        )
    )
    if accepted_only:
        ranked = ranked.where(ProgressUpdate.state == WorkflowState.ACCEPTED.value)
    inner = ranked.subquery()
    return _updates(
        select(ProgressUpdate).join(inner, inner.c.id == ProgressUpdate.id).where(inner.c.rank == 1)
    )


@dataclass(frozen=True)
class KnownAction:
    """An action named in a file that is not in the scope: does it exist, is it ours?"""

    exists: bool
    assigned: bool


def known_actions(
    department_id: int, keys: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], KnownAction]:
    """For (plan slug, action code) keys: whether the action exists and the department has it."""
    wanted = {(fold(p), fold(c)) for p, c in keys}
    if not wanted:
        return {}
    takes_part = select(action_participant.c.action_id).where(
        action_participant.c.department_id == department_id
    )
    mine = or_(Action.lead_department_id == department_id, Action.id.in_(takes_part))
    rows = db.session.execute(
        select(Plan.slug, Action.code, mine)
        .join(Plan, Plan.id == Action.plan_id)
        .where(func.lower(Action.code).in_({code for _plan, code in wanted}))
    )
    found = {(fold(slug), fold(code)): bool(ours) for slug, code, ours in rows}
    return {key: KnownAction(key in found, found.get(key, False)) for key in wanted}
