"""What each role sees first: the next things to do.

- department: the open quarter, its due date, and how many of its updates are to start, in
  draft, returned, submitted and accepted (the returned ones listed, with the reviewer's note);
- planner and admin: the updates waiting for review (how many, since when) and the departments
  late for the latest overdue period (`operations.nudges`), each with its last reminder;
- oversight: the latest yearly reports, and who can issue one when there is none;
- admin: besides a planner's view, the accounts and the latest failed scheduled jobs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import contains_eager

from tracker.extensions import db
from tracker.models import (
    Action,
    AnnualReport,
    JobOutcome,
    JobRun,
    Plan,
    PlanStatus,
    ProgressUpdate,
    ReportingPeriod,
    Role,
    User,
    WorkflowState,
    action_participant,
)
from tracker.services.calendar import clock
from tracker.services.calendar.periods import PeriodState
from tracker.services.operations.nudges import LateDepartment, late_in_active_plans
from tracker.services.updates.quarter import STATES, QuarterRow, department_quarter

LATEST = 5


@dataclass(frozen=True)
class PlanLine:
    slug: str
    plan: Plan
    actions: int


@dataclass(frozen=True)
class DepartmentWork:
    """The department's open quarter: its period, and its updates by workflow state."""

    period: ReportingPeriod | None
    state: PeriodState | None
    days_left: int | None
    counts: dict[str, int]  # not_started, draft, returned, submitted, accepted
    returned: list[QuarterRow]


@dataclass(frozen=True)
class ReviewWork:
    """Updates waiting for a planner's decision."""

    waiting: int
    oldest: datetime | None  # when the longest-waiting one was submitted


@dataclass(frozen=True)
class Home:
    """The home page's content for one user."""

    role: Role
    today: date
    plans: list[PlanLine] = field(default_factory=list)
    assigned_actions: int = 0
    users: int = 0
    quarter: DepartmentWork | None = None
    review: ReviewWork | None = None
    late: list[LateDepartment] = field(default_factory=list)
    reports: list[AnnualReport] = field(default_factory=list)
    issuers: list[User] = field(default_factory=list)  # who can issue a report (oversight)
    failed_jobs: list[JobRun] = field(default_factory=list)


def _plan_lines(statuses: tuple[PlanStatus, ...]) -> list[PlanLine]:
    rows = db.session.execute(
        select(Plan, func.count(Action.id))
        .outerjoin(Action, Action.plan_id == Plan.id)
        .where(Plan.status.in_([s.value for s in statuses]))
        .group_by(Plan.id)
        .order_by(Plan.status, Plan.first_year.desc())
    ).all()
    return [PlanLine(plan.slug, plan, count) for plan, count in rows]


def _assigned(user: User) -> int:
    found = db.session.scalar(
        select(func.count(func.distinct(Action.id)))
        .join(Plan, Plan.id == Action.plan_id)
        .outerjoin(action_participant, action_participant.c.action_id == Action.id)
        .where(Plan.status == PlanStatus.ACTIVE.value)
        .where(
            or_(
                Action.lead_department_id == user.department_id,
                action_participant.c.department_id == user.department_id,
            )
        )
    )
    return found or 0


def department_work(user: User) -> DepartmentWork:
    """The user's department's current quarter, counted by workflow state."""
    page = department_quarter(user, None)
    counts = {state: page.count(state) for state in STATES}
    returned = [
        row
        for plan in page.plans
        for area in plan.areas
        for row in area.rows
        if row.state == WorkflowState.RETURNED.value
    ]
    return DepartmentWork(page.period, page.state, page.days_left, counts, returned)


def review_work() -> ReviewWork:
    """How many submitted updates wait for review, and since when (one query)."""
    waiting, oldest = db.session.execute(
        select(func.count(ProgressUpdate.id), func.min(ProgressUpdate.submitted_at)).where(
            ProgressUpdate.state == WorkflowState.SUBMITTED.value
        )
    ).one()
    return ReviewWork(int(waiting or 0), oldest)


def latest_reports() -> list[AnnualReport]:
    """The newest yearly reports, with their plans."""
    return list(
        db.session.scalars(
            select(AnnualReport)
            .join(AnnualReport.plan)
            .options(contains_eager(AnnualReport.plan))
            .order_by(AnnualReport.created_at.desc(), AnnualReport.id.desc())
            .limit(LATEST)
        )
    )


def report_issuers() -> list[User]:
    """Active planners: the people who can issue a yearly report from the Reports page."""
    return list(
        db.session.scalars(
            select(User)
            .where(User.role == Role.PLANNER.value, User.active.is_(True))
            .order_by(User.name)
            .limit(LATEST)
        )
    )


def failed_jobs() -> list[JobRun]:
    """The latest failed job runs."""
    return list(
        db.session.scalars(
            select(JobRun)
            .where(JobRun.outcome == JobOutcome.FAILED.value)
            .order_by(JobRun.started_at.desc(), JobRun.id.desc())
            .limit(LATEST)
        )
    )


def home_for(user: User) -> Home:
    """Build the home page for `user`'s role."""
    role, today = Role(user.role), clock.today()
    every_status = (PlanStatus.ACTIVE, PlanStatus.ARCHIVED, PlanStatus.DRAFT)
    if role is Role.DEPARTMENT:
        return Home(
            role,
            today,
            _plan_lines((PlanStatus.ACTIVE,)),
            assigned_actions=_assigned(user),
            quarter=department_work(user),
        )
    if role is Role.OVERSIGHT:
        reports = latest_reports()
        issuers = [] if reports else report_issuers()
        return Home(role, today, _plan_lines(every_status), reports=reports, issuers=issuers)
    review, late = review_work(), late_in_active_plans(today)
    if role is Role.ADMIN:
        users = db.session.scalar(select(func.count(User.id))) or 0
        return Home(
            role,
            today,
            _plan_lines(every_status),
            users=users,
            review=review,
            late=late,
            failed_jobs=failed_jobs(),
        )
    return Home(role, today, _plan_lines(every_status), review=review, late=late)
