"""Derived progress figures: expected percent, schedule variance, slippage, flags, action status.

Every figure a page, report or job shows about progress is computed here, never in templates.
The maths are pure functions of plain values; `action_statuses` is the one query that says where
each action stands.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from sqlalchemy import ColumnElement, Label, and_, case, func, select

from tracker.extensions import db
from tracker.models import Action, ActionStatus, Department, ProgressUpdate, ReportingPeriod
from tracker.models.types import WorkflowState
from tracker.services.fiscal import DEFAULT_START_MONTH, FiscalQuarter

# A department reporting "on track" more than this many points behind the expected percent is
# flagged: small gaps are noise in a linear estimate, ten points is a quarter's work or more.
VARIANCE_THRESHOLD = 10.0

FLAG_BEHIND_EXPECTED = "behind_expected"
FLAG_MILESTONE_SLIPPED = "milestone_slipped"

MILESTONE_DONE = "done"
MILESTONE_LATE = "late"
MILESTONE_UPCOMING = "upcoming"


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
    start = action.start_quarter.start_date(start_month)
    end = action.current_target.end_date(start_month)
    if at <= start:
        return 0.0
    if at >= end:
        return 100.0
    return 100.0 * (at - start).days / (end - start).days


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
        return FLAG_BEHIND_EXPECTED
    if slipped_milestones > 0:
        return FLAG_MILESTONE_SLIPPED
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
        state = MILESTONE_DONE
    elif milestone.baseline_due < today:
        state = MILESTONE_LATE
    else:
        state = MILESTONE_UPCOMING
    return MilestoneProgress(milestone.baseline_due, forecast_on, completed_on, slippage, state)


def count_slipped(progress: Iterable[MilestoneProgress]) -> int:
    """Milestones forecast or completed after their baseline due date."""
    return sum(1 for p in progress if p.slippage_days is not None and p.slippage_days > 0)


@dataclass(frozen=True)
class ActionState:
    """An action's current status: from its latest accepted update, else its latest submitted."""

    update_id: int
    status: str
    percent: int
    quarter: FiscalQuarter
    state: str
    department: str  # acronym of the reporting department


def _latest_first() -> Label[int]:
    """Rank of each update within its action: accepted before submitted, then the latest
    quarter, then the lead department's, then the newest row."""
    return (
        func.row_number()
        .over(
            partition_by=ProgressUpdate.action_id,
            order_by=(
                case((ProgressUpdate.state == WorkflowState.ACCEPTED.value, 0), else_=1),
                ReportingPeriod.quarter.desc(),
                case((ProgressUpdate.department_id == Action.lead_department_id, 0), else_=1),
                ProgressUpdate.id.desc(),
            ),
        )
        .label("rank")
    )


def _counted(action_ids: Collection[int], as_of_period_id: int | None) -> ColumnElement[bool]:
    """Accepted or submitted updates of `action_ids`, up to the as-of period's quarter."""
    conditions: list[ColumnElement[bool]] = [
        ProgressUpdate.action_id.in_(action_ids),
        ProgressUpdate.state.in_([WorkflowState.ACCEPTED.value, WorkflowState.SUBMITTED.value]),
    ]
    if as_of_period_id is not None:
        as_of = select(ReportingPeriod.quarter).where(ReportingPeriod.id == as_of_period_id)
        conditions.append(ReportingPeriod.quarter <= as_of.scalar_subquery())
    return and_(*conditions)


def action_statuses(
    action_ids: Collection[int], as_of_period_id: int | None = None
) -> dict[int, ActionState]:
    """Each action's current state in ONE query; actions with no accepted or submitted update
    (up to the `as_of_period_id` period's quarter, when given) are absent."""
    if not action_ids:
        return {}
    ranked = (
        select(
            ProgressUpdate.id,
            ProgressUpdate.action_id,
            ProgressUpdate.status,
            ProgressUpdate.percent_complete,
            ProgressUpdate.state,
            ReportingPeriod.quarter,
            Department.acronym,
            _latest_first(),
        )
        .join(ReportingPeriod, ReportingPeriod.id == ProgressUpdate.period_id)
        .join(Action, Action.id == ProgressUpdate.action_id)
        .join(Department, Department.id == ProgressUpdate.department_id)
        .where(_counted(action_ids, as_of_period_id))
        .subquery()
    )
    rows = db.session.execute(select(ranked).where(ranked.c.rank == 1)).all()
    return {
        row.action_id: ActionState(
            update_id=row.id,
            status=row.status,
            percent=row.percent_complete,
            quarter=row.quarter,
            state=row.state,
            department=row.acronym,
        )
        for row in rows
    }
