"""An action's milestones: add, edit, reorder, retire or delete.

A milestone that departments have forecast or completed in an update is never deleted: it is
retired with a reason. Its baseline due date changes only while the plan is a draft; then the
due date moves by re-planning (`replanning.move_due`), with a reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select

from tracker.extensions import db
from tracker.models import ChangeKind, Milestone, MilestoneForecast, PlanStatus, User
from tracker.services.audit.events import add_event
from tracker.services.calendar import clock
from tracker.services.errors import NotFound
from tracker.services.plans import changes
from tracker.services.plans.actions import load_action
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


@dataclass(frozen=True)
class MilestoneFields:
    """A milestone as a planner edits it."""

    code: str
    title_en: str
    title_fr: str
    baseline_due: date
    completed_on: date | None = None


def _check(
    fields: MilestoneFields, others: list[Milestone], draft: bool, old: Milestone | None
) -> None:
    errors: Errors = {}
    check_code(errors, fields.code, {m.code for m in others})
    bilingual(errors, "title", fields.title_en, fields.title_fr)
    if old is not None and not draft and fields.baseline_due != old.baseline_due:
        errors["baseline_due"] = [
            _("Once a plan is active, its baselines change only in a yearly review.")
        ]
    if fields.completed_on is not None and fields.completed_on > clock.today():
        errors["completed_on"] = [_("A completion date cannot be in the future.")]
    raise_if(errors)


def _milestone(milestones: list[Milestone], milestone_id: int) -> Milestone:
    found = next((m for m in milestones if m.id == milestone_id), None)
    if found is None:
        raise NotFound()
    return found


def add_milestone(slug: str, code: str, fields: MilestoneFields, actor: User) -> Milestone:
    """A new milestone at the end of the action's list."""
    plan = writable_plan(slug)
    action = load_action(plan, code)
    _check(fields, list(action.milestones), plan.status == PlanStatus.DRAFT.value, None)
    milestone = Milestone(
        action_id=action.id,
        position=len(action.milestones),
        code=fields.code,
        title_en=fields.title_en,
        title_fr=fields.title_fr,
        baseline_due=fields.baseline_due,
        completed_on=fields.completed_on,
    )
    db.session.add(milestone)
    db.session.flush()
    changes.record(
        plan,
        ChangeKind.MILESTONE_ADDED,
        actor,
        action=action,
        milestone=milestone,
        field="baseline_due",
        new=fields.baseline_due,
    )
    add_event("milestone.added", actor=actor, obj=milestone, detail={"action": code})
    commit()
    return milestone


def edit_milestone(
    slug: str, code: str, milestone_id: int, fields: MilestoneFields, version: int, actor: User
) -> Milestone:
    """Save a milestone's fields (StaleEdit when edited from an older version)."""
    plan = writable_plan(slug)
    action = load_action(plan, code)
    milestone = _milestone(list(action.milestones), milestone_id)
    check_version(milestone, version)
    others = [m for m in action.milestones if m.id != milestone.id]
    _check(fields, others, plan.status == PlanStatus.DRAFT.value, milestone)
    values: dict[str, object] = {
        "code": fields.code,
        "title_en": fields.title_en,
        "title_fr": fields.title_fr,
        "baseline_due": fields.baseline_due,
        "completed_on": fields.completed_on,
    }
    changed = changes.record_fields(
        plan, milestone, values, actor, action=action, milestone=milestone
    )
    if changed:
        add_event("milestone.edited", actor=actor, obj=milestone, detail={"fields": changed})
    commit(milestone)
    return milestone


def move_milestone(slug: str, code: str, milestone_id: int, step: int, actor: User) -> None:
    """Move a milestone up (-1) or down (+1) the action's list."""
    plan = writable_plan(slug)
    action = load_action(plan, code)
    milestones = list(action.milestones)
    milestone = _milestone(milestones, milestone_id)
    if reorder(Milestone, milestones, milestone, step):
        changes.record(
            plan,
            ChangeKind.REORDERED,
            actor,
            action=action,
            milestone=milestone,
            field="position",
        )
        add_event("milestone.moved", actor=actor, obj=milestone, detail={"step": step})
    commit()


def forecast_count(milestone: Milestone) -> int:
    """How many progress updates forecast or completed the milestone."""
    found = db.session.scalar(
        select(func.count()).where(MilestoneForecast.milestone_id == milestone.id)
    )
    return found or 0


def retire_milestone(
    slug: str, code: str, milestone_id: int, reason: str, version: int, actor: User
) -> None:
    """Cancel a milestone, with a reason; it keeps its history."""
    plan = writable_plan(slug)
    action = load_action(plan, code)
    milestone = _milestone(list(action.milestones), milestone_id)
    check_version(milestone, version)
    if milestone.retired:
        raise PlanInvalid.one(FORM, _("This milestone is already retired."))
    if not reason.strip():
        raise PlanInvalid.one("reason", _("Say why the milestone is retired."))
    milestone.retired_at, milestone.retired_by_id = clock.now(), actor.id
    milestone.retirement_reason = reason.strip()
    changes.record(
        plan,
        ChangeKind.MILESTONE_RETIRED,
        actor,
        action=action,
        milestone=milestone,
        reason=reason.strip(),
    )
    add_event("milestone.retired", actor=actor, obj=milestone, detail={"reason": reason.strip()})
    commit(milestone)


def delete_milestone(slug: str, code: str, milestone_id: int, version: int, actor: User) -> None:
    """Delete a milestone no update refers to (one with forecasts is retired instead)."""
    plan = writable_plan(slug)
    action = load_action(plan, code)
    milestone = _milestone(list(action.milestones), milestone_id)
    check_version(milestone, version)
    if forecast_count(milestone):
        raise PlanInvalid.one(
            FORM, _("Updates refer to this milestone: retire it instead of deleting it.")
        )
    changes.record(
        plan,
        ChangeKind.MILESTONE_DELETED,
        actor,
        action=action,
        milestone=milestone,
        old=milestone.code,
    )
    add_event("milestone.deleted", actor=actor, obj=milestone, detail={"code": milestone.code})
    action.milestones.remove(milestone)
    commit()
