"""The plan dashboard: figures per strategic area (and for the whole plan) for one period.

For the chosen reporting period (default: the latest that has opened):
- actions by status: each action's status as of the period (`progress.action_statuses` up to its
  quarter: latest accepted, else latest submitted; drafts and returned updates never count);
  actions without such an update count as "no report";
- average percent complete against expected percent, over the actions that reported and are not
  cancelled; expected is `progress.expected_percent` at the end of the period's quarter (the date
  a report on that quarter speaks for), from the start to the current target;
- slipped actions: forecast target as of the period (`roadmap.forecast_targets`, falling back to
  the current target) later than the baseline target;
- submission: updates owed for the period (`obligations`, as on the compliance page), how many
  are submitted or accepted now and how many were submitted by the due date.
Queries: five for the frame, then eight, whatever the plan's size.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from statistics import fmean

from sqlalchemy import func, select

from tracker.cache import remember
from tracker.extensions import db
from tracker.fiscal import FiscalQuarter
from tracker.models import Action, ActionStatus
from tracker.services.calendar.periods import start_month
from tracker.services.figures import progress
from tracker.services.figures.frame import NO_REPORT, STATUS_ORDER, ActionInfo, AreaInfo, PlanFrame
from tracker.services.figures.obligations import (
    COUNTED_STATES,
    PeriodRef,
    deadline_by_period,
    load_scope,
    owed_updates,
)
from tracker.services.figures.roadmap import forecast_slipped, standings


@dataclass(frozen=True)
class Submission:
    """Updates owed for a period, how many are submitted now and how many were on time."""

    owed: int = 0
    submitted: int = 0
    on_time: int = 0

    @property
    def rate(self) -> float | None:
        """Submitted share in percent; None when nothing is owed."""
        return 100.0 * self.submitted / self.owed if self.owed else None

    @property
    def on_time_rate(self) -> float | None:
        """On-time share in percent; None when nothing is owed."""
        return 100.0 * self.on_time / self.owed if self.owed else None

    def __add__(self, other: Submission) -> Submission:
        return Submission(
            self.owed + other.owed, self.submitted + other.submitted, self.on_time + other.on_time
        )


@dataclass(frozen=True)
class AreaFigures:
    """The dashboard's figures for one area, or for the whole plan when `area` is None."""

    area: AreaInfo | None
    actions: int
    by_status: tuple[tuple[str, int], ...]  # every status of STATUS_ORDER, in that order
    averaged: int
    average_percent: float | None
    average_expected: float | None
    slipped: int
    submission: Submission

    def count(self, status: str) -> int:
        """Actions with `status` (an ActionStatus value or NO_REPORT)."""
        return dict(self.by_status)[status]

    @property
    def variance(self) -> float | None:
        """Average reported minus average expected percent (negative = behind)."""
        if self.average_percent is None or self.average_expected is None:
            return None
        return progress.schedule_variance(self.average_percent, self.average_expected)


@dataclass(frozen=True)
class Dashboard:
    frame: PlanFrame
    period: PeriodRef | None  # None: no period of the plan has opened yet
    on: date | None  # the end of the period's quarter
    areas: tuple[AreaFigures, ...]
    total: AreaFigures


@dataclass(frozen=True)
class _Reading:
    """What the period says about one action."""

    status: str
    percent: int | None
    expected: float
    slipped: bool


def _figures(
    area: AreaInfo | None, readings: Sequence[_Reading], submission: Submission
) -> AreaFigures:
    counts = Counter(r.status for r in readings)
    averaged = [
        r
        for r in readings
        if r.percent is not None and r.status not in (NO_REPORT, ActionStatus.CANCELLED.value)
    ]
    return AreaFigures(
        area=area,
        actions=len(readings),
        by_status=tuple((s, counts.get(s, 0)) for s in STATUS_ORDER),
        averaged=len(averaged),
        average_percent=fmean(r.percent for r in averaged if r.percent is not None)
        if averaged
        else None,
        average_expected=fmean(r.expected for r in averaged) if averaged else None,
        slipped=sum(1 for r in readings if r.slipped),
        submission=submission,
    )


def submissions_by_area(frame: PlanFrame, period: PeriodRef) -> dict[int, Submission]:
    """Owed, submitted and on-time updates of `period`, by area id (the owed rules of
    `obligations`); six queries."""
    scope = load_scope(frame.plan.id, frame.today)
    rows = owed_updates(scope, [period]).subquery()
    counted = rows.c.state.in_(COUNTED_STATES)
    deadline = deadline_by_period(rows.c.period_id, [period])
    on_time = counted & (rows.c.submitted_at.is_(None) | (rows.c.submitted_at < deadline))
    stmt = (
        select(
            Action.area_id,
            func.count(),
            func.count().filter(counted),
            func.count().filter(on_time),
        )
        .select_from(rows)
        .join(Action, Action.id == rows.c.action_id)
        .group_by(Action.area_id)
    )
    return {area: Submission(n, s, t) for area, n, s, t in db.session.execute(stmt)}


def _readings(frame: PlanFrame, period: PeriodRef, on: date) -> dict[int, _Reading]:
    standing = standings(frame.action_ids, period.quarter)
    states, targets = standing.states, standing.forecasts
    month = start_month()

    def reading(action: ActionInfo) -> _Reading:
        state = states.get(action.id)
        return _Reading(
            state.status if state else NO_REPORT,
            state.percent if state else None,
            progress.expected_percent(action, on, month),
            forecast_slipped(action, targets),
        )

    return {a.id: reading(a) for a in frame.actions}


def choose_period(frame: PlanFrame, quarter: FiscalQuarter | None) -> PeriodRef | None:
    """The opened period of `quarter`, or the latest one when `quarter` is None.

    Raises ValueError when `quarter` is not an opened period of the plan."""
    if quarter is None:
        return frame.periods[-1] if frame.periods else None
    period = frame.period(quarter)
    if period is None:
        raise ValueError(f"no opened reporting period {quarter} in this plan")
    return period


def plan_dashboard(frame: PlanFrame, quarter: FiscalQuarter | None = None) -> Dashboard:
    """The dashboard of `frame`'s plan for the period of `quarter` (default: the latest); kept
    until the data changes (`tracker.cache`)."""
    key = (frame.plan.id, frame.today, quarter)
    return remember("dashboard", key, lambda: _dashboard(frame, quarter), plan=frame.plan.id)


def _dashboard(frame: PlanFrame, quarter: FiscalQuarter | None) -> Dashboard:
    period = choose_period(frame, quarter)
    if period is None:
        empty = [_figures(a, [], Submission()) for a in frame.areas]
        return Dashboard(frame, None, None, tuple(empty), _figures(None, [], Submission()))
    on = period.quarter.end_date(start_month())
    readings = _readings(frame, period, on)
    submissions = submissions_by_area(frame, period)
    areas = tuple(
        _figures(
            area,
            [readings[a.id] for a in frame.actions_of(area)],
            submissions.get(area.id, Submission()),
        )
        for area in frame.areas
    )
    total = _figures(None, list(readings.values()), sum(submissions.values(), Submission()))
    return Dashboard(frame, period, on, areas, total)
