"""The reporting calendar as admins manage it: period dates, reopening and closing (audited)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from tracker.extensions import db
from tracker.fiscal import fiscal_year_of, quarters_of_year, year_bounds
from tracker.i18n import date_text
from tracker.models import ReportingPeriod, User
from tracker.services.audit.events import add_event
from tracker.services.calendar import clock
from tracker.services.calendar.periods import PeriodState, start_month, state_of


class CalendarError(ValueError):
    """A calendar rule was broken; `field` names the form field it belongs to."""

    def __init__(self, message: Any, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class PeriodRow:
    """A period and its state on the day the page is shown."""

    period: ReportingPeriod
    state: PeriodState
    reopened: bool  # open only because an admin reopened it


@dataclass(frozen=True)
class CalendarYear:
    """One fiscal year of the calendar, and the years that can be browsed."""

    year: int
    years: list[int]
    rows: list[PeriodRow]


def period_years() -> list[int]:
    """Every fiscal year from the earliest to the latest period (one query)."""
    first, last = db.session.execute(
        select(func.min(ReportingPeriod.quarter), func.max(ReportingPeriod.quarter))
    ).one()
    if first is None or last is None:
        return []
    return list(range(first.year, last.year + 1))


def calendar_year(year: int | None, today: date) -> CalendarYear:
    """The periods of `year` (default: today's fiscal year, else the latest one with periods)."""
    years = period_years()
    if year is None:
        current = fiscal_year_of(today, start_month())
        year = current if current in years else (years[-1] if years else current)
    elif year not in years:
        raise LookupError(year)
    periods = db.session.scalars(
        select(ReportingPeriod)
        .where(ReportingPeriod.quarter.in_(quarters_of_year(year)))
        .order_by(ReportingPeriod.quarter)
    )
    rows = [period_row(p, today) for p in periods]
    return CalendarYear(year, years, rows)


def period_row(period: ReportingPeriod, today: date) -> PeriodRow:
    """One period with its state on `today`."""
    state = state_of(period, today)
    return PeriodRow(period, state, state is PeriodState.OPEN and today > period.locks_on)


def _period(period_id: int) -> ReportingPeriod:
    period = db.session.get(ReportingPeriod, period_id, with_for_update=True)
    if period is None:
        raise LookupError(period_id)
    return period


def _dates(period: ReportingPeriod) -> dict[str, Any]:
    until = period.reopened_until
    return {
        "opens_on": period.opens_on.isoformat(),
        "due_on": period.due_on.isoformat(),
        "locks_on": period.locks_on.isoformat(),
        "reopened_until": until.isoformat() if until else None,
    }


def check_dates(period: ReportingPeriod, opens: date, due: date, locks: date) -> None:
    """Raise CalendarError unless the dates are in order and fit the period."""
    first_day = period.quarter.start_date(start_month())
    if opens < first_day:
        raise CalendarError(
            _l("Reporting cannot open before the quarter starts (%(d)s).", d=date_text(first_day)),
            "opens_on",
        )
    if due < opens:
        raise CalendarError(_l("The due date cannot be before the opening date."), "due_on")
    if locks < due:
        raise CalendarError(_l("The lock date cannot be before the due date."), "locks_on")
    until = period.reopened_until
    if until is not None and locks >= until:
        raise CalendarError(
            _l(
                "This period is reopened until %(d)s: choose a lock date before that, "
                "or close the reopening first.",
                d=date_text(until),
            ),
            "locks_on",
        )


def update_period_dates(period_id: int, opens: date, due: date, locks: date, actor: User) -> bool:
    """Change a period's open, due and lock dates; False when nothing changed."""
    period = _period(period_id)
    check_dates(period, opens, due, locks)
    if (period.opens_on, period.due_on, period.locks_on) == (opens, due, locks):
        return False
    before = _dates(period)
    period.opens_on, period.due_on, period.locks_on = opens, due, locks
    _audit("period.dates_changed", period, before, actor)
    return True


def reopen_period(period_id: int, until: date, actor: User, today: date | None = None) -> None:
    """Reopen a locked period for edits until `until` (after today and after its lock date)."""
    today = today or clock.today()
    period = _period(period_id)
    if today <= period.locks_on:
        raise CalendarError(
            _l("This period is not locked yet; change its lock date instead."), "until"
        )
    if until <= today:
        raise CalendarError(_l("Choose a date in the future."), "until")
    latest = reopen_limit(period)
    if until > latest:
        when = date_text(latest)
        raise CalendarError(_l("Reopen it until %(date)s at the latest.", date=when), "until")
    before = _dates(period)
    period.reopened_until = until
    _audit("period.reopened", period, before, actor)


def reopen_limit(period: ReportingPeriod) -> date:
    """The latest date a period may be reopened until: the end of the next fiscal year."""
    return year_bounds(period.quarter.year + 1, start_month())[1]


def close_reopened_period(period_id: int, actor: User) -> None:
    """End a reopening: the period is locked again at once."""
    period = _period(period_id)
    if period.reopened_until is None:
        raise CalendarError(_l("This period is not reopened."))
    before = _dates(period)
    period.reopened_until = None
    _audit("period.closed", period, before, actor)


def _audit(action: str, period: ReportingPeriod, before: dict[str, Any], actor: User) -> None:
    detail = {"quarter": str(period.quarter), "before": before, "after": _dates(period)}
    add_event(action, actor=actor, obj=period, detail=detail)
    db.session.commit()
