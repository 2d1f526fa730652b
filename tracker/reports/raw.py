"""Every update of a plan's fiscal year, streamed from one Core select (no ORM objects).

The CSV file and the XLSX raw-data sheet both read these rows, each with its own pass over the
query, so memory stays flat however many updates the year holds. Every workflow state is
listed, with its state, so a reader sees what was accepted and what was still pending.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import NamedTuple

from flask_babel import gettext as _
from sqlalchemy import String, select, type_coerce
from sqlalchemy.orm import aliased

from tracker.extensions import db
from tracker.fiscal import FiscalQuarter
from tracker.models import (
    Action,
    ActionStatus,
    Department,
    ProgressUpdate,
    ReportingPeriod,
    StrategicArea,
    WorkflowState,
)
from tracker.reports.queries import parse_quarter, periods_between, year_quarters
from tracker.vocab import state_label, status_label

BATCH = 2000


class RawUpdate(NamedTuple):
    id: int
    quarter: FiscalQuarter
    area: str
    action: str
    title_en: str
    title_fr: str
    lead: str  # the action's lead department (acronym)
    department: str  # the department that reported
    state: str
    status: str
    percent: int | None
    forecast: FiscalQuarter | None
    accomplishments: str
    risks: str
    next_steps: str
    submitted_at: datetime | None
    reviewed_at: datetime | None


RowSource = Callable[[], Iterator[RawUpdate]]


def update_rows(plan_id: int, fiscal_year: int) -> Iterator[RawUpdate]:
    """The year's updates in quarter, plan and department order, fetched in batches."""
    lead = aliased(Department)
    stmt = (
        select(
            ProgressUpdate.id,
            type_coerce(ReportingPeriod.quarter, String),
            StrategicArea.code,
            Action.code,
            Action.title_en,
            Action.title_fr,
            lead.acronym,
            Department.acronym,
            ProgressUpdate.state,
            ProgressUpdate.status,
            ProgressUpdate.percent_complete,
            type_coerce(ProgressUpdate.forecast_completion, String),
            ProgressUpdate.accomplishments,
            ProgressUpdate.risks,
            ProgressUpdate.next_steps,
            ProgressUpdate.submitted_at,
            ProgressUpdate.reviewed_at,
        )
        .join(ReportingPeriod, ReportingPeriod.id == ProgressUpdate.period_id)
        .join(Action, Action.id == ProgressUpdate.action_id)
        .join(StrategicArea, StrategicArea.id == Action.area_id)
        .join(Department, Department.id == ProgressUpdate.department_id)
        .join(lead, lead.id == Action.lead_department_id)
        .where(
            Action.plan_id == plan_id,
            ProgressUpdate.period_id.in_(periods_between(*year_quarters(fiscal_year))),
        )
        .order_by(
            ReportingPeriod.quarter,
            StrategicArea.position,
            Action.position,
            Action.code,
            Department.acronym,
        )
    )
    # Core execution, streamed in batches: plain tuples, no ORM objects or row processing.
    result = db.session.connection().execution_options(yield_per=BATCH).execute(stmt)
    quarters: dict[str, FiscalQuarter] = {}  # a year has few: parse each once

    def quarter(text: str) -> FiscalQuarter:
        found = quarters.get(text)
        if found is None:
            found = quarters[text] = parse_quarter(text)
        return found

    for row in result:
        forecast = row[11]
        yield RawUpdate._make(
            (
                row[0],
                quarter(row[1]),
                *row[2:11],
                forecast and quarter(forecast),
                *row[12:],
            )
        )


def headings() -> list[str]:
    """Column headings of the raw data, in the current language."""
    return [
        _("Update ID"),
        _("Quarter"),
        _("Area"),
        _("Action"),
        _("Action title"),
        _("Lead department"),
        _("Reporting department"),
        _("Workflow state"),
        _("Status"),
        _("Percent complete"),
        _("Forecast completion"),
        _("Accomplishments"),
        _("Risks and issues"),
        _("Next steps"),
        _("Submitted at (UTC)"),
        _("Reviewed at (UTC)"),
    ]


# Column widths (in characters) for spreadsheets, matching `headings`.
WIDTHS = (10, 14, 8, 9, 40, 12, 12, 12, 12, 10, 14, 60, 60, 60, 18, 18)
TEXT_COLUMNS = frozenset({11, 12, 13})


class Cells:
    """Turns raw rows into typed cells in one language; labels are looked up once, not per row."""

    def __init__(self, lang: str, month: int) -> None:
        self.lang, self.month = lang, month
        self.statuses = {s.value: status_label(s.value) for s in ActionStatus}
        self.states = {s.value: state_label(s.value) for s in WorkflowState}
        self.quarters: dict[FiscalQuarter, str] = {}

    def quarter(self, quarter: FiscalQuarter | None) -> str | None:
        """A quarter's label, cached."""
        if quarter is None:
            return None
        label = self.quarters.get(quarter)
        if label is None:
            label = self.quarters[quarter] = quarter.label(self.lang, self.month)
        return label

    def __call__(self, row: RawUpdate) -> list[str | int | None]:
        """One update as typed cells; times as 'YYYY-MM-DD HH:MM' text in UTC."""
        if self.lang == "fr":
            title = row.title_fr or row.title_en
        else:
            title = row.title_en or row.title_fr
        return [
            row.id,
            self.quarter(row.quarter),
            row.area,
            row.action,
            title,
            row.lead,
            row.department,
            self.states.get(row.state, row.state),
            self.statuses.get(row.status, row.status),
            row.percent,
            self.quarter(row.forecast),
            row.accomplishments,
            row.risks,
            row.next_steps,
            utc_text(row.submitted_at),
            utc_text(row.reviewed_at),
        ]


def utc_text(value: datetime | None) -> str | None:
    """A time as 'YYYY-MM-DD HH:MM' in UTC (isoformat: several times faster than strftime)."""
    if value is None:
        return None
    if value.tzinfo is not UTC:  # stored times come back in UTC already; others are converted
        value = value.astimezone(UTC)
    return value.replace(tzinfo=None).isoformat(" ", "minutes")
