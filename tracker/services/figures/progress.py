"""Derived progress figures: expected percent, schedule variance, slippage, flags, action status.

Every figure a page, report or job shows about progress is computed here, never in templates.
The maths are pure functions of plain values; `action_statuses` is the one query that says where
each action stands.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from sqlalchemy import (
    ColumnElement,
    ScalarSelect,
    String,
    Subquery,
    case,
    func,
    literal,
    select,
)
from sqlalchemy.orm import aliased

from tracker.extensions import db
from tracker.fiscal import DEFAULT_START_MONTH, FiscalQuarter
from tracker.models import Action, ActionStatus, Department, ProgressUpdate, ReportingPeriod
from tracker.vocab import MilestoneState, ScheduleFlag, WorkflowState

# A department reporting "on track" more than this many points behind the expected percent is
# flagged: small gaps are noise in a linear estimate, ten points is a quarter's work or more.
VARIANCE_THRESHOLD = 10.0



# A condition on progress updates, given the entity to build it on (the table or an alias).
Condition = Callable[[type[ProgressUpdate]], ColumnElement[bool]]


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
    """An action's current status: from its latest accepted update, else its latest submitted."""

    update_id: int
    status: str
    percent: int
    quarter: FiscalQuarter
    state: str
    department: str  # acronym of the reporting department


def _quarter_limit(as_of_period_id: int | None) -> ScalarSelect[FiscalQuarter] | None:
    """The quarter of the as-of period, as a scalar subquery (None: no limit)."""
    if as_of_period_id is None:
        return None
    as_of = aliased(ReportingPeriod)
    return select(as_of.quarter).where(as_of.id == as_of_period_id).scalar_subquery()


def _latest_period(
    state: WorkflowState,
    up_to: ColumnElement[FiscalQuarter] | FiscalQuarter | None,
    extra: Condition | None,
) -> ScalarSelect[int]:
    """For the enclosing query's action: the newest period (by quarter, up to `up_to`) holding
    one of its updates in `state` that meets `extra`. Walks the periods from the newest, one
    index probe each, so the cost does not grow with the number of updates."""
    exists = (
        select(ProgressUpdate.id)
        .where(
            ProgressUpdate.action_id == Action.id,
            ProgressUpdate.period_id == ReportingPeriod.id,
            ProgressUpdate.state == state.value,
            *([extra(ProgressUpdate)] if extra else []),
        )
        .correlate(Action, ReportingPeriod)
        .exists()
    )
    stmt = select(ReportingPeriod.id).where(exists).correlate(Action)
    if up_to is not None:
        stmt = stmt.where(ReportingPeriod.quarter <= up_to)
    return stmt.order_by(ReportingPeriod.quarter.desc()).limit(1).scalar_subquery()


def chosen_updates(
    action_ids: Collection[int],
    states: Sequence[WorkflowState] = (WorkflowState.ACCEPTED, WorkflowState.SUBMITTED),
    up_to: ColumnElement[FiscalQuarter] | FiscalQuarter | None = None,
    extra: Condition | None = None,
) -> Subquery:
    """(action_id, update_id) of each action's current update among those in `states` that
    meet `extra` (a condition built on the update entity it is given), up to quarter `up_to`:
    in the newest period holding one in the first state (else in the next state...), the lead
    department's, else the newest row. Actions without any are absent. Cost: a few index
    probes per action."""
    latest = [_latest_period(state, up_to, extra) for state in states]
    if len(states) == 1:
        period: ColumnElement[int] = latest[0]
        state: ColumnElement[str] = literal(states[0].value, String)
    else:
        period = func.coalesce(*latest)
        pairs = zip(latest[:-1], states, strict=False)
        state = case(*((found.is_not(None), s.value) for found, s in pairs), else_=states[-1].value)
    best = (
        select(
            Action.id.label("action_id"),
            Action.lead_department_id.label("lead"),
            period.label("period_id"),
            state.label("state"),
        )
        .where(Action.id.in_(action_ids))
        .subquery()
    )
    row = aliased(ProgressUpdate)
    row_extra = [extra(row)] if extra else []

    def newest(*also: ColumnElement[bool]) -> ScalarSelect[int]:
        return (
            select(func.max(row.id))
            .where(
                row.action_id == best.c.action_id,
                row.period_id == best.c.period_id,
                row.state == best.c.state,
                *row_extra,
                *also,
            )
            .scalar_subquery()
        )

    chosen = func.coalesce(newest(row.department_id == best.c.lead), newest())
    return (
        select(best.c.action_id, chosen.label("update_id"))
        .where(best.c.period_id.is_not(None))
        .subquery()
    )


def action_statuses(
    action_ids: Collection[int], as_of_period_id: int | None = None
) -> dict[int, ActionState]:
    """Each action's current state in ONE query; actions with no accepted or submitted update
    (up to the `as_of_period_id` period's quarter, when given) are absent. Latest accepted
    update first, else latest submitted; within a quarter the lead department's, else the
    newest row."""
    if not action_ids:
        return {}
    chosen = chosen_updates(action_ids, up_to=_quarter_limit(as_of_period_id))
    rows = db.session.execute(
        select(
            ProgressUpdate.id,
            ProgressUpdate.action_id,
            ProgressUpdate.status,
            ProgressUpdate.percent_complete,
            ProgressUpdate.state,
            ReportingPeriod.quarter,
            Department.acronym,
        )
        .select_from(chosen)
        .join(ProgressUpdate, ProgressUpdate.id == chosen.c.update_id)
        .join(ReportingPeriod, ReportingPeriod.id == ProgressUpdate.period_id)
        .join(Department, Department.id == ProgressUpdate.department_id)
    ).all()
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
