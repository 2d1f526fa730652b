"""Reads behind the JSON API that the pages' services do not already provide.

Each function runs a fixed number of queries whatever the data size, and scopes progress updates
in the query itself: department users read only their own department's updates, everyone else
reads every department's updates except drafts (a draft belongs to its department until sent).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import contains_eager, selectinload

from tracker.extensions import db
from tracker.fiscal import FiscalQuarter
from tracker.models import (
    Action,
    Department,
    MilestoneForecast,
    Plan,
    PlanStatus,
    ProgressUpdate,
    ReportingPeriod,
    Role,
    StrategicArea,
    User,
    WorkflowState,
)
from tracker.services.calendar import periods
from tracker.services.errors import NotFound
from tracker.services.plans import reads


class FilterInvalid(ValueError):
    """A filter names something that does not exist; `field` is the parameter."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class NotPermitted(PermissionError):
    """The viewer asked for updates their role may not read."""


def sees_drafts(viewer: User) -> bool:
    """Whether `viewer` may know draft plans exist: departments never do (as on the pages)."""
    return viewer.role != Role.DEPARTMENT


def check_visible(slug: str, viewer: User) -> None:
    """NotFound when the plan is a draft that `viewer` may not see (or does not exist)."""
    if not sees_drafts(viewer) and reads.is_draft(slug):
        raise NotFound()


def plan_page(page: int, per_page: int, viewer: User | None = None) -> Pagination:
    """A page of plans, active first, newest first (the order of the plans page); without
    the drafts when `viewer` may not see them."""
    query = select(Plan).order_by(Plan.status, Plan.first_year.desc(), Plan.slug)
    if viewer is not None and not sees_drafts(viewer):
        query = query.where(Plan.status != PlanStatus.DRAFT.value)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


@dataclass(frozen=True)
class PeriodPage:
    """A page of reporting periods, oldest first, and the one departments report on today."""

    pagination: Pagination
    current: ReportingPeriod | None
    today: date


def period_page(page: int, per_page: int, today: date) -> PeriodPage:
    """A page of reporting periods with today's current period."""
    query = select(ReportingPeriod).order_by(ReportingPeriod.quarter)
    pagination = db.paginate(query, page=page, per_page=per_page, error_out=False)
    return PeriodPage(pagination, periods.current_period(today), today)


@dataclass(frozen=True)
class UpdateFilters:
    """What the list of updates is narrowed to; None means no filter."""

    period: FiscalQuarter | None = None
    department: str | None = None
    state: WorkflowState | None = None


@dataclass(frozen=True)
class UpdatePage:
    """A page of one plan's progress updates for one period (the current one by default)."""

    plan: Plan
    period: ReportingPeriod
    pagination: Pagination


def _plan_row(slug: str) -> Plan:
    plan = db.session.scalar(select(Plan).where(Plan.slug == slug))
    if plan is None:
        raise NotFound()
    return plan


def _period(quarter: FiscalQuarter | None, today: date) -> ReportingPeriod:
    if quarter is None:
        current = periods.current_period(today)
        if current is None:
            raise FilterInvalid("period", _("No reporting period has opened yet: name one."))
        return current
    period = db.session.scalar(select(ReportingPeriod).where(ReportingPeriod.quarter == quarter))
    if period is None:
        raise FilterInvalid("period", _("There is no reporting period for %(q)s.", q=str(quarter)))
    return period


def _department_id(acronym: str) -> int:
    found = db.session.scalar(select(Department.id).where(Department.acronym == acronym))
    if found is None:
        raise FilterInvalid("department", _("There is no department %(a)s.", a=acronym))
    return found


def _scope(viewer: User, filters: UpdateFilters) -> list[ColumnElement[bool]]:
    """The conditions that keep the viewer to what their role may read."""
    if viewer.role == Role.DEPARTMENT.value:
        own = viewer.department.acronym if viewer.department else None
        if filters.department is not None and filters.department != own:
            raise NotPermitted(_("Department users can only read their own department's updates."))
        return [ProgressUpdate.department_id == viewer.department_id]
    if filters.state is WorkflowState.DRAFT:
        raise NotPermitted(_("Drafts can only be read by their department."))
    return [ProgressUpdate.state != WorkflowState.DRAFT.value]


def _updates_query(plan_id: int, conditions: list[ColumnElement[bool]]) -> Select[ProgressUpdate]:
    return (
        select(ProgressUpdate)
        .join(ProgressUpdate.action)
        .join(Action.area)
        .join(ProgressUpdate.department)
        .join(ProgressUpdate.period)
        .where(Action.plan_id == plan_id, *conditions)
        .options(
            contains_eager(ProgressUpdate.action),
            contains_eager(ProgressUpdate.department),
            contains_eager(ProgressUpdate.period),
            selectinload(ProgressUpdate.milestone_forecasts).joinedload(
                MilestoneForecast.milestone
            ),
        )
        .order_by(
            ReportingPeriod.quarter.desc(),
            StrategicArea.position,
            Action.position,
            Department.acronym,
            ProgressUpdate.id,
        )
    )


def update_page(
    slug: str, filters: UpdateFilters, viewer: User, page: int, per_page: int, today: date
) -> UpdatePage:
    """The viewer's page of plan `slug`'s updates for the filtered (or current) period."""
    check_visible(slug, viewer)
    plan = _plan_row(slug)
    conditions = _scope(viewer, filters)
    period = _period(filters.period, today)
    conditions.append(ProgressUpdate.period_id == period.id)
    if filters.department is not None:
        conditions.append(ProgressUpdate.department_id == _department_id(filters.department))
    if filters.state is not None:
        conditions.append(ProgressUpdate.state == filters.state.value)
    pagination = db.paginate(
        _updates_query(plan.id, conditions), page=page, per_page=per_page, error_out=False
    )
    return UpdatePage(plan, period, pagination)
