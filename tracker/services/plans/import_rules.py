"""The authoring rules, applied to a plan file imported over a stored plan.

- A baseline (an action's `baseline_target`, a milestone's `baseline_due`) of an active plan
  changes only in the yearly review: a file that changes one is refused, naming each place.
- An action or milestone left out of the file that progress updates or milestone forecasts refer
  to is not deleted: it is kept and retired, with the import's reason.
- Moving an action's current target or a milestone's due date is recorded in the plan's change
  log, with who, when and the import's reason, as re-planning in the browser records it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, select

from tracker.extensions import db
from tracker.fiscal import FiscalQuarter
from tracker.models import (
    Action,
    ChangeKind,
    Milestone,
    MilestoneForecast,
    Plan,
    PlanStatus,
    ProgressUpdate,
    User,
)
from tracker.services.calendar import clock
from tracker.services.plans import changes
from tracker.services.plans.fields import _
from tracker.services.plans.schema import ActionSpec, MilestoneSpec, PlanSpec

# The reason recorded when the planner gives none (stored as is, like any typed reason).
DEFAULT_REASON = "Imported from a plan file"


def baseline_errors(plan: Plan, spec: PlanSpec) -> list[str]:
    """Where the file changes a baseline of an active plan (empty for other plans)."""
    if plan.status != PlanStatus.ACTIVE.value:
        return []
    stored = {a.code: a for area in plan.areas for a in area.actions}
    errors = []
    for i, area in enumerate(spec.areas):
        for j, item in enumerate(area.actions):
            loc, action = f"areas[{i}].actions[{j}]", stored.get(item.code)
            if action is None:
                continue
            if item.baseline_target != action.baseline_target:
                errors.append(_moved(f"{loc}.baseline_target", action.baseline_target, item))
            milestones = {m.code: m for m in action.milestones}
            for k, due in enumerate(item.milestones):
                milestone = milestones.get(due.code)
                if milestone is not None and milestone.baseline_due != due.baseline_due:
                    here = f"{loc}.milestones[{k}].baseline_due"
                    errors.append(_moved(here, milestone.baseline_due, due))
    return errors


def _moved(loc: str, old: FiscalQuarter | date | None, item: ActionSpec | MilestoneSpec) -> str:
    new = item.baseline_target if isinstance(item, ActionSpec) else item.baseline_due
    problem = _(
        "the baseline of an active plan changes only in its yearly review (Plan > Yearly "
        "review); keep %(old)s here, not %(new)s",
        old=old,
        new=new,
    )
    return f"{loc}: {problem}"


@dataclass(frozen=True)
class Kept:
    """What the file leaves out but history refers to: kept, and retired by the import."""

    actions: tuple[Action, ...] = ()
    milestones: tuple[Milestone, ...] = ()
    deleted: dict[str, int] = field(default_factory=dict)  # what the import deletes, counted


def left_out(plan: Plan, spec: PlanSpec) -> Kept:
    """The actions and milestones the file leaves out that updates or forecasts refer to, and
    the counts of what is deleted (areas, actions and milestones without history)."""
    in_file = {a.code: a for area in spec.areas for a in area.actions}
    actions = [action for area in plan.areas for action in area.actions]
    gone_actions = [a for a in actions if a.code not in in_file]
    gone_milestones = [
        m
        for a in actions
        if a.code in in_file
        for m in a.milestones
        if m.code not in {s.code for s in in_file[a.code].milestones}
    ]
    updates = count_by(ProgressUpdate.action_id, [a.id for a in gone_actions])
    forecasts = count_by(MilestoneForecast.milestone_id, [m.id for m in gone_milestones])
    kept_actions = tuple(a for a in gone_actions if a.id in updates)
    kept_milestones = tuple(m for m in gone_milestones if m.id in forecasts)
    area_codes = {area.code for area in spec.areas} | {a.area.code for a in kept_actions}
    deleted = {
        "areas": sum(1 for area in plan.areas if area.code not in area_codes),
        "actions": len(gone_actions) - len(kept_actions),
        "milestones": len(gone_milestones)
        - len(kept_milestones)
        + sum(len(a.milestones) for a in gone_actions if a.id not in updates),
    }
    return Kept(kept_actions, kept_milestones, deleted)


@dataclass(frozen=True)
class Moves:
    """Current targets and due dates as stored before an import, to log what it moves."""

    targets: dict[str, FiscalQuarter | None]  # every action by code (None: not set yet)
    dues: dict[tuple[str, str], date]
    retired: frozenset[tuple[str, str]]  # (action code, milestone code or "") retired already


def before_import(plan: Plan) -> Moves:
    """What the change log compares an imported plan with."""
    actions = [action for area in plan.areas for action in area.actions]
    items: list[tuple[str, str, Action | Milestone]] = [(a.code, "", a) for a in actions]
    items += [(a.code, m.code, m) for a in actions for m in a.milestones]
    return Moves(
        targets={a.code: a.current_target for a in actions},
        dues={(a.code, m.code): m.due_on for a in actions for m in a.milestones},
        retired=frozenset((code, sub) for code, sub, item in items if item.retired),
    )


def retire_left_out(kept: Kept, actor: User | None, reason: str) -> None:
    """Retire what the file leaves out but history keeps (already retired: left as it is)."""
    items: list[Action | Milestone] = [*kept.actions, *kept.milestones]
    for item in items:
        if not item.retired:
            item.retired_at, item.retirement_reason = clock.now(), reason
            item.retired_by_id = actor.id if actor is not None else None


def record_changes(plan: Plan, before: Moves, actor: User | None, reason: str) -> None:
    """Log each target or due date the import moved, and each item it retired."""
    for area in plan.areas:
        for action in area.actions:
            old = before.targets.get(action.code)
            if old is not None and old != action.current_target:
                changes.record_target_moved(plan, action, old, actor, reason)
            _record_retired(plan, before, actor, reason, action, None)
            for milestone in action.milestones:
                due = before.dues.get((action.code, milestone.code))
                if due is not None and due != milestone.due_on:
                    changes.record_due_moved(plan, milestone, due, milestone.due_on, actor, reason)
                _record_retired(plan, before, actor, reason, action, milestone)


def _record_retired(
    plan: Plan,
    before: Moves,
    actor: User | None,
    reason: str,
    action: Action,
    milestone: Milestone | None,
) -> None:
    item = milestone or action
    key = (action.code, milestone.code if milestone else "")
    if item.retired and key not in before.retired and key[0] in before.targets:
        kind = ChangeKind.MILESTONE_RETIRED if milestone else ChangeKind.ACTION_RETIRED
        why = item.retirement_reason or reason
        changes.record(plan, kind, actor, action=action, milestone=milestone, reason=why)


def count_by(column: Any, ids: list[int]) -> dict[int, int]:
    """How many rows refer to each of `ids` through `column`."""
    if not ids:
        return {}
    rows = db.session.execute(
        select(column, func.count()).where(column.in_(ids)).group_by(column)
    ).all()
    return {row[0]: row[1] for row in rows}
