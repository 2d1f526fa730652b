"""Progress over time: reported against expected percent per quarter, and milestone trends.

- For every opened period of the plan, each action's counted update as of that quarter (the rule
  of `counted`: latest accepted, else latest submitted; within a kind: latest quarter, the lead
  department's, the newest), from one query for all quarters at once
  (`progress.percents_by_period`). Reported percent is the mean over the actions that
  reported and are not cancelled; expected percent is the mean of `progress.expected_percent`
  at the quarter's end over the same actions (from the start to the current target).
- The milestone trend analysis of one action: for each quarter with a report that gives
  milestone dates, the forecast (or completion) date of each milestone in that quarter's
  counted report (`counted` within the quarter: accepted before submitted, then the lead
  department's, then the newest).
  A flat line is a stable date, a rising line a slipping one.
Queries: five for the frame, then four, whatever the plan's size.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from statistics import fmean

from sqlalchemy import ColumnElement, or_, select

from tracker.cache import remember
from tracker.extensions import db
from tracker.fiscal import FiscalQuarter
from tracker.models import (
    Action,
    ActionStatus,
    Milestone,
    MilestoneForecast,
    ProgressUpdate,
    ReportingPeriod,
)
from tracker.models.org import Bilingual
from tracker.services.calendar.periods import start_month
from tracker.services.figures import counted, progress
from tracker.services.figures.frame import ActionInfo, AreaInfo, PlanFrame
from tracker.services.figures.obligations import COUNTED_STATES


@dataclass(frozen=True)
class TrendPoint:
    quarter: FiscalQuarter
    reported: float | None
    expected: float | None
    counted: int  # actions in the averages

    @property
    def variance(self) -> float | None:
        """Reported minus expected (negative = behind)."""
        if self.reported is None or self.expected is None:
            return None
        return progress.schedule_variance(self.reported, self.expected)


@dataclass(frozen=True)
class TrendSeries:
    area: AreaInfo | None  # None: the whole plan
    points: tuple[TrendPoint, ...]


def _point(
    quarter: FiscalQuarter,
    actions: Sequence[ActionInfo],
    reported: dict[int, int],
    expected: dict[int, float],
) -> TrendPoint:
    """The point of `actions` in `quarter`, from the percents the actions reported (cancelled
    ones left out) and those their schedules expected."""
    counted = [a.id for a in actions if a.id in reported]
    if not counted:
        return TrendPoint(quarter, None, None, 0)
    return TrendPoint(
        quarter,
        fmean(reported[a] for a in counted),
        fmean(expected[a] for a in counted),
        len(counted),
    )


def progress_trends(frame: PlanFrame) -> list[TrendSeries]:
    """Reported and expected percent for the plan, then each area, quarter by quarter; kept
    until the data changes (`tracker.cache`)."""
    key = (frame.plan.id, frame.today)
    return remember("trends", key, lambda: _progress_trends(frame), plan=frame.plan.id)


def _expected_by_quarter(
    actions: Sequence[ActionInfo], ends: Sequence[date]
) -> list[dict[int, float]]:
    """Each action's expected percent at each of the quarter ends `ends`, computed once per
    action and quarter (the plan's series and its area's share them)."""
    month = start_month()
    by_action = {a.id: progress.expected_percents(a, ends, month) for a in actions}
    return [{a: found[n] for a, found in by_action.items()} for n in range(len(ends))]


def _reported_by_period(frame: PlanFrame) -> list[dict[int, int]]:
    """For each of the frame's periods, the percent each action reported as of it (its
    counted update), cancelled actions left out."""
    cancelled = ActionStatus.CANCELLED.value
    picks = progress.percents_by_period(frame.action_ids, [p.id for p in frame.periods])
    return [
        {action: r.percent for action, r in reported.items() if r.status != cancelled}
        for reported in picks
    ]


def _progress_trends(frame: PlanFrame) -> list[TrendSeries]:
    quarters = [p.quarter for p in frame.periods]
    reported = _reported_by_period(frame)
    month = start_month()
    expected = _expected_by_quarter(frame.actions, [q.end_date(month) for q in quarters])
    scopes: list[tuple[AreaInfo | None, list[ActionInfo]]] = [(None, list(frame.actions))]
    scopes += [(area, frame.actions_of(area)) for area in frame.areas]
    return [
        TrendSeries(
            area,
            tuple(_point(q, actions, reported[n], expected[n]) for n, q in enumerate(quarters)),
        )
        for area, actions in scopes
    ]


@dataclass(frozen=True)
class MilestoneLine(Bilingual):
    """One milestone's reported date in each quarter of the trend (None: not reported)."""

    code: str
    title_en: str
    title_fr: str
    baseline_due: date
    dates: tuple[date | None, ...]
    done: tuple[bool, ...]  # the date is an actual completion date

    @property
    def drift_days(self) -> int | None:
        """Days from the first reported date to the last (positive = slipped)."""
        known = [d for d in self.dates if d is not None]
        return (known[-1] - known[0]).days if known else None


@dataclass(frozen=True)
class MilestoneTrend:
    action: ActionInfo | None  # None: the plan has no action
    reported: frozenset[int]  # ids of the plan's actions with reported milestone dates
    quarters: tuple[FiscalQuarter, ...]  # quarters with a report on the action
    lines: tuple[MilestoneLine, ...]  # one per milestone of the action


def actions_with_forecasts(action_ids: Sequence[int]) -> set[int]:
    """Actions with a forecast or completion date in a submitted or accepted update.

    Asked per action ("exists"), so that the database stops at an action's first such
    forecast instead of joining every forecast of the plan's history and removing duplicates
    (about 20 times slower on 400,000 updates). The forecasts are reached through the action's
    milestones: from its updates instead, PostgreSQL hashed all of an action's updates for each
    action (420 ms against 74 ms for 100 actions; SQLite 77 against 20 ms)."""
    if not action_ids:
        return set()
    dated = (
        select(MilestoneForecast.update_id)
        .join(Milestone, Milestone.id == MilestoneForecast.milestone_id)
        .join(ProgressUpdate, ProgressUpdate.id == MilestoneForecast.update_id)
        .where(Milestone.action_id == Action.id, ProgressUpdate.action_id == Action.id)
        .where(ProgressUpdate.state.in_(COUNTED_STATES))
        .where(
            or_(
                MilestoneForecast.forecast_on.is_not(None),
                MilestoneForecast.completed_on.is_not(None),
            )
        )
    )
    found = db.session.scalars(select(Action.id).where(Action.id.in_(action_ids), dated.exists()))
    return set(found)


def _milestones_of(action_id: int) -> list[Milestone]:
    return list(
        db.session.scalars(
            select(Milestone)
            .where(Milestone.action_id == action_id)
            .order_by(Milestone.position, Milestone.code)
        )
    )


def _gives_dates(update: type[ProgressUpdate]) -> ColumnElement[bool]:
    """The update carries milestone forecasts."""
    return (
        select(MilestoneForecast.milestone_id)
        .where(MilestoneForecast.update_id == update.id)
        .exists()
    )


def _reported_dates(
    action_id: int,
) -> tuple[list[FiscalQuarter], list[dict[int, MilestoneForecast]]]:
    """Quarters with a counted update on the action that carries milestone forecasts, and the
    forecasts of each quarter's counted update (`counted`, within the quarter)."""
    reported = select(ReportingPeriod.quarter).where(
        ReportingPeriod.id.in_(
            select(ProgressUpdate.period_id).where(ProgressUpdate.action_id == action_id)
        )
    )
    chosen = counted.counted_updates([action_id], reported, in_quarter=True, extra=_gives_dates)
    # Within its quarter, a chosen update's own quarter is the as-of quarter. The chosen updates
    # (one per quarter) are read first, then their forecasts by id: asked in one statement, as
    # "update in (the chosen ones)", PostgreSQL hashed the whole progress_update table to find
    # the quarters of the few (137 ms against 12 ms in two at 400,000 updates), and joined to
    # the choice it evaluated the choice once per forecast of the whole table.
    update_ids = list(db.session.scalars(select(chosen.c.update_id)))
    if not update_ids:
        return [], []
    rows = db.session.execute(
        select(ReportingPeriod.quarter, MilestoneForecast)
        .join(ProgressUpdate, ProgressUpdate.id == MilestoneForecast.update_id)
        .join(ReportingPeriod, ReportingPeriod.id == ProgressUpdate.period_id)
        .where(MilestoneForecast.update_id.in_(update_ids))
    ).all()
    reports: dict[FiscalQuarter, dict[int, MilestoneForecast]] = defaultdict(dict)
    for quarter, forecast in rows:
        reports[quarter][forecast.milestone_id] = forecast
    found = sorted(reports)
    return found, [reports[q] for q in found]


def _line(m: Milestone, reports: list[dict[int, MilestoneForecast]]) -> MilestoneLine:
    dates: list[date | None] = []
    done: list[bool] = []
    for report in reports:
        f = report.get(m.id)
        dates.append((f.completed_on or f.forecast_on) if f else None)
        done.append(bool(f and f.completed_on))
    return MilestoneLine(m.code, m.title_en, m.title_fr, m.baseline_due, tuple(dates), tuple(done))


def milestone_trend(frame: PlanFrame, code: str | None = None) -> MilestoneTrend:
    """The milestone trend of action `code` (default: the first with reported dates); kept
    until the data changes (`tracker.cache`).

    Raises ValueError when `code` is not an action of the plan."""
    key = (frame.plan.id, frame.today, code)
    return remember(
        "milestone-trend", key, lambda: _milestone_trend(frame, code), plan=frame.plan.id
    )


def _milestone_trend(frame: PlanFrame, code: str | None) -> MilestoneTrend:
    reported = frozenset(actions_with_forecasts(frame.action_ids))
    if code is not None:
        action = next((a for a in frame.actions if a.code == code), None)
        if action is None:
            raise ValueError(f"no action {code!r} in this plan")
    else:
        first = frame.actions[0] if frame.actions else None
        action = next((a for a in frame.actions if a.id in reported), first)
    if action is None:
        return MilestoneTrend(None, reported, (), ())
    milestones = _milestones_of(action.id)
    quarters, reports = _reported_dates(action.id)
    lines = tuple(_line(m, reports) for m in milestones)
    return MilestoneTrend(action, reported, tuple(quarters), lines)
