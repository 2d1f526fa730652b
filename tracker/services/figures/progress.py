"""Derived progress figures: expected percent, schedule variance, slippage, flags, action status.

Every figure a page, report or job shows about progress is computed here, never in templates.
The maths are pure functions of plain values; `action_statuses` is the one query that says where
each action stands, by the counted-update rule of `counted`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from sqlalchemy import ColumnElement, Row, Subquery, select
from sqlalchemy.orm import QueryableAttribute

from tracker.extensions import db
from tracker.fiscal import DEFAULT_START_MONTH, FiscalQuarter
from tracker.models import ActionStatus, Department, ProgressUpdate, ReportingPeriod
from tracker.services.figures import counted, rollups
from tracker.vocab import MilestoneState, ScheduleFlag, WorkflowState

# A department reporting "on track" more than this many points behind the expected percent is
# flagged: small gaps are noise in a linear estimate, ten points is a quarter's work or more.
VARIANCE_THRESHOLD = 10.0

# A row of `chosen_states`: the counted subquery's columns, then the caller's, then the update's.
ChosenRow = Row[*tuple[Any, ...]]


class Scheduled(Protocol):
    """Anything with a start and current target quarter (an Action, or a test stand-in)."""

    @property
    def start_quarter(self) -> FiscalQuarter: ...

    @property
    def current_target(self) -> FiscalQuarter: ...


class Retargeted(Protocol):
    """Anything with a baseline and current target quarter."""

    @property
    def baseline_target(self) -> FiscalQuarter: ...

    @property
    def current_target(self) -> FiscalQuarter: ...


class Due(Protocol):
    """Anything with a baseline due date (a Milestone, or a test stand-in)."""

    @property
    def baseline_due(self) -> date: ...


def expected_percent(action: Scheduled, at: date, start_month: int = DEFAULT_START_MONTH) -> float:
    """Percent complete expected at `at`, linear from the start quarter's first day (0) to the
    current target quarter's last day (100); 0 before, 100 after."""
    return expected_percents(action, [at], start_month)[0]


def expected_percents(
    action: Scheduled, dates: Sequence[date], start_month: int = DEFAULT_START_MONTH
) -> list[float]:
    """`expected_percent` at each of `dates`, the action's first and last day computed once
    (a plan's trends ask it of 100 actions at 40 quarter ends)."""
    start = action.start_quarter.start_date(start_month)
    end = action.current_target.end_date(start_month)
    span = (end - start).days
    return [
        0.0 if at <= start else 100.0 if at >= end else 100.0 * (at - start).days / span
        for at in dates
    ]


def expected_percent_by_milestones(milestones: Collection[Due], at: date) -> float | None:
    """Percent of milestones whose baseline due date is on or before `at`; None without any."""
    if not milestones:
        return None
    due = sum(1 for m in milestones if m.baseline_due <= at)
    return 100.0 * due / len(milestones)


def schedule_variance(reported: float, expected: float) -> float:
    """Reported percent minus expected percent: negative means behind schedule."""
    return reported - expected


def status_flag(status: str, variance: float | None, slipped_milestones: int) -> str | None:
    """A flag code when "on track" is contradicted by the variance or a slipped milestone."""
    if status != ActionStatus.ON_TRACK:
        return None
    if variance is not None and variance < -VARIANCE_THRESHOLD:
        return ScheduleFlag.BEHIND_EXPECTED
    if slipped_milestones > 0:
        return ScheduleFlag.MILESTONE_SLIPPED
    return None


def slippage_quarters(action: Retargeted) -> int:
    """Quarters from the baseline to the current target (positive = later than planned)."""
    return action.current_target - action.baseline_target


def milestone_slippage_days(milestone: Due, forecast_or_completed: date | None) -> int | None:
    """Days from the baseline due date to the forecast or completion date (positive = late)."""
    if forecast_or_completed is None:
        return None
    return (forecast_or_completed - milestone.baseline_due).days


@dataclass(frozen=True)
class MilestoneProgress:
    """Where one milestone stands: dates, slippage in days and a state (done/late/upcoming)."""

    baseline_due: date
    forecast_on: date | None
    completed_on: date | None
    slippage_days: int | None
    state: str


def milestone_progress(
    milestone: Due, forecast_on: date | None, completed_on: date | None, today: date
) -> MilestoneProgress:
    """Done when completed; late when not completed and its baseline due date has passed."""
    slippage = milestone_slippage_days(milestone, completed_on or forecast_on)
    if completed_on is not None:
        state = MilestoneState.DONE
    elif milestone.baseline_due < today:
        state = MilestoneState.LATE
    else:
        state = MilestoneState.UPCOMING
    return MilestoneProgress(milestone.baseline_due, forecast_on, completed_on, slippage, state)


def count_slipped(progress: Iterable[MilestoneProgress]) -> int:
    """Milestones forecast or completed after their baseline due date."""
    return sum(1 for p in progress if p.slippage_days is not None and p.slippage_days > 0)


@dataclass(frozen=True)
class ActionState:
    """An action's current status: from its counted update (`counted`: latest accepted, else
    latest submitted)."""

    update_id: int
    action_id: int
    status: str
    percent: int
    quarter: FiscalQuarter
    state: str
    department: str  # acronym of the reporting department


def chosen_states(
    chosen: Subquery, *also: ColumnElement[Any] | QueryableAttribute[Any]
) -> list[tuple[ChosenRow, ActionState]]:
    """Each row of a `counted.counted_updates` subquery (its columns, then `also`, columns of
    the chosen update) with the state its update gives the action."""
    rows = db.session.execute(
        select(
            *chosen.c,
            *also,
            ProgressUpdate.id.label("chosen_id"),
            ProgressUpdate.status,
            ProgressUpdate.percent_complete,
            ProgressUpdate.state.label("chosen_state"),
            ReportingPeriod.quarter.label("chosen_quarter"),
            Department.acronym,
        )
        .select_from(chosen)
        .join(ProgressUpdate, ProgressUpdate.id == chosen.c.update_id)
        .join(ReportingPeriod, ReportingPeriod.id == ProgressUpdate.period_id)
        .join(Department, Department.id == ProgressUpdate.department_id)
    ).all()
    return [
        (
            row,
            ActionState(
                update_id=row.chosen_id,
                action_id=row.action_id,
                status=row.status,
                percent=row.percent_complete,
                quarter=row.chosen_quarter,
                state=row.chosen_state,
                department=row.acronym,
            ),
        )
        for row in rows
    ]


def state_of(row: Any) -> ActionState:
    """The state a rollup row (`rollups.standing_rows`) gives its action."""
    return ActionState(
        update_id=row.update_id,
        action_id=row.action_id,
        status=row.status,
        percent=row.percent,
        quarter=row.update_quarter,
        state=row.state,
        department=row.acronym,
    )


def action_statuses(
    action_ids: Collection[int],
    as_of: FiscalQuarter | None = None,
    states: Sequence[WorkflowState] = counted.COUNTED,
) -> dict[int, ActionState]:
    """Each action's current state, by the rule of `counted`: latest accepted update, else
    latest submitted (from the rollups, two queries), up to quarter `as_of` when given;
    `states=counted.ACCEPTED_ONLY`: latest accepted (one query over the updates). Actions
    without such an update are absent."""
    if not action_ids:
        return {}
    if tuple(states) == counted.COUNTED:
        rows = rollups.standing_rows(action_ids, [as_of])[as_of]
        return {row.action_id: state_of(row) for row in rows}
    chosen = counted.counted_updates(action_ids, [as_of] if as_of else None, states=states)
    return {state.action_id: state for _, state in chosen_states(chosen)}


class Reported(Protocol):
    """What an action reported as of a quarter: its counted update's status and percent."""

    @property
    def status(self) -> str: ...

    @property
    def percent(self) -> int: ...


def percents_by_period(
    action_ids: Collection[int], period_ids: Sequence[int]
) -> list[dict[int, Reported]]:
    """For each of the reporting periods `period_ids`, the status and percent of each action's
    counted update as of the period's quarter (`action_statuses` for every quarter, from the
    rollups in one query, with only those two columns)."""
    found = rollups.percent_rows(action_ids, period_ids)
    return [{row.action_id: row for row in found[p]} for p in period_ids]
