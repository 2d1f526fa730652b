"""Planners' review of submitted updates: the queue, what changed, accept or return.

A review changes the update's workflow state, so it follows the period's lock like every
other change: a locked period must be reopened by an administrator before its updates can
be accepted or returned.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import aliased, contains_eager, joinedload, selectinload
from sqlalchemy.orm.exc import StaleDataError

from tracker.cache import remember
from tracker.extensions import db
from tracker.fiscal import FiscalQuarter
from tracker.i18n import current_language
from tracker.models import (
    Action,
    Department,
    Plan,
    PlanStatus,
    ProgressUpdate,
    ReportingPeriod,
    StrategicArea,
    User,
    WorkflowState,
)
from tracker.services.audit.events import add_event
from tracker.services.calendar import clock, periods
from tracker.services.errors import NotFound
from tracker.services.figures.obligations import DepartmentRef, PlanRef, department_ref, plan_ref
from tracker.services.updates.queries import previous_update
from tracker.services.updates.review_flags import Previous, ReviewFlag, review_flags
from tracker.services.updates.revisions import record_revision, snapshot_of
from tracker.services.updates.rules import UpdateConflict, UpdateInvalid, UpdateNotEditable
from tracker.services.updates.save import SaveResult

PER_PAGE = 25


class Decision(StrEnum):
    ACCEPT = "accept"
    RETURN = "return"


TARGET = {Decision.ACCEPT: WorkflowState.ACCEPTED, Decision.RETURN: WorkflowState.RETURNED}


@dataclass(frozen=True)
class QueueFilters:
    """The queue's filters: plan slug, department acronym, area id, page."""

    plan: str = ""
    department: str = ""
    area: int | None = None
    page: int = 1


@dataclass(frozen=True)
class PreviousValues:
    """The last accepted values before an update's quarter."""

    quarter: FiscalQuarter
    status: str
    percent_complete: int | None
    forecast_completion: FiscalQuarter | None


@dataclass(frozen=True)
class QueueItem:
    update: ProgressUpdate
    previous: PreviousValues | None
    flags: tuple[ReviewFlag, ...] = ()


@dataclass(frozen=True)
class Queue:
    """One page of submitted updates and the filter choices."""

    items: list[QueueItem]
    page: int
    pages: int
    total: int
    plans: list[PlanRef]
    departments: list[DepartmentRef]
    areas: list[StrategicArea]


def _queue_query(filters: QueueFilters) -> Select[ProgressUpdate]:
    stmt = (
        select(ProgressUpdate)
        .join(ProgressUpdate.action)
        .join(Action.area)
        .join(StrategicArea.plan)
        .join(ProgressUpdate.department)
        .join(ProgressUpdate.period)
        .where(ProgressUpdate.state == WorkflowState.SUBMITTED.value)
        .options(
            contains_eager(ProgressUpdate.action)
            .contains_eager(Action.area)
            .contains_eager(StrategicArea.plan),
            contains_eager(ProgressUpdate.department),
            contains_eager(ProgressUpdate.period),
            joinedload(ProgressUpdate.submitted_by),
            # what the review flags read: two more queries per page, whatever its size
            selectinload(ProgressUpdate.milestone_forecasts),
            contains_eager(ProgressUpdate.action).selectinload(Action.milestones),
        )
        .order_by(ProgressUpdate.submitted_at, ProgressUpdate.id)
    )
    if filters.plan:
        stmt = stmt.where(Plan.slug == filters.plan)
    if filters.department:
        stmt = stmt.where(Department.acronym == filters.department)
    if filters.area is not None:
        stmt = stmt.where(StrategicArea.id == filters.area)
    return stmt


def review_queue(filters: QueueFilters) -> Queue:
    """Submitted updates across departments, oldest submission first, one page at a time."""
    page = db.paginate(_queue_query(filters), page=filters.page, per_page=PER_PAGE)
    updates: list[ProgressUpdate] = list(page.items)
    previous = previous_accepted_values([u.id for u in updates])
    plans, departments = _filter_choices()
    areas: list[StrategicArea] = []
    if filters.plan:
        areas = list(
            db.session.scalars(
                select(StrategicArea)
                .join(StrategicArea.plan)
                .where(Plan.slug == filters.plan)
                .order_by(StrategicArea.position)
            )
        )
    return Queue(
        items=[QueueItem(u, previous.get(u.id), _flags(u, previous.get(u.id))) for u in updates],
        page=page.page,
        pages=page.pages,
        total=page.total or 0,
        plans=plans,
        departments=departments,
        areas=areas,
    )


def _filter_choices() -> tuple[list[PlanRef], list[DepartmentRef]]:
    """The active plans (by slug) and every department (by acronym), as plain data; kept until
    the data changes (`tracker.cache`)."""

    def load() -> tuple[list[PlanRef], list[DepartmentRef]]:
        plans = db.session.scalars(
            select(Plan).where(Plan.status == PlanStatus.ACTIVE.value).order_by(Plan.slug)
        )
        departments = db.session.scalars(select(Department).order_by(Department.acronym))
        return [plan_ref(p) for p in plans], [department_ref(d) for d in departments]

    return remember("review-choices", (), load)


def previous_accepted_values(update_ids: list[int]) -> dict[int, PreviousValues]:
    """For each update, the latest accepted values of its action and department before it."""
    if not update_ids:
        return {}
    cur, prev = aliased(ProgressUpdate), aliased(ProgressUpdate)
    cur_period, prev_period = aliased(ReportingPeriod), aliased(ReportingPeriod)
    rank = func.row_number().over(partition_by=cur.id, order_by=prev_period.quarter.desc())
    ranked = (
        select(
            cur.id.label("current_id"),
            prev_period.quarter.label("quarter"),
            prev.status,
            prev.percent_complete,
            prev.forecast_completion,
            rank.label("rank"),
        )
        .join(cur_period, cur_period.id == cur.period_id)
        .join(
            prev,
            and_(
                prev.action_id == cur.action_id,
                prev.department_id == cur.department_id,
                prev.state == WorkflowState.ACCEPTED.value,
            ),
        )
        .join(
            prev_period,
            and_(prev_period.id == prev.period_id, prev_period.quarter < cur_period.quarter),
        )
        .where(cur.id.in_(update_ids))
        .subquery()
    )
    rows = db.session.execute(select(ranked).where(ranked.c.rank == 1))
    return {
        row.current_id: PreviousValues(
            row.quarter, row.status, row.percent_complete, row.forecast_completion
        )
        for row in rows
    }


@dataclass(frozen=True)
class ReviewView:
    """One update beside the previous accepted one, and whether it can be reviewed now."""

    update: ProgressUpdate
    previous: ProgressUpdate | None
    old: dict[str, Any] | None  # the previous accepted update's snapshot (None: there is none)
    new: dict[str, Any]  # this update's
    blocked_reason: str | None
    flags: tuple[ReviewFlag, ...] = ()


def _flags(update: ProgressUpdate, previous: PreviousValues | None) -> tuple[ReviewFlag, ...]:
    before = Previous(previous.quarter, previous.percent_complete) if previous else None
    return review_flags(update, before)


def _load(update_id: int, drafts: bool = True) -> ProgressUpdate:
    query = select(ProgressUpdate).where(ProgressUpdate.id == update_id)
    if not drafts:
        query = query.where(ProgressUpdate.state != WorkflowState.DRAFT.value)
    update = db.session.scalar(
        query.options(
            joinedload(ProgressUpdate.action)
            .joinedload(Action.area)
            .joinedload(StrategicArea.plan),
            joinedload(ProgressUpdate.action).selectinload(Action.milestones),
            joinedload(ProgressUpdate.department),
            joinedload(ProgressUpdate.period),
            joinedload(ProgressUpdate.submitted_by),
            joinedload(ProgressUpdate.reviewed_by),
            selectinload(ProgressUpdate.milestone_forecasts),
        )
    )
    if update is None:
        raise NotFound()
    return update


def _blocked_reason(update: ProgressUpdate) -> str | None:
    if update.state != WorkflowState.SUBMITTED.value:
        return str(_("This update is not waiting for review."))
    if periods.state_of(update.period, clock.today()) is not periods.PeriodState.OPEN:
        return str(_("This reporting period is locked. An administrator can reopen it for review."))
    return None


def get_review(update_id: int) -> ReviewView:
    """An update with what changed since the department's previous accepted update.

    A draft is its department's alone (the API's rule too): NotFound, not its content."""
    update = _load(update_id, drafts=False)
    previous = previous_update(
        update.action_id, update.department_id, update.period.quarter, accepted_only=True
    )
    old = snapshot_of(previous) if previous else None
    before = Previous(previous.period.quarter, previous.percent_complete) if previous else None
    flags = review_flags(update, before) if update.state == WorkflowState.SUBMITTED.value else ()
    return ReviewView(update, previous, old, snapshot_of(update), _blocked_reason(update), flags)


def decide_update(
    user: User, update_id: int, version: int, decision: Decision, comment: str
) -> SaveResult:
    """Accept or return (with a required comment) a submitted update."""
    try:
        return _decide(user, update_id, version, decision, comment.strip())
    except StaleDataError:
        # Another planner decided between our read and our write: judge against theirs.
        db.session.rollback()
        return _decide(user, update_id, version, decision, comment.strip())


def _decide(
    user: User, update_id: int, version: int, decision: Decision, comment: str
) -> SaveResult:
    update = _load(update_id)
    target = TARGET[decision]
    if update.version != version:
        if update.state == target.value and update.review_comment == comment:
            return SaveResult(update, changed=False)
        raise UpdateConflict(update)
    reason = _blocked_reason(update)
    if reason is not None:
        raise UpdateNotEditable(reason)
    if decision is Decision.RETURN and not comment:
        message = _("Explain what the department should change before you return the update.")
        raise UpdateInvalid({"comment": [str(message)]})
    update.state = target.value
    if comment != update.review_comment:
        update.review_comment_language = current_language()
    update.review_comment = comment
    update.reviewed_at, update.reviewed_by_id = clock.now(), user.id
    db.session.flush()
    revision = record_revision(update, target.value, user)
    detail = {
        "action": update.action.code,
        "period": str(update.period.quarter),
        "revision": revision.number,
    }
    add_event(f"update.{target.value}", actor=user, obj=update, detail=detail)
    db.session.commit()
    return SaveResult(update, changed=True)
