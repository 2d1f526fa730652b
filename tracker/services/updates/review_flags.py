"""Review help: what a planner should look at twice in a submitted update.

- *jump*: the percent complete moved more than JUMP_POINTS points a quarter from the
  department's previous accepted update (35 % to 66 % in one quarter is flagged);
- *on track, behind schedule*: the status says "on track" while the percent is far below the
  expected percent at the end of the update's quarter, or a milestone is forecast or done after
  its baseline due date (`figures.progress.status_flag`: the dashboards' own rule);
- *milestone dates that contradict each other*: a forecast after its own completion date, a
  completion before the action starts, a milestone forecast after the action's forecast
  completion quarter.

Flags are plain data (a code and the numbers behind it); the pages word them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from tracker.fiscal import FiscalQuarter
from tracker.models import Milestone, MilestoneForecast, ProgressUpdate
from tracker.services.calendar.periods import start_month
from tracker.services.figures import progress
from tracker.vocab import ScheduleFlag

JUMP_POINTS = 25


class FlagKind(StrEnum):
    JUMP = "jump"
    ON_TRACK_BEHIND = "on_track_behind"
    ON_TRACK_SLIPPED = "on_track_slipped"
    FORECAST_AFTER_DONE = "forecast_after_done"
    DONE_BEFORE_START = "done_before_start"
    MILESTONE_AFTER_ACTION = "milestone_after_action"


@dataclass(frozen=True)
class ReviewFlag:
    """One reason to look twice, with what the words need."""

    kind: FlagKind
    points: int | None = None  # JUMP: the change in points (negative: down)
    since: FiscalQuarter | None = None  # JUMP: the previous accepted update's quarter
    limit: int | None = None  # JUMP: the points a quarter beyond which a change is flagged
    expected: float | None = None  # ON_TRACK_BEHIND: the expected percent
    reported: int | None = None  # ON_TRACK_BEHIND: the reported percent
    milestone: str | None = None  # milestone flags: the milestone's code
    on: date | None = None  # milestone flags: the date at fault


@dataclass(frozen=True)
class Previous:
    """The department's previous accepted percent and its quarter."""

    quarter: FiscalQuarter
    percent: int | None


def review_flags(update: ProgressUpdate, previous: Previous | None) -> tuple[ReviewFlag, ...]:
    """Every flag of a submitted `update`; its action, milestones, period and forecasts must be
    loaded (the queue loads them in a fixed number of queries)."""
    flags: list[ReviewFlag] = []
    quarter = update.period.quarter
    jump = jump_flag(update.percent_complete, quarter, previous)
    if jump is not None:
        flags.append(jump)
    forecasts = list(update.milestone_forecasts)
    flags.extend(_schedule(update, quarter, forecasts))
    flags.extend(_milestone_dates(update, forecasts))
    return tuple(flags)


def jump_flag(
    percent: int | None, quarter: FiscalQuarter, previous: Previous | None
) -> ReviewFlag | None:
    """A JUMP flag when `percent` moved more than JUMP_POINTS a quarter since `previous`."""
    if percent is None or previous is None or previous.percent is None:
        return None
    change = percent - previous.percent
    quarters = max(quarter - previous.quarter, 1)
    if abs(change) <= JUMP_POINTS * quarters:
        return None
    return ReviewFlag(FlagKind.JUMP, points=change, since=previous.quarter, limit=JUMP_POINTS)


def _schedule(
    update: ProgressUpdate, quarter: FiscalQuarter, forecasts: Iterable[MilestoneForecast]
) -> list[ReviewFlag]:
    """An "on track" status that the expected percent or a slipped milestone contradicts."""
    schedule = update.action.schedule
    if update.percent_complete is None or schedule is None:
        return []  # nothing to compare with (an action is scheduled once its plan is active)
    month = start_month()
    expected = progress.expected_percent(schedule, quarter.end_date(month), month)
    variance = progress.schedule_variance(update.percent_complete, expected)
    flag = progress.status_flag(update.status, variance, _slipped(update, forecasts))
    if flag == ScheduleFlag.BEHIND_EXPECTED:
        reported = update.percent_complete
        return [ReviewFlag(FlagKind.ON_TRACK_BEHIND, expected=expected, reported=reported)]
    if flag == ScheduleFlag.MILESTONE_SLIPPED:
        return [ReviewFlag(FlagKind.ON_TRACK_SLIPPED)]
    return []


def _slipped(update: ProgressUpdate, forecasts: Iterable[MilestoneForecast]) -> int:
    """Milestones this update forecasts or completes after their baseline due date."""
    due = {m.id: m for m in update.action.milestones}
    count = 0
    for f in forecasts:
        milestone = due.get(f.milestone_id)
        if milestone is None:
            continue
        days = progress.milestone_slippage_days(milestone, f.completed_on or f.forecast_on)
        count += days is not None and days > 0
    return count


def _milestone_dates(
    update: ProgressUpdate, forecasts: Iterable[MilestoneForecast]
) -> list[ReviewFlag]:
    month = start_month()
    codes: dict[int, Milestone] = {m.id: m for m in update.action.milestones}
    start = update.action.start_quarter
    starts = start.start_date(month) if start is not None else None
    target = update.forecast_completion
    action_ends = target.end_date(month) if target is not None else None
    flags = []
    for f in sorted(
        forecasts, key=lambda f: codes[f.milestone_id].position if f.milestone_id in codes else 0
    ):
        milestone = codes.get(f.milestone_id)
        code = milestone.code if milestone is not None else ""
        if f.forecast_on and f.completed_on and f.forecast_on > f.completed_on:
            flags.append(ReviewFlag(FlagKind.FORECAST_AFTER_DONE, milestone=code, on=f.forecast_on))
        if f.completed_on and starts is not None and f.completed_on < starts:
            flags.append(ReviewFlag(FlagKind.DONE_BEFORE_START, milestone=code, on=f.completed_on))
        if f.completed_on is None and f.forecast_on and action_ends and f.forecast_on > action_ends:
            flags.append(
                ReviewFlag(FlagKind.MILESTONE_AFTER_ACTION, milestone=code, on=f.forecast_on)
            )
    return flags
