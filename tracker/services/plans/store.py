"""Plans in the database: apply a checked plan document in place, and read one back out."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from tracker.extensions import db
from tracker.models import (
    Action,
    Department,
    Milestone,
    MilestoneForecast,
    Plan,
    ProgressUpdate,
    StrategicArea,
    User,
)
from tracker.services.audit.events import add_event
from tracker.services.calendar import periods
from tracker.services.plans.fields import _
from tracker.services.plans.schema import (
    FORMAT,
    ActionSpec,
    AreaSpec,
    MilestoneSpec,
    PlanImportError,
    PlanSpec,
)


@dataclass(frozen=True)
class ImportResult:
    """What an import did: the plan, whether it was new, and how many items it holds."""

    slug: str
    created: bool
    counts: dict[str, int]
    removed: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        """One line for people, e.g. 'Created plan x: 4 areas, 58 actions, ...'."""
        verb = "Created" if self.created else "Updated"
        held = ", ".join(_count(n, name) for name, n in self.counts.items())
        gone = ", ".join(_count(n, name) for name, n in self.removed.items() if n)
        return f"{verb} plan {self.slug}: {held}" + (f"; removed {gone}." if gone else ".")


def _count(n: int, plural: str) -> str:
    return f"{n} {plural if n != 1 else plural.removesuffix('s')}"


def write_plan(spec: PlanSpec, actor: User | None) -> ImportResult:
    """Apply a valid spec to the session, matching items by code (the caller commits)."""
    plan = load_plan(spec.slug)
    created = plan is None
    refused, removed = removals(plan, spec) if plan is not None else ([], {})
    if refused:
        raise PlanImportError(refused)
    departments = _upsert_departments(spec)
    if plan is None:
        plan = Plan(slug=spec.slug)
        db.session.add(plan)
    _set_fields(plan, spec)
    db.session.flush()  # a new plan needs its id before its actions
    _set_areas(plan, spec, departments)
    db.session.flush()
    periods.ensure_periods(spec.first_year, spec.last_year)
    actions = [action for area in spec.areas for action in area.actions]
    counts = {
        "departments": len(spec.departments),
        "areas": len(spec.areas),
        "actions": len(actions),
        "milestones": sum(len(action.milestones) for action in actions),
    }
    result = ImportResult(spec.slug, created, counts, removed)
    detail = {"slug": spec.slug, "created": created, "counts": counts, "removed": removed}
    add_event("plan.imported", actor=actor, obj=plan, detail=detail)
    return result


def removals(plan: Plan, spec: PlanSpec) -> tuple[list[str], dict[str, int]]:
    """What the file drops from the plan: the removals refused because progress updates or
    milestone forecasts refer to them (never deleted), and the counts of what would go."""
    keep_actions = {a.code: a for area in spec.areas for a in area.actions}
    actions = [action for area in plan.areas for action in area.actions]
    gone_actions = [a for a in actions if a.code not in keep_actions]
    gone_milestones = [
        (action, m)
        for action in actions
        for m in action.milestones
        if m.code not in {s.code for s in _milestones_of(keep_actions.get(action.code))}
    ]
    updates = count_by(ProgressUpdate.action_id, [a.id for a in gone_actions])
    forecasts = count_by(MilestoneForecast.milestone_id, [m.id for _action, m in gone_milestones])
    errors = [
        _(
            'action "%(code)s": not in the file, but %(num)s progress update(s) refer to it, '
            "so it cannot be removed",
            code=a.code,
            num=updates[a.id],
        )
        for a in gone_actions
        if a.id in updates
    ] + [
        _(
            'milestone "%(code)s": not in the file, but %(num)s milestone forecast(s) refer to '
            "it, so it cannot be removed",
            code=f"{a.code}/{m.code}",
            num=forecasts[m.id],
        )
        for a, m in gone_milestones
        if m.id in forecasts and a.code in keep_actions
    ]
    area_codes = {area.code for area in spec.areas}
    return errors, {
        "areas": sum(1 for area in plan.areas if area.code not in area_codes),
        "actions": len(gone_actions),
        "milestones": len(gone_milestones),
    }


def _milestones_of(action: ActionSpec | None) -> tuple[MilestoneSpec, ...]:
    return () if action is None else action.milestones


def count_by(column: Any, ids: list[int]) -> dict[int, int]:
    """How many rows refer to each of `ids` through `column`."""
    if not ids:
        return {}
    rows = db.session.execute(
        select(column, func.count()).where(column.in_(ids)).group_by(column)
    ).all()
    return {row[0]: row[1] for row in rows}


def _upsert_departments(spec: PlanSpec) -> dict[str, Department]:
    """The file's departments created or renamed; every department the plan names, by acronym."""
    wanted = {d.acronym for d in spec.departments}
    for area in spec.areas:
        for action in area.actions:
            wanted |= {action.lead, *action.participants}
    found = {
        d.acronym: d
        for d in db.session.scalars(select(Department).where(Department.acronym.in_(wanted)))
    }
    for item in spec.departments:
        department = found.get(item.acronym)
        if department is None:
            department = found[item.acronym] = Department(acronym=item.acronym)
            db.session.add(department)
        department.name_en, department.name_fr = item.name.en, item.name.fr
    return found


def _set_fields(plan: Plan, spec: PlanSpec) -> None:
    plan.title_en, plan.title_fr = spec.title.en, spec.title.fr
    plan.summary_en, plan.summary_fr = spec.summary.en, spec.summary.fr
    plan.first_year, plan.last_year, plan.status = spec.first_year, spec.last_year, spec.status


def _set_areas(plan: Plan, spec: PlanSpec, departments: dict[str, Department]) -> None:
    """Areas and actions matched by code keep their ids (and so their progress history)."""
    areas = {area.code: area for area in plan.areas}
    actions = {action.code: action for area in plan.areas for action in area.actions}
    kept = []
    for position, area_spec in enumerate(spec.areas):
        area = areas.get(area_spec.code) or StrategicArea(code=area_spec.code)
        _set_area(area, area_spec, position)
        # An action may move to another area; its old area's collection lets go of it.
        area.actions = [
            _action(actions.get(s.code) or Action(code=s.code, plan_id=plan.id), s, i, departments)
            for i, s in enumerate(area_spec.actions)
        ]
        kept.append(area)
    plan.areas = kept  # areas left out are orphans: deleted with their actions and milestones


def _set_area(area: StrategicArea, spec: AreaSpec, position: int) -> None:
    area.position, area.colour = position, spec.colour
    area.name_en, area.name_fr = spec.name.en, spec.name.fr
    area.goal_en, area.goal_fr = spec.goal.en, spec.goal.fr


def _action(
    action: Action, spec: ActionSpec, position: int, departments: dict[str, Department]
) -> Action:
    """An action set from the spec; its milestones matched by code keep their ids."""
    action.position, action.illustrative = position, spec.illustrative
    action.title_en, action.title_fr = spec.title.en, spec.title.fr
    action.description_en, action.description_fr = spec.description.en, spec.description.fr
    action.lead_department = departments[spec.lead]
    action.participants = [departments[acronym] for acronym in spec.participants]
    action.start_quarter, action.baseline_target = spec.start, spec.baseline_target
    action.current_target = spec.target
    existing = {m.code: m for m in action.milestones}
    action.milestones = [
        _milestone(existing.get(s.code) or Milestone(code=s.code), s, i)
        for i, s in enumerate(spec.milestones)
    ]
    return action


def _milestone(milestone: Milestone, spec: MilestoneSpec, position: int) -> Milestone:
    milestone.position = position
    milestone.title_en, milestone.title_fr = spec.title.en, spec.title.fr
    milestone.baseline_due, milestone.completed_on = spec.baseline_due, spec.completed
    return milestone


def load_plan(slug: str, lock: bool = False) -> Plan | None:
    """The plan with its whole tree, in a fixed number of queries; `lock` holds its row until
    the transaction ends (PostgreSQL; SQLite's write lock is taken when the transaction begins)."""
    query = select(Plan).where(Plan.slug == slug)
    return db.session.scalar(
        (query.with_for_update(of=Plan) if lock else query).options(
            selectinload(Plan.areas)
            .selectinload(StrategicArea.actions)
            .options(
                selectinload(Action.lead_department),
                selectinload(Action.participants),
                selectinload(Action.milestones),
            )
        )
    )


# -- reading back ----------------------------------------------------------------------------------


def plan_document(plan: Plan) -> dict[str, Any]:
    """A loaded plan as a document in the import format (dates as `date`, quarters as text)."""
    actions = [action for area in plan.areas for action in area.actions]
    used = {d.acronym: d for a in actions for d in (a.lead_department, *a.participants)}
    return {
        "format": FORMAT,
        "plan": {
            "slug": plan.slug,
            "title": _pair(plan, "title"),
            "summary": _pair(plan, "summary"),
            "first_year": plan.first_year,
            "last_year": plan.last_year,
            "status": plan.status,
        },
        "departments": [
            {"acronym": acronym, "name": _pair(used[acronym], "name")} for acronym in sorted(used)
        ],
        "areas": [_area_document(area) for area in plan.areas],
    }


def _pair(obj: object, name: str) -> dict[str, str]:
    return {"en": getattr(obj, f"{name}_en"), "fr": getattr(obj, f"{name}_fr")}


def _area_document(area: StrategicArea) -> dict[str, Any]:
    return {
        "code": area.code,
        "colour": area.colour,
        "name": _pair(area, "name"),
        "goal": _pair(area, "goal"),
        "actions": [_action_document(action) for action in area.actions],
    }


def _action_document(action: Action) -> dict[str, Any]:
    return {
        "code": action.code,
        "title": _pair(action, "title"),
        "description": _pair(action, "description"),
        "illustrative": action.illustrative,
        "lead": action.lead_department.acronym,
        "participants": [d.acronym for d in action.participants],
        "start": str(action.start_quarter),
        "baseline_target": str(action.baseline_target),
        "target": str(action.current_target),
        "milestones": [
            {
                "code": m.code,
                "title": _pair(m, "title"),
                "baseline_due": m.baseline_due,
                "completed": m.completed_on,
            }
            for m in action.milestones
        ],
    }
