"""What needs a planner's attention in a plan, as plain frozen data (pages and reports share it).

- missing updates: owed updates (see `obligations`) for periods past their due date that are
  not submitted or accepted now, by department;
- off-track and at-risk actions, from each action's current status;
- overdue milestones: baseline due date passed, no completion date on the milestone and none in
  the action's latest accepted update (latest quarter, the lead's first), as the action page says;
- actions reported on track while their schedule says otherwise (`progress.status_flag`);
- silent actions: active in both of the plan's last two past-due periods, with no submitted or
  accepted update from any department in them or since.

`today` decides which periods are past due and which milestones overdue; update states are read
as they are now. A fixed number of queries whatever the plan's size (the missing updates are
found through `owed_counts`: only the cells short of their owed count are read slot by slot).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from tracker.cache import remember
from tracker.extensions import db
from tracker.fiscal import FiscalQuarter
from tracker.models import (
    Action,
    ActionStatus,
    Milestone,
    MilestoneForecast,
    ObligationFigure,
    ReportingPeriod,
    WorkflowState,
)
from tracker.models.org import Bilingual
from tracker.services.calendar.periods import start_month
from tracker.services.figures import progress
from tracker.services.figures.obligations import (
    COUNTED_STATES,
    ActionRef,
    DepartmentRef,
    PeriodRef,
    PlanRef,
    PlanScope,
    load_scope,
)
from tracker.services.figures.owed_counts import missing_slots
from tracker.vocab import MilestoneState

ATTENTION_STATUSES = (ActionStatus.OFF_TRACK.value, ActionStatus.AT_RISK.value)


@dataclass(frozen=True)
class MissingUpdate:
    """An owed update not submitted for a period past due; `state` None when never started."""

    action: ActionRef
    quarter: FiscalQuarter
    due_on: date
    state: str | None


@dataclass(frozen=True)
class DepartmentMissing:
    department: DepartmentRef
    items: tuple[MissingUpdate, ...]  # newest quarter first, then plan order


@dataclass(frozen=True)
class StatusItem:
    """An action whose current status is off track or at risk."""

    action: ActionRef
    status: str
    percent: int
    quarter: FiscalQuarter
    department: str  # acronym of the reporting department


@dataclass(frozen=True)
class MilestoneRef(Bilingual):
    """A milestone as plain data (`|tr('title')` works on it)."""

    id: int
    action_id: int
    code: str
    title_en: str
    title_fr: str
    baseline_due: date
    completed_on: date | None


@dataclass(frozen=True)
class OverdueMilestone:
    action: ActionRef
    milestone: MilestoneRef
    days_overdue: int
    forecast_on: date | None  # from the latest accepted forecast


@dataclass(frozen=True)
class FlaggedAction:
    """An action reported on track while its variance or a slipped milestone says otherwise."""

    action: ActionRef
    flag: str
    percent: int
    expected: float
    variance: float


@dataclass(frozen=True)
class SilentAction:
    action: ActionRef
    last_reported: FiscalQuarter | None


@dataclass(frozen=True)
class Attention:
    """Everything that needs attention in one plan on `today`."""

    plan: PlanRef
    today: date
    missing: tuple[DepartmentMissing, ...]
    off_track: tuple[StatusItem, ...]  # off track first, then at risk, in plan order
    overdue_milestones: tuple[OverdueMilestone, ...]
    flagged: tuple[FlaggedAction, ...]
    silent: tuple[SilentAction, ...]
    silent_quarters: tuple[FiscalQuarter, ...]  # the two periods silence is judged on

    @property
    def missing_count(self) -> int:
        """How many updates are missing, all departments together."""
        return sum(len(d.items) for d in self.missing)


def needs_attention(plan_id: int, today: date) -> Attention:
    """The needs-attention lists of plan `plan_id` on `today`; kept until the data changes
    (`tracker.cache`)."""
    return remember(
        "attention",
        (plan_id, today),
        lambda: _needs_attention(plan_id, today),
        plan=plan_id,
        drafts=True,
    )


def _needs_attention(plan_id: int, today: date) -> Attention:
    scope = load_scope(plan_id, today)
    milestones = _milestones(plan_id)
    forecasts = _latest_accepted_forecasts(scope)
    closed = [p for p in scope.periods if p.past_due(today)]
    return Attention(
        plan=scope.plan,
        today=today,
        missing=_missing(scope, closed),
        off_track=_off_track(scope),
        overdue_milestones=_overdue(scope, milestones, forecasts, today),
        flagged=_flagged(scope, milestones, forecasts, today),
        silent=_silent(scope, closed[-2:]),
        silent_quarters=tuple(p.quarter for p in closed[-2:]),
    )


def _missing(scope: PlanScope, closed: list[PeriodRef]) -> tuple[DepartmentMissing, ...]:
    """Owed updates of past-due periods that are not submitted or accepted, by department."""
    if not closed or not scope.actions:
        return ()
    periods = {p.id: p for p in closed}
    actions = {a.id: (n, a) for n, a in enumerate(scope.actions)}
    found: dict[int, list[tuple[int, int, MissingUpdate]]] = defaultdict(list)
    for department_id, action_id, period_id, state in missing_slots(scope, closed):
        period, (position, action) = periods[period_id], actions[action_id]
        item = MissingUpdate(action, period.quarter, period.due_on, state)
        found[department_id].append((-period.quarter.ordinal, position, item))
    departments = sorted(found, key=lambda d: scope.departments[d].acronym)
    return tuple(
        DepartmentMissing(scope.departments[d], tuple(i for *_, i in sorted(found[d])))
        for d in departments
    )


def _off_track(scope: PlanScope) -> tuple[StatusItem, ...]:
    """Actions whose current status is off track, then those at risk."""
    items = []
    for action in scope.actions:
        state = scope.statuses.get(action.id)
        if state is not None and state.status in ATTENTION_STATUSES:
            item = StatusItem(action, state.status, state.percent, state.quarter, state.department)
            items.append((ATTENTION_STATUSES.index(state.status), item))
    return tuple(item for _, item in sorted(items, key=lambda pair: pair[0]))


def _milestones(plan_id: int) -> dict[int, list[MilestoneRef]]:
    """The plan's milestones by action id, in position order."""
    found: dict[int, list[MilestoneRef]] = defaultdict(list)
    for m in db.session.scalars(
        select(Milestone)
        .join(Action, Action.id == Milestone.action_id)
        .where(Action.plan_id == plan_id)
        .order_by(Milestone.action_id, Milestone.position, Milestone.code)
    ):
        found[m.action_id].append(
            MilestoneRef(
                m.id, m.action_id, m.code, m.title_en, m.title_fr, m.baseline_due, m.completed_on
            )
        )
    return found


def _latest_accepted_forecasts(scope: PlanScope) -> dict[int, tuple[date | None, date | None]]:
    """Milestone id -> (forecast_on, completed_on) in its action's latest accepted update.

    That update is the one behind the action's current status when it is accepted (accepted
    updates rank first), as on the plan and action pages."""
    ids = [s.update_id for s in scope.statuses.values() if s.state == WorkflowState.ACCEPTED]
    if not ids:
        return {}
    rows = db.session.execute(
        select(
            MilestoneForecast.milestone_id,
            MilestoneForecast.forecast_on,
            MilestoneForecast.completed_on,
        ).where(MilestoneForecast.update_id.in_(ids))
    )
    return {m: (forecast_on, completed_on) for m, forecast_on, completed_on in rows}


def _progress(
    milestone: MilestoneRef, forecasts: dict[int, tuple[date | None, date | None]], today: date
) -> progress.MilestoneProgress:
    """The milestone's progress; its own completion date wins over the forecast's."""
    forecast_on, completed_on = forecasts.get(milestone.id, (None, None))
    return progress.milestone_progress(
        milestone, forecast_on, milestone.completed_on or completed_on, today
    )


def _overdue(
    scope: PlanScope,
    milestones: dict[int, list[MilestoneRef]],
    forecasts: dict[int, tuple[date | None, date | None]],
    today: date,
) -> tuple[OverdueMilestone, ...]:
    """Milestones past their baseline due date and not completed, in plan order."""
    items = []
    for action in scope.actions:
        for milestone in milestones.get(action.id, []):
            state = _progress(milestone, forecasts, today)
            if state.state == MilestoneState.LATE:
                days = (today - milestone.baseline_due).days
                items.append(OverdueMilestone(action, milestone, days, state.forecast_on))
    return tuple(items)


def _flagged(
    scope: PlanScope,
    milestones: dict[int, list[MilestoneRef]],
    forecasts: dict[int, tuple[date | None, date | None]],
    today: date,
) -> tuple[FlaggedAction, ...]:
    """Actions reported on track while behind the expected percent or with a slipped milestone."""
    month = start_month()
    items = []
    for action in scope.actions:
        state = scope.statuses.get(action.id)
        if state is None or state.status != ActionStatus.ON_TRACK:
            continue
        expected = progress.expected_percent(action, today, month)
        variance = progress.schedule_variance(state.percent, expected)
        slipped = progress.count_slipped(
            _progress(m, forecasts, today) for m in milestones.get(action.id, [])
        )
        flag = progress.status_flag(state.status, variance, slipped)
        if flag is not None:
            items.append(FlaggedAction(action, flag, state.percent, expected, variance))
    return tuple(items)


def _silent(scope: PlanScope, last_two: list[PeriodRef]) -> tuple[SilentAction, ...]:
    """Actions active in both `last_two` periods with no counted update in them or since."""
    if len(last_two) < 2 or not scope.actions:
        return ()
    older, newer = last_two[0].quarter, last_two[1].quarter
    recent = select(ReportingPeriod.id).where(ReportingPeriod.quarter >= older)
    slot = ObligationFigure  # the updates' states, from the update slots' rollup
    # Per action, the first counted slot of a recent period found (the index on period and
    # action), not every one of them.
    spoke_in_them = (
        select(slot.action_id)
        .where(slot.action_id == Action.id, slot.period_id.in_(recent))
        .where(slot.state.in_(COUNTED_STATES))
        .exists()
    )
    spoke = set(
        db.session.scalars(select(Action.id).where(Action.plan_id == scope.plan.id, spoke_in_them))
    )
    silent = [
        a
        for a in scope.actions
        if scope.active(a, older) and scope.active(a, newer) and a.id not in spoke
    ]
    rows = db.session.execute(
        select(slot.action_id, func.max(ReportingPeriod.quarter))
        .join(ReportingPeriod, ReportingPeriod.id == slot.period_id)
        .where(slot.action_id.in_([a.id for a in silent]))
        .where(slot.state.in_(COUNTED_STATES))
        .group_by(slot.action_id)
    )
    last_reported: dict[int, FiscalQuarter] = {action_id: quarter for action_id, quarter in rows}
    return tuple(SilentAction(a, last_reported.get(a.id)) for a in silent)
