"""What each role sees first: the next things to do."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, or_, select

from tracker.extensions import db
from tracker.models import Action, Plan, PlanStatus, Role, User, action_participant


@dataclass(frozen=True)
class PlanLine:
    slug: str
    plan: Plan
    actions: int


@dataclass(frozen=True)
class Home:
    """The home page's content for one user."""

    role: Role
    plans: list[PlanLine] = field(default_factory=list)
    assigned_actions: int = 0
    users: int = 0


def _plan_lines(statuses: tuple[PlanStatus, ...]) -> list[PlanLine]:
    rows = db.session.execute(
        select(Plan, func.count(Action.id))
        .outerjoin(Action, Action.plan_id == Plan.id)
        .where(Plan.status.in_([s.value for s in statuses]))
        .group_by(Plan.id)
        .order_by(Plan.status, Plan.first_year.desc())
    ).all()
    return [PlanLine(plan.slug, plan, count) for plan, count in rows]


def home_for(user: User) -> Home:
    """Build the home page for `user`'s role."""
    role = Role(user.role)
    every_status = (PlanStatus.ACTIVE, PlanStatus.ARCHIVED, PlanStatus.DRAFT)
    if role is Role.DEPARTMENT:
        assigned = db.session.scalar(
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
        return Home(role, _plan_lines((PlanStatus.ACTIVE,)), assigned_actions=assigned or 0)
    if role is Role.ADMIN:
        users = db.session.scalar(select(func.count(User.id))) or 0
        return Home(role, _plan_lines(every_status), users=users)
    return Home(role, _plan_lines(every_status))
