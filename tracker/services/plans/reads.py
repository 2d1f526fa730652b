"""Reading plans for the pages: a plan's overview and an action's page, with derived figures.

Each builder runs a fixed number of queries whatever the number of actions: the plan's actions
(as plain data, `outline.plan_outline`, for an overview; the action with selectinload for an
action's page), one `roadmap.standings` query (statuses and forecast targets), one query for the
milestone forecasts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from statistics import fmean
from typing import cast

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from tracker.extensions import db
from tracker.fiscal import FiscalQuarter
from tracker.models import (
    Action,
    ActionStatus,
    Milestone,
    MilestoneForecast,
    Plan,
    PlanStatus,
    StrategicArea,
    WorkflowState,
)
from tracker.services.calendar.periods import start_month
from tracker.services.errors import NotFound
from tracker.services.figures import progress, roadmap
from tracker.services.plans import participants
from tracker.services.plans.outline import ActionItem, plan_outline

# An action as the figures read it: the model (an action's page) or plain (a plan's overview).
Listed = Action | ActionItem


def list_plans(include_drafts: bool = True) -> list[Plan]:
    """Every plan (drafts only when asked), active first, newest first."""
    stmt = select(Plan).order_by(Plan.status, Plan.first_year.desc())
    if not include_drafts:
        stmt = stmt.where(Plan.status != PlanStatus.DRAFT.value)
    return list(db.session.scalars(stmt))


def is_draft(slug: str) -> bool:
    """Whether the plan called `slug` is a draft (which only planners and admins see)."""
    status = db.session.scalar(select(Plan.status).where(Plan.slug == slug))
    return status == PlanStatus.DRAFT.value


def plan_row(slug: str) -> Plan:
    """The plan called `slug` without its tree (NotFound when there is none)."""
    plan = db.session.scalar(select(Plan).where(Plan.slug == slug))
    if plan is None:
        raise NotFound()
    return plan


def get_plan(slug: str) -> Plan:
    """The plan with its areas, actions and milestones, in a fixed number of queries."""
    plan = db.session.scalar(
        select(Plan)
        .where(Plan.slug == slug)
        .options(
            selectinload(Plan.areas)
            .selectinload(StrategicArea.actions)
            .options(selectinload(Action.lead_department), selectinload(Action.milestones))
        )
    )
    if plan is None:
        raise NotFound()
    load_participants(plan.id, [action for area in plan.areas for action in area.actions])
    return plan


def load_participants(plan_id: int, actions: Sequence[Action]) -> None:
    """Fill the `participants` of `actions`, actions of plan `plan_id`, in one light query
    (`participants.participants_by_action`): through the relationship, the 9,900 participant
    pairs of 100 actions of 100 departments would each become a Department row."""
    if not actions:
        return
    found = participants.participants_by_action(plan_id, lambda department: department)
    for action in actions:
        set_committed_value(action, "participants", found.get(action.id, []))


def get_action_and_plan(slug: str, code: str) -> tuple[Action, Plan]:
    """The action `code` of plan `slug` and the plan, in one query, without their trees."""
    found = db.session.execute(
        select(Action, Plan)
        .join(Plan, Plan.id == Action.plan_id)
        .where(Plan.slug == slug, Action.code == code)
    ).first()
    if found is None:
        raise NotFound()
    return found[0], found[1]


def get_action(slug: str, code: str) -> Action:
    """The action `code` of plan `slug`, with its area, plan, departments and milestones."""
    action = db.session.scalar(
        select(Action)
        .join(Plan, Plan.id == Action.plan_id)
        .where(Plan.slug == slug, Action.code == code)
        .options(
            joinedload(Action.area).joinedload(StrategicArea.plan),
            joinedload(Action.lead_department),
            # Both bounded: a plan's departments, the action's own milestones.
            selectinload(Action.participants),
            selectinload(Action.milestones),
        )
    )
    if action is None:
        raise NotFound()
    return action


@dataclass(frozen=True)
class ActionRow:
    """One action with its derived figures (status, expected percent, variance, slippage)."""

    action: Listed
    state: progress.ActionState | None
    expected: float
    variance: float | None
    slippage: int  # current minus baseline target, in quarters (the plan's re-planning)
    flag: str | None
    milestones: list[tuple[Milestone, progress.MilestoneProgress]]
    # `roadmap.target_of`: accepted forecast, else current target (None: a draft's action
    # whose start or targets are not set yet, which has no figures)
    forecast_target: FiscalQuarter | None

    @property
    def forecast_slipped(self) -> bool:
        """Forecast past the baseline target (`roadmap.forecast_slipped`, as the dashboard and
        the roadmap count it)."""
        target, baseline = self.forecast_target, self.action.baseline_target
        return target is not None and baseline is not None and target > baseline


@dataclass(frozen=True)
class AreaRows:
    area: StrategicArea
    rows: list[ActionRow]


@dataclass(frozen=True)
class Headline:
    """A plan's headline figures. Averages cover actions that reported and are not cancelled."""

    actions: int
    completed: int
    on_track: int
    at_risk_or_off_track: int
    slipped: int  # actions forecast past their baseline target (as the dashboard counts them)
    not_reported: int
    flagged: int
    averaged: int
    average_percent: float | None
    average_expected: float | None


@dataclass(frozen=True)
class PlanOverview:
    plan: Plan
    headline: Headline
    areas: list[AreaRows]
    today: date


def _accepted_forecasts(
    states: Collection[progress.ActionState],
) -> dict[int, dict[int, MilestoneForecast]]:
    """Milestone forecasts of the accepted updates among `states`, by update then milestone."""
    ids = [s.update_id for s in states if s.state == WorkflowState.ACCEPTED]
    found: dict[int, dict[int, MilestoneForecast]] = defaultdict(dict)
    if ids:
        for forecast in db.session.scalars(
            select(MilestoneForecast).where(MilestoneForecast.update_id.in_(ids))
        ):
            found[forecast.update_id][forecast.milestone_id] = forecast
    return found


def _milestones(
    action: Listed, forecasts: dict[int, MilestoneForecast], today: date
) -> list[tuple[Milestone, progress.MilestoneProgress]]:
    """Each milestone with its progress; the plan's completion date wins over the forecast's."""
    result = []
    for milestone in action.milestones:
        forecast = forecasts.get(milestone.id)
        forecast_on = forecast.forecast_on if forecast else None
        completed_on = milestone.completed_on or (forecast.completed_on if forecast else None)
        result.append(
            (milestone, progress.milestone_progress(milestone, forecast_on, completed_on, today))
        )
    return result


def _rows(actions: Sequence[Listed], today: date) -> dict[int, ActionRow]:
    """Derived figures of `actions` by action id, in two queries."""
    standing = roadmap.standings([a.id for a in actions])
    states, targets = standing.states, standing.forecasts
    forecasts = _accepted_forecasts(list(states.values()))
    month = start_month()
    rows = {}
    for action in actions:
        state = states.get(action.id)
        schedule = action.schedule
        expected = progress.expected_percent(schedule, today, month) if schedule else 0.0
        variance = progress.schedule_variance(state.percent, expected) if state else None
        milestones = _milestones(action, forecasts[state.update_id] if state else {}, today)
        slipped = progress.count_slipped(p for _, p in milestones)
        flag = progress.status_flag(state.status, variance, slipped) if state else None
        rows[action.id] = ActionRow(
            action,
            state,
            expected,
            variance,
            progress.slippage_quarters(schedule) if schedule else 0,
            flag,
            milestones,
            # Scheduled: its quarters are set, as `roadmap.Targeted` needs.
            roadmap.target_of(cast(roadmap.Targeted, action), targets) if schedule else None,
        )
    return rows


def headline(rows: Collection[ActionRow]) -> Headline:
    """Counts by status, actions forecast past their baseline target (the dashboard's and the
    roadmap's count) and the average reported versus expected percent."""
    statuses = [r.state.status for r in rows if r.state]
    averaged = [r for r in rows if r.state and r.state.status != ActionStatus.CANCELLED]
    return Headline(
        actions=len(rows),
        completed=statuses.count(ActionStatus.COMPLETED),
        on_track=statuses.count(ActionStatus.ON_TRACK),
        at_risk_or_off_track=statuses.count(ActionStatus.AT_RISK)
        + statuses.count(ActionStatus.OFF_TRACK),
        slipped=sum(1 for r in rows if r.forecast_slipped),
        not_reported=sum(1 for r in rows if r.state is None),
        flagged=sum(1 for r in rows if r.flag),
        averaged=len(averaged),
        average_percent=fmean(r.state.percent for r in averaged if r.state) if averaged else None,
        average_expected=fmean(r.expected for r in averaged) if averaged else None,
    )


def plan_overview(slug: str, today: date) -> PlanOverview:
    """A plan, its headline figures and every action's derived figures, area by area (the
    actions as plain data: `outline.plan_outline`)."""
    plan = plan_row(slug)
    outline = plan_outline(plan.id)
    rows = _rows([a for _, actions in outline for a in actions], today)
    areas = [AreaRows(area, [rows[a.id] for a in actions]) for area, actions in outline]
    return PlanOverview(plan, headline(list(rows.values())), areas, today)


@dataclass(frozen=True)
class ActionDetail:
    plan: Plan
    action: Action
    row: ActionRow
    expected_by_milestones: float | None
    today: date


def action_detail(slug: str, code: str, today: date) -> ActionDetail:
    """One action with its status, expected percent, slippage and milestones."""
    action = get_action(slug, code)
    row = _rows([action], today)[action.id]
    by_milestones = progress.expected_percent_by_milestones(action.milestones, today)
    return ActionDetail(action.area.plan, action, row, by_milestones, today)
