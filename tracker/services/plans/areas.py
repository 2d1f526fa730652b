"""A plan's strategic areas (or whatever the plan calls its first level): add, edit, reorder,
and delete while empty."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from tracker.extensions import db
from tracker.models import ChangeKind, Plan, StrategicArea, User
from tracker.services.audit.events import add_event
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

COLOUR_RE = re.compile(r"#[0-9a-fA-F]{6}")
DEFAULT_COLOUR = "#1f6fb2"


@dataclass(frozen=True)
class AreaFields:
    """An area as a planner edits it."""

    code: str
    name_en: str
    name_fr: str
    goal_en: str = ""
    goal_fr: str = ""
    colour: str = DEFAULT_COLOUR


def _areas(plan: Plan) -> list[StrategicArea]:
    return list(
        db.session.scalars(
            select(StrategicArea)
            .where(StrategicArea.plan_id == plan.id)
            .order_by(StrategicArea.position, StrategicArea.id)
        )
    )


def _check(fields: AreaFields, others: list[StrategicArea]) -> None:
    errors: Errors = {}
    check_code(errors, fields.code, {a.code for a in others})
    bilingual(errors, "name", fields.name_en, fields.name_fr)
    if not COLOUR_RE.fullmatch(fields.colour):
        errors["colour"] = [_("Choose a colour written like #1f6fb2.")]
    raise_if(errors)


def _area(areas: list[StrategicArea], area_id: int) -> StrategicArea:
    found = next((a for a in areas if a.id == area_id), None)
    if found is None:
        raise NotFound()
    return found


def add_area(slug: str, fields: AreaFields, actor: User) -> StrategicArea:
    """A new area at the end of the plan."""
    plan = writable_plan(slug)
    areas = _areas(plan)
    _check(fields, areas)
    values = {**asdict(fields), "colour": fields.colour.lower()}
    area = StrategicArea(plan_id=plan.id, position=len(areas), **values)
    db.session.add(area)
    db.session.flush()
    changes.record(plan, ChangeKind.AREA_ADDED, actor, field="area", new=area.code)
    add_event("area.added", actor=actor, obj=area, detail={"plan": slug, "code": area.code})
    commit()
    return area


def edit_area(slug: str, area_id: int, fields: AreaFields, version: int, actor: User) -> None:
    """Save an area's fields (StaleEdit when edited from an older version)."""
    plan = writable_plan(slug)
    areas = _areas(plan)
    area = _area(areas, area_id)
    check_version(area, version)
    _check(fields, [a for a in areas if a.id != area.id])
    values = {**asdict(fields), "colour": fields.colour.lower()}
    changed = changes.record_fields(plan, area, values, actor)
    if changed:
        add_event("area.edited", actor=actor, obj=area, detail={"fields": changed})
    commit(area)


def move_area(slug: str, area_id: int, step: int, actor: User) -> None:
    """Move an area up (-1) or down (+1) the plan."""
    plan = writable_plan(slug)
    areas = _areas(plan)
    area = _area(areas, area_id)
    if reorder(StrategicArea, areas, area, step):
        changes.record(plan, ChangeKind.REORDERED, actor, field="area", new=area.code)
        add_event("area.moved", actor=actor, obj=area, detail={"step": step})
    commit()


def delete_area(slug: str, area_id: int, version: int, actor: User) -> None:
    """Delete an area that holds no action."""
    plan = writable_plan(slug)
    area = _area(_areas(plan), area_id)
    check_version(area, version)
    if area.actions:
        raise PlanInvalid.one(FORM, _("Move or delete this area's actions first."))
    changes.record(plan, ChangeKind.AREA_DELETED, actor, field="area", old=area.code)
    add_event("area.deleted", actor=actor, obj=area, detail={"code": area.code})
    db.session.delete(area)
    commit()
