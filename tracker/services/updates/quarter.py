"""A department's quarter: its assigned actions and where each update stands for one period.

Listed are the actions of active plans whose reporting window (first fiscal year up to one
year past the last, the forecast grace) contains the period; the periods offered are those of
the years of the department's active plans (not the quarters of other, older plans). Four
queries whatever the number of actions: the plans' years, the periods, the actions with their
areas and plans, the period's updates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, and_, false, func, select

from tracker.extensions import db
from tracker.fiscal import FiscalQuarter
from tracker.models import (
    Action,
    Plan,
    PlanStatus,
    ProgressUpdate,
    ReportingPeriod,
    StrategicArea,
    User,
    WorkflowState,
)
from tracker.services.calendar import clock
from tracker.services.calendar.periods import PeriodState, state_of
from tracker.services.errors import NotFound
from tracker.services.updates.queries import assigned_actions, department_of
from tracker.services.updates.rules import FORECAST_GRACE_QUARTERS

NOT_STARTED = "not_started"


@dataclass(frozen=True)
class QuarterRow:
    """One assigned action and the department's update on it, if any."""

    action: Action
    update: ProgressUpdate | None
    leads: bool

    @property
    def state(self) -> str:
        """The update's workflow state, or 'not_started' when there is none."""
        return self.update.state if self.update is not None else NOT_STARTED


@dataclass(frozen=True)
class AreaGroup:
    area: StrategicArea
    rows: list[QuarterRow]


@dataclass(frozen=True)
class PlanGroup:
    plan: Plan
    areas: list[AreaGroup]


@dataclass(frozen=True)
class DepartmentQuarter:
    """The page: the chosen period, its state and the actions grouped by plan and area."""

    today: date
    periods: list[ReportingPeriod]
    period: ReportingPeriod | None
    plans: list[PlanGroup]

    @property
    def state(self) -> PeriodState | None:
        """Open, locked or upcoming on `today`."""
        return state_of(self.period, self.today) if self.period else None

    @property
    def days_left(self) -> int | None:
        """Days until the due date (negative when overdue)."""
        return (self.period.due_on - self.today).days if self.period else None

    def count(self, state: str) -> int:
        """How many actions have an update in `state` ('not_started' for none)."""
        return sum(row.state == state for p in self.plans for a in p.areas for row in a.rows)

    @property
    def returned(self) -> list[QuarterRow]:
        """The updates a planner returned to be fixed: the page lists them first."""
        return [
            row
            for p in self.plans
            for a in p.areas
            for row in a.rows
            if row.state == WorkflowState.RETURNED.value
        ]


def department_quarter(user: User, quarter: str | None) -> DepartmentQuarter:
    """The user's department's quarter page, for `quarter` or the current period."""
    department_id = department_of(user)
    today = clock.today()
    opened = list(
        db.session.scalars(
            select(ReportingPeriod)
            .where(ReportingPeriod.opens_on <= today, _within_plan_years(department_id))
            .order_by(ReportingPeriod.quarter.desc())
        )
    )
    period = opened[0] if opened else None
    if quarter is not None:
        period = next((p for p in opened if str(p.quarter) == quarter), None)
        if period is None:
            raise NotFound()
    if period is None:
        return DepartmentQuarter(today, opened, None, [])
    return DepartmentQuarter(today, opened, period, _groups(department_id, period))


def _within_plan_years(department_id: int) -> ColumnElement[bool]:
    """Periods inside the fiscal years (plus the forecast grace) of the active plans the
    department reports on, or of any active plan when it reports on none: not the quarters of
    other, older plans."""
    grace = FORECAST_GRACE_QUARTERS // 4
    first, last = db.session.execute(
        select(func.min(Plan.first_year), func.max(Plan.last_year)).where(
            Plan.id.in_(assigned_actions(department_id).with_only_columns(Plan.id).order_by(None))
        )
    ).one()
    if first is None:
        first, last = db.session.execute(
            select(func.min(Plan.first_year), func.max(Plan.last_year)).where(
                Plan.status == PlanStatus.ACTIVE.value
            )
        ).one()
    if first is None:
        return false()
    return and_(
        ReportingPeriod.quarter >= FiscalQuarter(first, 1),
        ReportingPeriod.quarter <= FiscalQuarter(last + grace, 4),
    )


def _groups(department_id: int, period: ReportingPeriod) -> list[PlanGroup]:
    year = period.quarter.year
    actions = db.session.scalars(
        assigned_actions(department_id, period.quarter)
        .where(Plan.first_year <= year, Plan.last_year + FORECAST_GRACE_QUARTERS // 4 >= year)
        .order_by(Plan.first_year.desc(), Plan.slug, StrategicArea.position, Action.position)
    ).all()
    updates = {
        u.action_id: u
        for u in db.session.scalars(
            select(ProgressUpdate).where(
                ProgressUpdate.department_id == department_id,
                ProgressUpdate.period_id == period.id,
            )
        )
    }
    plans: list[PlanGroup] = []
    for action in actions:
        plan, area = action.area.plan, action.area
        if not plans or plans[-1].plan is not plan:
            plans.append(PlanGroup(plan, []))
        areas = plans[-1].areas
        if not areas or areas[-1].area is not area:
            areas.append(AreaGroup(area, []))
        leads = action.lead_department_id == department_id
        areas[-1].rows.append(QuarterRow(action, updates.get(action.id), leads))
    return plans


STATES = (
    NOT_STARTED,
    WorkflowState.DRAFT.value,
    WorkflowState.RETURNED.value,
    WorkflowState.SUBMITTED.value,
    WorkflowState.ACCEPTED.value,
)
