"""A stored plan as a document in the import format (what `plan export` writes)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from tracker.extensions import db
from tracker.fiscal import FiscalQuarter
from tracker.models import (
    Action,
    Department,
    Milestone,
    Plan,
    StrategicArea,
    User,
    action_participant,
)
from tracker.services.plans.schema import FORMAT


def plan_document(plan: Plan) -> dict[str, Any]:
    """A loaded plan as a document in the import format (dates as `date`, quarters as text)."""
    actions = [action for area in plan.areas for action in area.actions]
    used = {
        d.acronym: d for a in actions for d in (a.lead_department, *a.participants) if d is not None
    }
    people = _people(actions)
    since = _since([a.id for a in actions])
    return {
        "format": FORMAT,
        "plan": {
            "slug": plan.slug,
            "title": _pair(plan, "title"),
            "summary": _pair(plan, "summary"),
            "first_year": plan.first_year,
            "last_year": plan.last_year,
            "status": plan.status,
            "owner": _pair(plan, "owner"),
            "source_url": plan.source_url,
            "predecessor": plan.predecessor.slug if plan.predecessor is not None else None,
            "levels": {"area": _pair(plan, "area_label"), "action": _pair(plan, "action_label")},
        },
        "departments": [_department(used[acronym]) for acronym in sorted(used)],
        "areas": [_area_document(area, people, since) for area in plan.areas],
    }


def _department(department: Department) -> dict[str, Any]:
    """A department as the file writes it; `acronym_fr` only when it has one."""
    french = {"acronym_fr": department.acronym_fr} if department.acronym_fr else {}
    return {"acronym": department.acronym, **french, "name": _pair(department, "name")}


def _people(actions: list[Action]) -> dict[int, str]:
    """The e-mails of the people who retired any of these actions or their milestones."""
    items: list[Action | Milestone] = [*actions, *(m for a in actions for m in a.milestones)]
    ids = {item.retired_by_id for item in items if item.retired_by_id is not None}
    if not ids:
        return {}
    rows = db.session.execute(select(User.id, User.email).where(User.id.in_(ids)))
    return {user_id: email for user_id, email in rows}


def _since(action_ids: list[int]) -> dict[tuple[int, int], Any]:
    """The quarter from which each late-joining participant owes updates."""
    if not action_ids:
        return {}
    c = action_participant.c
    rows = db.session.execute(
        select(c.action_id, c.department_id, c.since_quarter).where(
            c.action_id.in_(action_ids), c.since_quarter.is_not(None)
        )
    )
    return {(a, d): since for a, d, since in rows}


def _retired_document(item: Action | Milestone, people: dict[int, str]) -> dict[str, Any] | None:
    if item.retired_at is None:
        return None
    by = people.get(item.retired_by_id) if item.retired_by_id is not None else None
    return {"reason": item.retirement_reason, "at": item.retired_at, "by": by}


def _pair(obj: object, name: str) -> dict[str, str]:
    return {"en": getattr(obj, f"{name}_en"), "fr": getattr(obj, f"{name}_fr")}


def _area_document(
    area: StrategicArea, people: dict[int, str], since: dict[tuple[int, int], Any]
) -> dict[str, Any]:
    return {
        "code": area.code,
        "colour": area.colour,
        "name": _pair(area, "name"),
        "goal": _pair(area, "goal"),
        "actions": [_action_document(action, people, since) for action in area.actions],
    }


def _participant(action: Action, department: Department, since: dict[Any, Any]) -> Any:
    quarter = since.get((action.id, department.id))
    if quarter is None:
        return department.acronym
    return {"department": department.acronym, "since": str(quarter)}


def _text(quarter: FiscalQuarter | None) -> str | None:
    return str(quarter) if quarter is not None else None


def _action_document(
    action: Action, people: dict[int, str], since: dict[tuple[int, int], Any]
) -> dict[str, Any]:
    return {
        "code": action.code,
        "title": _pair(action, "title"),
        "description": _pair(action, "description"),
        "illustrative": action.illustrative,
        # None (written as null) only in a draft: not set yet.
        "lead": action.lead_department.acronym if action.lead_department else None,
        "participants": [_participant(action, d, since) for d in action.participants],
        "start": _text(action.start_quarter),
        "baseline_target": _text(action.baseline_target),
        "target": _text(action.current_target),
        "milestones": [
            {
                "code": m.code,
                "title": _pair(m, "title"),
                "baseline_due": m.baseline_due,
                "current_due": m.current_due,
                "completed": m.completed_on,
                "retired": _retired_document(m, people),
            }
            for m in action.milestones
        ],
        "retired": _retired_document(action, people),
    }
