"""The plan's change log: recording each change to a plan, and reading the log back.

Every authoring service adds its rows with `record` in the transaction of the change itself,
so the log holds exactly what was committed. Rows are append-only (`tracker.db`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from tracker.extensions import db
from tracker.fiscal import FiscalQuarter, fiscal_year_of
from tracker.i18n import current_language
from tracker.models import Action, ChangeKind, Milestone, Plan, PlanChange, User
from tracker.services.calendar import clock
from tracker.services.calendar.periods import start_month
from tracker.services.paging import Page

PER_PAGE = 50


def as_text(value: object) -> str:
    """A value as the log stores it: quarters and dates in ISO form, None as ''."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, FiscalQuarter | date):
        return str(value) if isinstance(value, FiscalQuarter) else value.isoformat()
    return str(value)


def record(
    plan: Plan,
    kind: ChangeKind,
    actor: User | None,
    *,
    action: Action | None = None,
    milestone: Milestone | None = None,
    field: str = "",
    old: object = None,
    new: object = None,
    reason: str = "",
) -> PlanChange:
    """Add one change of `plan` to the current transaction (the calling service commits).
    No actor: a change made at the command line (`plan import`)."""
    change = PlanChange(
        plan_id=plan.id,
        action_id=action.id if action is not None else None,
        milestone_id=milestone.id if milestone is not None else None,
        action_code=action.code if action is not None else "",
        milestone_code=milestone.code if milestone is not None else "",
        kind=kind.value,
        field=field,
        old_value=as_text(old),
        new_value=as_text(new),
        reason=reason,
        reason_language=current_language() if reason else "en",
        user_id=actor.id if actor is not None else None,
        user_label=actor.email if actor is not None else "",
        at=clock.now(),
        fiscal_year=fiscal_year_of(clock.today(), start_month()),
    )
    db.session.add(change)
    return change


def record_target_moved(
    plan: Plan, action: Action, old: FiscalQuarter, actor: User | None, reason: str
) -> PlanChange:
    """Log that the action's current target moved from `old` to where it is now set to go."""
    return record(
        plan,
        ChangeKind.TARGET_MOVED,
        actor,
        action=action,
        field="current_target",
        old=old,
        new=action.current_target,
        reason=reason,
    )


def record_due_moved(
    plan: Plan, milestone: Milestone, old: date, new: date, actor: User | None, reason: str
) -> PlanChange:
    """Log that the milestone's current due date moved from `old` to `new`."""
    return record(
        plan,
        ChangeKind.DUE_MOVED,
        actor,
        action=milestone.action,
        milestone=milestone,
        field="current_due",
        old=old,
        new=new,
        reason=reason,
    )


def record_fields(
    plan: Plan,
    item: object,
    values: dict[str, object],
    actor: User,
    *,
    action: Action | None = None,
    milestone: Milestone | None = None,
) -> list[str]:
    """Set each of `values` on `item`, recording a field change for each that differs;
    returns the names of the fields that changed."""
    changed = []
    for name, value in values.items():
        old = getattr(item, name)
        if old != value:
            record(
                plan,
                ChangeKind.FIELD_CHANGED,
                actor,
                action=action,
                milestone=milestone,
                field=name,
                old=old,
                new=value,
            )
            setattr(item, name, value)
            changed.append(name)
    return changed


@dataclass(frozen=True)
class ChangeFilter:
    """What the log is narrowed to; empty values mean no filter."""

    action_code: str = ""
    fiscal_year: int | None = None


ChangePage = Page[PlanChange]


def _filtered(plan_id: int, chosen: ChangeFilter) -> Select[PlanChange]:
    stmt = select(PlanChange).where(PlanChange.plan_id == plan_id)
    if chosen.action_code:
        stmt = stmt.where(PlanChange.action_code == chosen.action_code)
    if chosen.fiscal_year is not None:
        stmt = stmt.where(PlanChange.fiscal_year == chosen.fiscal_year)
    return stmt.order_by(PlanChange.at.desc(), PlanChange.id.desc())


def list_changes(plan_id: int, chosen: ChangeFilter, page: int = 1) -> ChangePage:
    """One page of the plan's changes, newest first (one query)."""
    page = max(page, 1)
    rows = list(
        db.session.scalars(
            _filtered(plan_id, chosen)
            .options(selectinload(PlanChange.user))
            .limit(PER_PAGE + 1)
            .offset((page - 1) * PER_PAGE)
        )
    )
    return ChangePage.of(rows, page, PER_PAGE)


def change_pagination(plan_id: int, chosen: ChangeFilter, page: int, per_page: int) -> Pagination:
    """One page of the plan's changes, newest first, with their total (the API's pages)."""
    stmt = _filtered(plan_id, chosen)
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def all_changes(plan_id: int, chosen: ChangeFilter) -> Iterator[PlanChange]:
    """Every change that matches, newest first, read in batches (for the CSV download)."""
    yield from db.session.scalars(_filtered(plan_id, chosen).execution_options(yield_per=500))


def year_changes(plan_id: int, fiscal_year: int) -> list[PlanChange]:
    """The plan's changes made in `fiscal_year`, oldest first (one query; the yearly report)."""
    stmt = (
        select(PlanChange)
        .where(PlanChange.plan_id == plan_id, PlanChange.fiscal_year == fiscal_year)
        .order_by(PlanChange.at, PlanChange.id)
    )
    return list(db.session.scalars(stmt))


def change_years(plan_id: int) -> list[int]:
    """The fiscal years in which the plan changed, newest first."""
    stmt = select(PlanChange.fiscal_year).where(PlanChange.plan_id == plan_id).distinct()
    return sorted(db.session.scalars(stmt), reverse=True)


def changed_codes(plan_id: int) -> list[str]:
    """The codes of the actions the log mentions (deleted ones too), in order."""
    stmt = (
        select(PlanChange.action_code)
        .where(PlanChange.plan_id == plan_id, PlanChange.action_code != "")
        .distinct()
    )
    return sorted(db.session.scalars(stmt))


def last_change(plan_id: int, action_code: str = "") -> PlanChange | None:
    """The newest change of the plan (of one action when `action_code` is given)."""
    stmt = _filtered(plan_id, ChangeFilter(action_code=action_code)).limit(1)
    return db.session.scalar(stmt)
