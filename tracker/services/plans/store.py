"""Plans in the database: apply a checked plan document in place, and read one back out."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import selectinload

from tracker.extensions import db
from tracker.models import (
    Action,
    Department,
    Milestone,
    Plan,
    StrategicArea,
    User,
    action_participant,
)
from tracker.services.audit.events import add_event
from tracker.services.calendar import clock, periods
from tracker.services.plans import import_rules as rules
from tracker.services.plans.document import plan_document
from tracker.services.plans.schema import (
    ActionSpec,
    AreaSpec,
    MilestoneSpec,
    PlanImportError,
    PlanSpec,
    RetiredSpec,
)

__all__ = ["ImportResult", "load_plan", "plan_document", "write_plan"]


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


def write_plan(spec: PlanSpec, actor: User | None, reason: str = "") -> ImportResult:
    """Apply a valid spec to the session, matching items by code, following the authoring
    rules (import_rules); `reason` goes to the change log (the caller commits)."""
    plan = load_plan(spec.slug)
    created = plan is None
    reason = reason.strip() or rules.DEFAULT_REASON
    kept, before = rules.Kept(), None
    if plan is not None:
        if refused := rules.baseline_errors(plan, spec):
            raise PlanImportError(refused)
        kept, before = rules.left_out(plan, spec), rules.before_import(plan)
    removed = kept.deleted
    departments = _upsert_departments(spec)
    if plan is None:
        plan = Plan(slug=spec.slug)
        db.session.add(plan)
    _set_fields(plan, spec)
    db.session.flush()  # a new plan needs its id before its actions
    _set_areas(plan, spec, departments, _Retiring(actor, _users(spec)), kept)
    rules.retire_left_out(kept, actor, reason)
    db.session.flush()
    _set_since(plan, spec, departments)
    if before is not None:
        rules.record_changes(plan, before, actor, reason)
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


def _upsert_departments(spec: PlanSpec) -> dict[str, Department]:
    """The file's departments created or renamed; every department the plan names, by acronym."""
    wanted = {d.acronym for d in spec.departments}
    for area in spec.areas:
        for action in area.actions:
            wanted |= {*action.participants, *([action.lead] if action.lead else [])}
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
        if item.acronym_fr is not None:
            department.acronym_fr = item.acronym_fr
    return found


def _set_fields(plan: Plan, spec: PlanSpec) -> None:
    plan.title_en, plan.title_fr = spec.title.en, spec.title.fr
    plan.summary_en, plan.summary_fr = spec.summary.en, spec.summary.fr
    plan.first_year, plan.last_year, plan.status = spec.first_year, spec.last_year, spec.status
    plan.owner_en, plan.owner_fr = spec.owner.en, spec.owner.fr
    plan.source_url = spec.source_url
    predecessor = None
    if spec.predecessor:
        predecessor = db.session.scalar(select(Plan).where(Plan.slug == spec.predecessor))
    plan.predecessor = predecessor
    area, action = spec.levels
    plan.area_label_en, plan.area_label_fr = area.en, area.fr
    plan.action_label_en, plan.action_label_fr = action.en, action.fr


@dataclass(frozen=True)
class _Retiring:
    """Who retires what an import retires without saying who, and the people files name."""

    actor: User | None
    users: dict[str, int]


def _users(spec: PlanSpec) -> dict[str, int]:
    """The ids of the people the file names as having retired something, by e-mail."""
    actions = [action for area in spec.areas for action in area.actions]
    retired = [a.retired for a in actions] + [m.retired for a in actions for m in a.milestones]
    emails = {r.by for r in retired if r is not None and r.by}
    if not emails:
        return {}
    rows = db.session.execute(select(User.email, User.id).where(User.email.in_(emails)))
    return {email: user_id for email, user_id in rows}


def _retire(item: Action | Milestone, spec: RetiredSpec | None, retiring: _Retiring) -> None:
    """Retire or reinstate `item` as the file says; when and who as the file says, else as
    stored, else now and the person importing."""
    if spec is None:
        item.retired_at, item.retired_by_id, item.retirement_reason = None, None, ""
        return
    item.retirement_reason = spec.reason
    if spec.at is not None:
        item.retired_at = spec.at
    elif item.retired_at is None:
        item.retired_at = clock.now()
    if spec.by:
        item.retired_by_id = retiring.users[spec.by]
    elif spec.at is None and item.retired_by_id is None and retiring.actor is not None:
        item.retired_by_id = retiring.actor.id
    elif spec.at is not None:
        item.retired_by_id = None


def _set_since(plan: Plan, spec: PlanSpec, departments: dict[str, Department]) -> None:
    """The quarter from which each participant owes updates (the association's own column)."""
    ids = {a.code: a.id for area in plan.areas for a in area.actions}
    rows = [
        {
            "a": ids[action.code],
            "d": departments[acronym].id,
            "since": dict(action.since).get(acronym),
        }
        for area in spec.areas
        for action in area.actions
        for acronym in action.participants
    ]
    if rows:
        db.session.execute(
            update(action_participant)
            .where(
                action_participant.c.action_id == bindparam("a"),
                action_participant.c.department_id == bindparam("d"),
            )
            .values(since_quarter=bindparam("since")),
            rows,
        )


def _set_areas(
    plan: Plan,
    spec: PlanSpec,
    departments: dict[str, Department],
    retiring: _Retiring,
    history: rules.Kept,
) -> None:
    """Areas and actions matched by code keep their ids (and so their progress history); what
    the file leaves out but history refers to stays, after what the file lists."""
    areas = {area.code: area for area in plan.areas}
    actions = {action.code: action for area in plan.areas for action in area.actions}
    left = {a.code: a.area.code for a in history.actions}
    kept = []
    for position, area_spec in enumerate(spec.areas):
        area = areas.get(area_spec.code) or StrategicArea(code=area_spec.code)
        _set_area(area, area_spec, position)
        # An action may move to another area; its old area's collection lets go of it.
        area.actions = [
            _action(
                actions.get(s.code) or Action(code=s.code, plan_id=plan.id),
                s,
                i,
                departments,
                retiring,
                history,
            )
            for i, s in enumerate(area_spec.actions)
        ] + [a for a in history.actions if a.area.code == area_spec.code]
        kept.append(area)
    listed = {area.code for area in kept}
    for code in dict.fromkeys(left.values()):
        if code not in listed:
            area = areas[code]
            area.actions = [a for a in history.actions if left[a.code] == code]
            kept.append(area)
    plan.areas = kept  # areas left out are orphans: deleted with their actions and milestones


def _set_area(area: StrategicArea, spec: AreaSpec, position: int) -> None:
    area.position, area.colour = position, spec.colour
    area.name_en, area.name_fr = spec.name.en, spec.name.fr
    area.goal_en, area.goal_fr = spec.goal.en, spec.goal.fr


def _action(
    action: Action,
    spec: ActionSpec,
    position: int,
    departments: dict[str, Department],
    retiring: _Retiring,
    history: rules.Kept,
) -> Action:
    """An action set from the spec; its milestones matched by code keep their ids."""
    action.position, action.illustrative = position, spec.illustrative
    action.title_en, action.title_fr = spec.title.en, spec.title.fr
    action.description_en, action.description_fr = spec.description.en, spec.description.fr
    action.lead_department = departments[spec.lead] if spec.lead else None
    action.participants = [departments[acronym] for acronym in spec.participants]
    action.start_quarter, action.baseline_target = spec.start, spec.baseline_target
    action.current_target = spec.target
    _retire(action, spec.retired, retiring)
    existing = {m.code: m for m in action.milestones}
    action.milestones = [
        _milestone(existing.get(s.code) or Milestone(code=s.code), s, i, retiring)
        for i, s in enumerate(spec.milestones)
    ] + [m for m in history.milestones if m.action is action]
    return action


def _milestone(
    milestone: Milestone, spec: MilestoneSpec, position: int, retiring: _Retiring
) -> Milestone:
    milestone.position = position
    milestone.title_en, milestone.title_fr = spec.title.en, spec.title.fr
    milestone.baseline_due, milestone.completed_on = spec.baseline_due, spec.completed
    milestone.current_due = spec.current_due
    _retire(milestone, spec.retired, retiring)
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
