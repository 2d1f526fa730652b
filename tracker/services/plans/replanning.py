"""Re-planning: moving an action's current target or a milestone's due date, always with a
reason, recorded in the plan's change log with who and when. Baselines are not touched here:
they change only in a yearly review."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from tracker.fiscal import FiscalQuarter
from tracker.models import Action, Milestone, PlanStatus, User
from tracker.services.audit.events import add_event
from tracker.services.errors import NotFound
from tracker.services.plans import changes
from tracker.services.plans.actions import load_action, scheduled
from tracker.services.plans.edits import (
    Errors,
    PlanInvalid,
    check_version,
    commit,
    raise_if,
    writable_plan,
)


def check_target(
    errors: Errors, target: FiscalQuarter, now: FiscalQuarter, start: FiscalQuarter, current: bool
) -> None:
    """A new target (current, or baseline in a review) differs from `now` and is not before
    the action's start."""
    if target == now:
        message = (
            _("This is already the current target.")
            if current
            else _("This is already the baseline target.")
        )
        errors["target"] = [message]
    elif target < start:
        errors["target"] = [_("The target cannot come before the start.")]


def check_reason(errors: Errors, reason: str) -> None:
    """A moved target, due date or baseline needs its reason."""
    if not reason.strip():
        errors["reason"] = [_("Give the reason for this change; it is kept in the change log.")]


def _active(status: str) -> None:
    if status != PlanStatus.ACTIVE.value:
        raise PlanInvalid.one(
            "target", _("While the plan is a draft, change the baseline in the action's fields.")
        )


def find_milestone(action: Action, milestone_id: int) -> Milestone:
    """The action's milestone `milestone_id` (NotFound otherwise)."""
    milestone = next((m for m in action.milestones if m.id == milestone_id), None)
    if milestone is None:
        raise NotFound()
    return milestone


def move_target(
    slug: str, code: str, target: FiscalQuarter, reason: str, version: int, actor: User
) -> Action:
    """Move the action's current target quarter, with a reason."""
    plan = writable_plan(slug)
    _active(plan.status)
    action = load_action(plan, code)
    check_version(action, version)
    schedule = scheduled(action)
    errors: Errors = {}
    check_target(errors, target, schedule.current_target, schedule.start_quarter, current=True)
    check_reason(errors, reason)
    raise_if(errors)
    old = schedule.current_target
    action.current_target = target
    changes.record_target_moved(plan, action, old, actor, reason.strip())
    detail = {"from": str(old), "to": str(target), "reason": reason.strip()}
    add_event("action.target_moved", actor=actor, obj=action, detail=detail)
    commit(action)
    return action


def move_due(
    slug: str, code: str, milestone_id: int, due: date, reason: str, version: int, actor: User
) -> Milestone:
    """Move a milestone's current due date, with a reason (its baseline stays)."""
    plan = writable_plan(slug)
    _active(plan.status)
    action = load_action(plan, code)
    milestone = find_milestone(action, milestone_id)
    check_version(milestone, version)
    errors: Errors = {}
    if due == milestone.due_on:
        errors["due"] = [_("This is already the current due date.")]
    check_reason(errors, reason)
    raise_if(errors)
    old = milestone.due_on
    changes.record_due_moved(plan, milestone, old, due, actor, reason.strip())
    milestone.current_due = None if due == milestone.baseline_due else due
    detail = {"from": old.isoformat(), "to": due.isoformat(), "reason": reason.strip()}
    add_event("milestone.due_moved", actor=actor, obj=milestone, detail=detail)
    commit(milestone)
    return milestone
