"""Small builders for reporting periods and progress updates (use inside an app context)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tracker.extensions import db
from tracker.fiscal import FiscalQuarter
from tracker.models import (
    Action,
    Department,
    MilestoneForecast,
    ProgressUpdate,
    ReportingPeriod,
)
from tracker.services.calendar.periods import default_dates


def period(quarter: str) -> ReportingPeriod:
    """The reporting period of `quarter` ('2025-Q1'), created with default dates if missing."""
    q = FiscalQuarter.parse(quarter)
    found = db.session.scalar(select(ReportingPeriod).where(ReportingPeriod.quarter == q))
    if found is None:
        opens, due, locks = default_dates(q, 4)
        found = ReportingPeriod(quarter=q, opens_on=opens, due_on=due, locks_on=locks)
        db.session.add(found)
        db.session.flush()
    return found


def update(
    action: Action,
    department: Department,
    quarter: str,
    state: str,
    status: str = "on_track",
    percent: int = 0,
    forecasts: dict[int, tuple[date | None, date | None]] | None = None,
) -> ProgressUpdate:
    """A progress update with optional milestone forecasts {milestone_id: (forecast, completed)}."""
    row = ProgressUpdate(
        action_id=action.id,
        department_id=department.id,
        period_id=period(quarter).id,
        state=state,
        status=status,
        percent_complete=percent,
    )
    db.session.add(row)
    db.session.flush()
    for milestone_id, (forecast_on, completed_on) in (forecasts or {}).items():
        db.session.add(
            MilestoneForecast(
                update_id=row.id,
                milestone_id=milestone_id,
                forecast_on=forecast_on,
                completed_on=completed_on,
            )
        )
    db.session.flush()
    return row
