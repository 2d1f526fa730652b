"""Reading a plan's baseline versions: the original, the latest, and the one in force at a date.

Versions are written by `reviews` (the yearly review); each holds a full copy of the action
targets and milestone due dates it fixed, so each read here is one or two indexed queries.
An action or milestone that a version does not hold (added after it) keeps its own baseline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ScalarSelect, String, cast, literal, or_, select, type_coerce, union_all
from sqlalchemy.orm import selectinload

from tracker.extensions import db
from tracker.fiscal import FiscalQuarter
from tracker.models import Action, BaselineDue, BaselineTarget, BaselineVersion, Milestone, Plan
from tracker.services.calendar import clock


@dataclass(frozen=True)
class Baselines:
    """One version's baselines: target per action id, due date per milestone id."""

    targets: dict[int, FiscalQuarter]
    dues: dict[int, date]

    def target(self, action_id: int, own: FiscalQuarter) -> FiscalQuarter:
        """The action's baseline target in this version (its own when the version lacks it)."""
        return self.targets.get(action_id, own)

    def due(self, milestone_id: int, own: date) -> date:
        """The milestone's baseline due date in this version (its own when lacking)."""
        return self.dues.get(milestone_id, own)


def versions(plan_id: int) -> list[BaselineVersion]:
    """The plan's baseline versions, oldest first, with their reviews."""
    stmt = (
        select(BaselineVersion)
        .where(BaselineVersion.plan_id == plan_id)
        .order_by(BaselineVersion.number)
        .options(selectinload(BaselineVersion.review))
    )
    return list(db.session.scalars(stmt))


@dataclass(frozen=True)
class VersionTable:
    """One baseline version as a whole: its number, when it came into force, the fiscal year
    of the review that made it (None for the original) and its baselines."""

    number: int
    made_at: datetime
    review_year: int | None
    baselines: Baselines


def version_tables(plan: Plan) -> list[VersionTable]:
    """Every baseline version of `plan`, oldest first, with its targets and due dates (three
    queries). A plan never re-baselined has its original only: the actions' own baselines."""
    found = versions(plan.id)
    if not found:
        return [VersionTable(0, plan.created_at, None, Baselines({}, {}))]
    ids = [v.id for v in found]
    targets: dict[int, dict[int, FiscalQuarter]] = {i: {} for i in ids}
    dues: dict[int, dict[int, date]] = {i: {} for i in ids}
    for row in db.session.scalars(select(BaselineTarget).where(BaselineTarget.version_id.in_(ids))):
        targets[row.version_id][row.action_id] = row.target
    for due in db.session.scalars(select(BaselineDue).where(BaselineDue.version_id.in_(ids))):
        dues[due.version_id][due.milestone_id] = due.due
    return [
        VersionTable(
            v.number,
            v.made_at,
            v.review.fiscal_year if v.review is not None and v.number else None,
            Baselines(targets[v.id], dues[v.id]),
        )
        for v in found
    ]


def _version_id(plan_id: int, moment: datetime | None, original: bool) -> ScalarSelect[int]:
    """The id of the version asked for, as a subquery (no row: the plan has no version)."""
    stmt = select(BaselineVersion.id).where(BaselineVersion.plan_id == plan_id)
    if original:
        stmt = stmt.where(BaselineVersion.number == 0)
    elif moment is not None:  # the original is in force from the start, whatever its date
        stmt = stmt.where(or_(BaselineVersion.made_at <= moment, BaselineVersion.number == 0))
    return stmt.order_by(BaselineVersion.number.desc()).limit(1).scalar_subquery()


def baselines(plan_id: int, *, original: bool = False, as_of: datetime | None = None) -> Baselines:
    """The original baselines, or the latest in force at `as_of` (now when None): ONE query
    whatever the plan's size. No version at all: the actions' own baselines."""
    version = _version_id(plan_id, as_of, original)
    both = union_all(
        select(
            literal(True).label("is_target"),
            BaselineTarget.action_id.label("item_id"),
            type_coerce(BaselineTarget.target, String).label("value"),
        ).where(BaselineTarget.version_id == version),
        select(
            literal(False).label("is_target"),
            BaselineDue.milestone_id.label("item_id"),
            cast(BaselineDue.due, String).label("value"),
        ).where(BaselineDue.version_id == version),
    )
    targets: dict[int, FiscalQuarter] = {}
    dues: dict[int, date] = {}
    for is_target, item_id, value in db.session.execute(both):
        if is_target:
            targets[item_id] = FiscalQuarter.parse(value)
        else:
            dues[item_id] = date.fromisoformat(str(value)[:10])
    return Baselines(targets, dues)


def snapshot(
    plan: Plan, number: int, review_id: int | None = None, made_at: datetime | None = None
) -> BaselineVersion:
    """Add version `number` of `plan` holding today's baselines (the caller commits)."""
    version = BaselineVersion(
        plan_id=plan.id, number=number, review_id=review_id, made_at=made_at or clock.now()
    )
    db.session.add(version)
    db.session.flush()
    actions = db.session.execute(
        select(Action.id, Action.baseline_target).where(Action.plan_id == plan.id)
    )
    db.session.add_all(
        BaselineTarget(version_id=version.id, action_id=action_id, target=target)
        for action_id, target in actions
    )
    milestones = db.session.execute(
        select(Milestone.id, Milestone.baseline_due)
        .join(Action, Action.id == Milestone.action_id)
        .where(Action.plan_id == plan.id)
    )
    db.session.add_all(
        BaselineDue(version_id=version.id, milestone_id=milestone_id, due=due)
        for milestone_id, due in milestones
    )
    return version
