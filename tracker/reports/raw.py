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
from sqlalchemy import select

from tracker.extensions import db
from tracker.labels import state_label, status_label
from tracker.models import Action, Department, ProgressUpdate, ReportingPeriod, StrategicArea
from tracker.services.fiscal import FiscalQuarter

BATCH = 2000


class RawUpdate(NamedTuple):
    id: int
    quarter: FiscalQuarter
    area: str
    action: str
    title_en: str
    title_fr: str
    department: str
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
    stmt = (
        select(
            ProgressUpdate.id,
            ReportingPeriod.quarter,
            StrategicArea.code,
            Action.code,
            Action.title_en,
            Action.title_fr,
            Department.acronym,
            ProgressUpdate.state,
            ProgressUpdate.status,
            ProgressUpdate.percent_complete,
            ProgressUpdate.forecast_completion,
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
        .where(
            Action.plan_id == plan_id,
            ReportingPeriod.quarter >= FiscalQuarter(fiscal_year, 1),
            ReportingPeriod.quarter <= FiscalQuarter(fiscal_year, 4),
        )
        .order_by(
            ReportingPeriod.quarter,
            StrategicArea.position,
            Action.position,
            Action.code,
            Department.acronym,
        )
        .execution_options(yield_per=BATCH)
    )
    for row in db.session.execute(stmt):
        yield RawUpdate._make(row)


def headings() -> list[str]:
    """Column headings of the raw data, in the current language."""
    return [
        _("Update ID"),
        _("Quarter"),
        _("Area"),
        _("Action"),
        _("Action title"),
        _("Department"),
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
WIDTHS = (10, 14, 8, 9, 40, 12, 12, 12, 10, 14, 60, 60, 60, 18, 18)
TEXT_COLUMNS = frozenset({10, 11, 12})


def cells(row: RawUpdate, lang: str, month: int) -> list[str | int | datetime | None]:
    """One update as typed cells (labels in `lang`; times naive UTC for spreadsheets)."""
    return [
        row.id,
        row.quarter.label(lang, month),
        row.area,
        row.action,
        (row.title_fr or row.title_en) if lang == "fr" else (row.title_en or row.title_fr),
        row.department,
        state_label(row.state),
        status_label(row.status),
        row.percent,
        row.forecast.label(lang, month) if row.forecast is not None else None,
        row.accomplishments,
        row.risks,
        row.next_steps,
        _naive_utc(row.submitted_at),
        _naive_utc(row.reviewed_at),
    ]


def _naive_utc(value: datetime | None) -> datetime | None:
    return value.astimezone(UTC).replace(tzinfo=None) if value is not None else None
