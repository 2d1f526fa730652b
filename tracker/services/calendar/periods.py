"""Reporting periods: one per fiscal quarter, with the dates that open, close and lock it."""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum

from flask import current_app
from sqlalchemy import select

from tracker.extensions import db
from tracker.fiscal import FiscalQuarter, quarters_between
from tracker.models import ReportingPeriod

DUE_AFTER_QUARTER_END = timedelta(days=15)
LOCK_AFTER_QUARTER_END = timedelta(days=30)


class PeriodState(StrEnum):
    UPCOMING = "upcoming"
    OPEN = "open"
    LOCKED = "locked"


def start_month() -> int:
    """The configured first month of the fiscal year (April for the Government of Canada)."""
    return int(current_app.config["FISCAL_YEAR_START_MONTH"])


def default_dates(quarter: FiscalQuarter, month: int | None = None) -> tuple[date, date, date]:
    """(opens, due, locks): the quarter's last month's 1st, 15 and 30 days after its end."""
    month = month or start_month()
    end = quarter.end_date(month)
    return end.replace(day=1), end + DUE_AFTER_QUARTER_END, end + LOCK_AFTER_QUARTER_END


def ensure_periods(first_year: int, last_year: int) -> list[ReportingPeriod]:
    """Add the missing periods of fiscal years first..last to the caller's transaction."""
    quarters = quarters_between(FiscalQuarter(first_year, 1), FiscalQuarter(last_year, 4))
    existing = {
        p.quarter: p
        for p in db.session.scalars(
            select(ReportingPeriod).where(ReportingPeriod.quarter.in_(quarters))
        )
    }
    periods = []
    for quarter in quarters:
        period = existing.get(quarter)
        if period is None:
            opens, due, locks = default_dates(quarter)
            period = ReportingPeriod(quarter=quarter, opens_on=opens, due_on=due, locks_on=locks)
            db.session.add(period)
        periods.append(period)
    db.session.flush()
    return periods


def state_of(period: ReportingPeriod, today: date) -> PeriodState:
    """Whether updates for `period` can be edited on `today`."""
    if today < period.opens_on:
        return PeriodState.UPCOMING
    if today <= period.locks_on:
        return PeriodState.OPEN
    if period.reopened_until is not None and today <= period.reopened_until:
        return PeriodState.OPEN
    return PeriodState.LOCKED


def current_period(today: date) -> ReportingPeriod | None:
    """The latest period that has opened by `today`: the one departments report on now."""
    return db.session.scalar(
        select(ReportingPeriod)
        .where(ReportingPeriod.opens_on <= today)
        .order_by(ReportingPeriod.quarter.desc())
        .limit(1)
    )
