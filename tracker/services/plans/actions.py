"""A plan's actions (or whatever the plan calls its second level): add, edit, move to another
area, reorder, choose the lead and participating departments, retire or delete.

An action that has progress updates is never deleted: it is retired (cancelled with a reason)
and keeps its history. Its baseline target changes only while the plan is a draft; once the
plan is active the current target moves by re-planning (`replanning`), with a reason.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from tracker.extensions import db
from tracker.fiscal import FiscalQuarter, Schedule
from tracker.models import (
    Action,
    ChangeKind,
    Department,
    Plan,
    PlanStatus,
    ProgressUpdate,
    StrategicArea,
    User,
)
from tracker.services.audit.events import add_event
from tracker.services.calendar import clock
from tracker.services.errors import NotFound
from tracker.services.plans import changes
from tracker.services.plans.edits import (
    FORM,
    Errors,
    PlanInvalid,
    bilingual,
    check_code,
    check_version,
    commit,
    raise_if,
    reorder,
    writable_plan,
)
from tracker.services.plans.participants import set_participants


@dataclass(frozen=True)
class ActionFields:
    """An action as a planner edits it; departments by acronym."""

    code: str
    area_code: str
    title_en: str
    title_fr: str
    lead: str  # "" and None quarters: not set yet, which only a draft plan allows
    start: FiscalQuarter | None
    baseline_target: FiscalQuarter | None
    description_en: str = ""
    description_fr: str = ""
    participants: tuple[str, ...] = ()
    illustrative: bool = False


def load_action(plan: Plan, code: str) -> Action:
    """The action `code` of `plan` with its departments and milestones (NotFound otherwise)."""
    action = db.session.scalar(
        select(Action)
        .where(Action.plan_id == plan.id, Action.code == code)
        .options(selectinload(Action.participants), selectinload(Action.milestones))
    )
    if action is None:
        raise NotFound()
    return action


def scheduled(action: Action) -> Schedule:
    """The start and targets of an action of an active or archived plan, which always has them
    (activation and the plan file refuse it otherwise; only a draft's action may lack them)."""
    schedule = action.schedule
    assert schedule is not None, f"action {action.code} has no start or target"
    return schedule


def _departments(acronyms: set[str]) -> dict[str, Department]:
    found = db.session.scalars(select(Department).where(Department.acronym.in_(acronyms)))
    return {d.acronym: d for d in found}


def _check(
    plan: Plan, fields: ActionFields, action: Action | None
) -> tuple[StrategicArea, dict[str, Department]]:
    """The action's area and departments, or PlanInvalid with every problem."""
    errors: Errors = {}
    taken = set(db.session.scalars(select(Action.code).where(Action.plan_id == plan.id)))
    if action is None or fields.code != action.code:
        check_code(errors, fields.code, taken - ({action.code} if action else set()))
    bilingual(errors, "title", fields.title_en, fields.title_fr)
    area = db.session.scalar(
        select(StrategicArea).where(
            StrategicArea.plan_id == plan.id, StrategicArea.code == fields.area_code
        )
    )
    if area is None:
        errors["area_code"] = [_("Choose an area from the list.")]
    departments = _departments({fields.lead, *fields.participants} - {""})
    draft = plan.status == PlanStatus.DRAFT.value
    if fields.lead not in departments and (fields.lead or not draft):
        errors["lead"] = [_("Choose the lead department from the list.")]
    if any(p not in departments for p in fields.participants):
        errors["participants"] = [_("Choose departments from the list.")]
    _check_quarters(errors, fields, draft)
    if action is not None and not draft:
        if fields.code != action.code:
            errors["code"] = [_("The code of an action in an active plan cannot change.")]
        if fields.baseline_target != action.baseline_target:
            errors["baseline_target"] = [
                _("Once a plan is active, its baselines change only in a yearly review.")
            ]
        current = action.current_target
        if fields.start is not None and current is not None and fields.start > current:
            errors["start"] = [_("The start cannot come after the current target.")]
    raise_if(errors)
    assert area is not None
    return area, departments


def _check_quarters(errors: Errors, fields: ActionFields, draft: bool) -> None:
    """The start and baseline target: both set, unless the plan is a draft, and in order."""
    for name in ("start", "baseline_target"):
        if getattr(fields, name) is None and not draft:
            errors[name] = [_("Choose a quarter from the list.")]
    start, target = fields.start, fields.baseline_target
    if start is not None and target is not None and target < start:
        errors["baseline_target"] = [_("The target cannot come before the start.")]


def _values(fields: ActionFields, plan: Plan) -> dict[str, object]:
    values: dict[str, object] = {
        "code": fields.code,
        "title_en": fields.title_en,
        "title_fr": fields.title_fr,
        "description_en": fields.description_en,
        "description_fr": fields.description_fr,
        "illustrative": fields.illustrative,
        "start_quarter": fields.start,
        "baseline_target": fields.baseline_target,
    }
    if plan.status == PlanStatus.DRAFT.value:
        values["current_target"] = fields.baseline_target  # a draft has not re-planned yet
    return values


def add_action(slug: str, fields: ActionFields, actor: User) -> Action:
    """A new action at the end of its area."""
    plan = writable_plan(slug)
    area, departments = _check(plan, fields, None)
    position = db.session.scalar(select(func.count(Action.id)).where(Action.area_id == area.id))
    action = Action(
        plan_id=plan.id,
        area_id=area.id,
        position=position or 0,
        lead_department_id=departments[fields.lead].id if fields.lead else None,
        **{**_values(fields, plan), "current_target": fields.baseline_target},
    )
    db.session.add(action)
    db.session.flush()
    changes.record(plan, ChangeKind.ACTION_ADDED, actor, action=action, new=action.code)
    wanted = [departments[p] for p in fields.participants if p != fields.lead]
    set_participants(plan, action, wanted, actor, new=True)
    add_event("action.added", actor=actor, obj=action, detail={"plan": slug, "code": action.code})
    commit()
    return action


def edit_action(slug: str, code: str, fields: ActionFields, version: int, actor: User) -> Action:
    """Save an action's fields, area, lead and participants (StaleEdit when stale)."""
    plan = writable_plan(slug)
    action = load_action(plan, code)
    check_version(action, version)
    area, departments = _check(plan, fields, action)
    changed = changes.record_fields(plan, action, _values(fields, plan), actor, action=action)
    if _move_to_area(plan, action, area, actor):
        changed.append("area")
    if _set_lead(plan, action, departments.get(fields.lead), actor):
        changed.append("lead")
    wanted = [departments[p] for p in fields.participants if p != fields.lead]
    if set_participants(plan, action, wanted, actor):
        changed.append("participants")
    if changed:
        add_event("action.edited", actor=actor, obj=action, detail={"fields": changed})
    commit(action)
    return action


def _move_to_area(plan: Plan, action: Action, area: StrategicArea, actor: User) -> bool:
    """Put the action at the end of `area`, recording the move; False when it is there."""
    if area.id == action.area_id:
        return False
    old = db.session.get(StrategicArea, action.area_id)
    changes.record(
        plan,
        ChangeKind.ACTION_MOVED,
        actor,
        action=action,
        field="area",
        old=old.code if old else "",
        new=area.code,
    )
    action.area_id = area.id
    count = select(func.count(Action.id)).where(Action.area_id == area.id)
    action.position = db.session.scalar(count) or 0
    return True


def _set_lead(plan: Plan, action: Action, lead: Department | None, actor: User) -> bool:
    """Make `lead` the action's lead department (None: not set, in a draft), recording the
    change; False when it is."""
    if (lead.id if lead else None) == action.lead_department_id:
        return False
    old = (
        db.session.get(Department, action.lead_department_id) if action.lead_department_id else None
    )
    changes.record(
        plan,
        ChangeKind.LEAD_CHANGED,
        actor,
        action=action,
        field="lead",
        old=old.acronym if old else "",
        new=lead.acronym if lead else "",
    )
    action.lead_department_id = lead.id if lead else None
    return True


def move_action(slug: str, code: str, step: int, actor: User) -> None:
    """Move an action up (-1) or down (+1) within its area."""
    plan = writable_plan(slug)
    action = load_action(plan, code)
    siblings = list(
        db.session.scalars(
            select(Action)
            .where(Action.area_id == action.area_id)
            .order_by(Action.position, Action.id)
        )
    )
    if reorder(Action, siblings, action, step):
        changes.record(plan, ChangeKind.REORDERED, actor, action=action, field="position")
        add_event("action.moved", actor=actor, obj=action, detail={"step": step})
    commit()


def update_count(action: Action) -> int:
    """How many progress updates departments wrote on the action."""
    found = db.session.scalar(
        select(func.count(ProgressUpdate.id)).where(ProgressUpdate.action_id == action.id)
    )
    return found or 0


def retire_action(slug: str, code: str, reason: str, version: int, actor: User) -> Action:
    """Cancel the action, with a reason: it keeps its history and no longer asks for updates."""
    plan = writable_plan(slug)
    action = load_action(plan, code)
    check_version(action, version)
    if action.retired:
        raise PlanInvalid.one(FORM, _("This action is already retired."))
    if not reason.strip():
        raise PlanInvalid.one("reason", _("Say why the action is retired."))
    action.retired_at, action.retired_by_id = clock.now(), actor.id
    action.retirement_reason = reason.strip()
    changes.record(plan, ChangeKind.ACTION_RETIRED, actor, action=action, reason=reason.strip())
    add_event("action.retired", actor=actor, obj=action, detail={"reason": reason.strip()})
    commit(action)
    return action


def delete_action(slug: str, code: str, version: int, actor: User) -> None:
    """Delete an action no department has reported on (one with updates is retired instead)."""
    plan = writable_plan(slug)
    action = load_action(plan, code)
    check_version(action, version)
    if update_count(action):
        raise PlanInvalid.one(
            FORM, _("Departments have reported on this action: retire it instead of deleting it.")
        )
    changes.record(plan, ChangeKind.ACTION_DELETED, actor, action=action, old=action.code)
    add_event("action.deleted", actor=actor, obj=action, detail={"code": action.code})
    db.session.delete(action)
    commit()
