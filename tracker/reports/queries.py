"""The set-based reads behind a report snapshot: a fixed number of Core selects returning tuples.

Only accepted updates count. An action's year-end update is its accepted update of the latest
quarter up to the end of the year, the lead department's first (the ordering
`progress.action_statuses` uses); a quarter's status is that quarter's accepted update, lead
first.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Label, case, func, select
from sqlalchemy.orm import InstrumentedAttribute

from tracker.extensions import db
from tracker.models import (
    Action,
    Department,
    Milestone,
    MilestoneForecast,
    ProgressUpdate,
    ReportingPeriod,
    StrategicArea,
    WorkflowState,
)
from tracker.services.fiscal import FiscalQuarter

ACCEPTED = WorkflowState.ACCEPTED.value


@dataclass(frozen=True)
class AcceptedUpdate:
    """The accepted update that gives an action its status for a quarter or the year end."""

    id: int
    action_id: int
    quarter: FiscalQuarter
    status: str
    percent: int | None
    department: str


@dataclass(frozen=True)
class AreaData:
    id: int
    code: str
    name_en: str
    name_fr: str
    goal_en: str
    goal_fr: str
    colour: str


@dataclass(frozen=True)
class ActionData:
    """An action's identity and schedule (usable by `progress.expected_percent`)."""

    id: int
    area_id: int
    code: str
    title_en: str
    title_fr: str
    lead: str
    start_quarter: FiscalQuarter
    baseline_target: FiscalQuarter
    current_target: FiscalQuarter


@dataclass(frozen=True)
class MilestoneData:
    id: int
    action_id: int
    code: str
    title_en: str
    title_fr: str
    baseline_due: date
    completed_on: date | None


def _lead_first() -> ColumnElement[int]:
    return case((ProgressUpdate.department_id == Action.lead_department_id, 0), else_=1)


def _ranked(partition: Sequence[ColumnElement[int] | InstrumentedAttribute[int]]) -> Label[int]:
    """Rank within `partition`: latest quarter, then the lead department's, then newest row."""
    order = (ReportingPeriod.quarter.desc(), _lead_first(), ProgressUpdate.id.desc())
    return func.row_number().over(partition_by=partition, order_by=order).label("rank")


def areas(plan_id: int) -> list[AreaData]:
    """The plan's strategic areas in plan order."""
    rows = db.session.execute(
        select(
            StrategicArea.id,
            StrategicArea.code,
            StrategicArea.name_en,
            StrategicArea.name_fr,
            StrategicArea.goal_en,
            StrategicArea.goal_fr,
            StrategicArea.colour,
        )
        .where(StrategicArea.plan_id == plan_id)
        .order_by(StrategicArea.position, StrategicArea.code)
    )
    return [AreaData(*row) for row in rows]


def actions(plan_id: int) -> list[ActionData]:
    """The plan's actions in plan order: area position, then action position."""
    rows = db.session.execute(
        select(
            Action.id,
            Action.area_id,
            Action.code,
            Action.title_en,
            Action.title_fr,
            Department.acronym,
            Action.start_quarter,
            Action.baseline_target,
            Action.current_target,
        )
        .join(Department, Department.id == Action.lead_department_id)
        .join(StrategicArea, StrategicArea.id == Action.area_id)
        .where(Action.plan_id == plan_id)
        .order_by(StrategicArea.position, StrategicArea.code, Action.position, Action.code)
    )
    return [ActionData(*row) for row in rows]


def _accepted(
    plan_id: int, first: FiscalQuarter, last: FiscalQuarter, by_quarter: bool
) -> list[AcceptedUpdate]:
    """Rank-1 accepted updates per action (and per quarter when `by_quarter`) in first..last."""
    partition: list[ColumnElement[int] | InstrumentedAttribute[int]] = [ProgressUpdate.action_id]
    if by_quarter:
        partition.append(ProgressUpdate.period_id)
    ranked = (
        select(
            ProgressUpdate.id,
            ProgressUpdate.action_id,
            ReportingPeriod.quarter,
            ProgressUpdate.status,
            ProgressUpdate.percent_complete,
            Department.acronym,
            _ranked(partition),
        )
        .join(ReportingPeriod, ReportingPeriod.id == ProgressUpdate.period_id)
        .join(Action, Action.id == ProgressUpdate.action_id)
        .join(Department, Department.id == ProgressUpdate.department_id)
        .where(
            Action.plan_id == plan_id,
            ProgressUpdate.state == ACCEPTED,
            ReportingPeriod.quarter >= first,
            ReportingPeriod.quarter <= last,
        )
        .subquery()
    )
    rows = db.session.execute(select(*ranked.c[:6]).where(ranked.c.rank == 1))
    return [AcceptedUpdate(*row) for row in rows]


def quarterly_accepted(plan_id: int, year: int) -> list[AcceptedUpdate]:
    """The accepted update that sets each action's status in each quarter of `year`."""
    return _accepted(plan_id, FiscalQuarter(year, 1), FiscalQuarter(year, 4), by_quarter=True)


def earlier_accepted(plan_id: int, year: int, action_ids: Collection[int]) -> list[AcceptedUpdate]:
    """For actions with no accepted update in `year`: their latest accepted one before it."""
    if not action_ids:
        return []
    found = _accepted(plan_id, FiscalQuarter(0, 1), FiscalQuarter(year - 1, 4), by_quarter=False)
    wanted = set(action_ids)
    return [u for u in found if u.action_id in wanted]


def narratives(update_ids: Collection[int]) -> dict[int, tuple[str, str]]:
    """Update id -> (accomplishments, risks)."""
    if not update_ids:
        return {}
    rows = db.session.execute(
        select(ProgressUpdate.id, ProgressUpdate.accomplishments, ProgressUpdate.risks).where(
            ProgressUpdate.id.in_(update_ids)
        )
    )
    return {update_id: (done, risks) for update_id, done, risks in rows}


def state_counts(plan_id: int, year: int) -> dict[str, int]:
    """The year's updates of the plan by workflow state, as they are now."""
    rows = db.session.execute(
        select(ProgressUpdate.state, func.count())
        .join(ReportingPeriod, ReportingPeriod.id == ProgressUpdate.period_id)
        .join(Action, Action.id == ProgressUpdate.action_id)
        .where(
            Action.plan_id == plan_id,
            ReportingPeriod.quarter >= FiscalQuarter(year, 1),
            ReportingPeriod.quarter <= FiscalQuarter(year, 4),
        )
        .group_by(ProgressUpdate.state)
    )
    return {state: count for state, count in rows}


def milestones(plan_id: int) -> list[MilestoneData]:
    """Every milestone of the plan, by action then position."""
    rows = db.session.execute(
        select(
            Milestone.id,
            Milestone.action_id,
            Milestone.code,
            Milestone.title_en,
            Milestone.title_fr,
            Milestone.baseline_due,
            Milestone.completed_on,
        )
        .join(Action, Action.id == Milestone.action_id)
        .where(Action.plan_id == plan_id)
        .order_by(Milestone.action_id, Milestone.position, Milestone.code)
    )
    return [MilestoneData(*row) for row in rows]


def latest_forecasts(plan_id: int, year: int) -> dict[int, tuple[date | None, date | None]]:
    """Milestone id -> (forecast_on, completed_on) of its latest accepted forecast up to the
    end of `year` (latest quarter, the lead department's first)."""
    rank = _ranked([MilestoneForecast.milestone_id])
    ranked = (
        select(
            MilestoneForecast.milestone_id,
            MilestoneForecast.forecast_on,
            MilestoneForecast.completed_on,
            rank,
        )
        .join(ProgressUpdate, ProgressUpdate.id == MilestoneForecast.update_id)
        .join(ReportingPeriod, ReportingPeriod.id == ProgressUpdate.period_id)
        .join(Action, Action.id == ProgressUpdate.action_id)
        .where(
            Action.plan_id == plan_id,
            ProgressUpdate.state == ACCEPTED,
            ReportingPeriod.quarter <= FiscalQuarter(year, 4),
        )
        .subquery()
    )
    rows = db.session.execute(select(*ranked.c[:3]).where(ranked.c.rank == 1))
    return {m: (forecast_on, completed_on) for m, forecast_on, completed_on in rows}
