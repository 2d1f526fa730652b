"""What importing a plan file would change, shown to the planner before anything is written.

The stored plan and the file are both brought to the export's document shape and compared item
by item, matched by code as the import matches them (store.py). What the import refuses (a
baseline of an active plan changed outside the yearly review) and what it keeps and retires
rather than deletes come from the functions the import calls (import_rules), so the preview and
the import cannot disagree.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from tracker.extensions import db
from tracker.models import Department, MilestoneForecast, Plan, ProgressUpdate
from tracker.services.plans.fields import Text
from tracker.services.plans.import_rules import baseline_errors, count_by
from tracker.services.plans.schema import FORMAT, ActionSpec, AreaSpec, PlanSpec, RetiredSpec
from tracker.services.plans.store import plan_document

ADDED, CHANGED, REMOVED, RETIRED = "added", "changed", "removed", "retired"
# When and by whom something was retired: kept as stored when a file leaves them out.
KEPT = ("retired.at", "retired.by")


@dataclass(frozen=True)
class Change:
    """One field of an item, as stored and as in the file (file keys, e.g. `title.fr`)."""

    field: str
    before: str
    after: str


@dataclass(frozen=True)
class ItemChange:
    """An area, action, milestone or department the file adds, changes or removes."""

    code: str
    name: str
    state: str
    changes: tuple[Change, ...] = ()
    history: int = 0  # progress updates (actions) or milestone forecasts (milestones) kept


@dataclass(frozen=True)
class PlanDiff:
    """The preview of an import: what it adds, changes and removes, and what it refuses."""

    slug: str
    title: str
    created: bool
    plan: tuple[Change, ...]
    departments: tuple[ItemChange, ...]
    areas: tuple[ItemChange, ...]
    actions: tuple[ItemChange, ...]
    milestones: tuple[ItemChange, ...]
    refused: tuple[str, ...]
    updates: int  # progress updates the plan holds; none is deleted by an import
    to_translate: tuple[tuple[str, str], ...]  # (item code, or "" for the plan; text field)

    @property
    def unchanged(self) -> bool:
        """True when applying the file would change nothing."""
        items = (self.plan, self.departments, self.areas, self.actions, self.milestones)
        return not self.created and not any(items)


def diff_plan(plan: Plan | None, spec: PlanSpec) -> PlanDiff:
    """The preview of importing `spec` over `plan` (None: a new plan). Reads, never writes."""
    before = plan_document(plan) if plan is not None else {"plan": {}, "areas": []}
    after = spec_document(spec)
    history = _history(plan)
    refused = baseline_errors(plan, spec) if plan is not None else []
    return PlanDiff(
        slug=spec.slug,
        title=spec.title.en,
        created=plan is None,
        plan=_changes(
            _flat(before["plan"]) | _order(before, "areas"),
            _flat(after["plan"]) | _order(after, "areas"),
        ),
        departments=_departments(spec),
        areas=_items(_areas(before), _areas(after), {}),
        actions=_items(_actions(before), _actions(after), history),
        milestones=_items(_milestones(before), _milestones(after), history),
        refused=tuple(refused),
        updates=sum(n for key, n in history.items() if "/" not in key),
        to_translate=tuple(_untranslated(spec)),
    )


def plan_fingerprint(plan: Plan | None) -> str:
    """A digest of everything an export holds: a preview is applied only while it matches."""
    if plan is None:
        return ""
    text = json.dumps(plan_document(plan), sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def spec_document(spec: PlanSpec) -> dict[str, Any]:
    """A checked plan in the export's document shape (see store.plan_document)."""
    return {
        "format": FORMAT,
        "plan": {
            "slug": spec.slug,
            "title": _pair(spec.title),
            "summary": _pair(spec.summary),
            "first_year": spec.first_year,
            "last_year": spec.last_year,
            "status": spec.status,
            "owner": _pair(spec.owner),
            "source_url": spec.source_url,
            "predecessor": spec.predecessor or None,
            "levels": {"area": _pair(spec.levels[0]), "action": _pair(spec.levels[1])},
        },
        "areas": [_area_document(area) for area in spec.areas],
    }


def _retired(spec: RetiredSpec | None) -> dict[str, Any] | None:
    """A retirement as the file gives it (when and who left out: kept or set by the import)."""
    if spec is None:
        return None
    given = {"at": spec.at, "by": spec.by or None}
    return {"reason": spec.reason} | {key: value for key, value in given.items() if value}


def _participants(action: ActionSpec) -> list[Any]:
    since = dict(action.since)
    return [
        {"department": acronym, "since": str(since[acronym])} if acronym in since else acronym
        for acronym in sorted(action.participants)
    ]


def _pair(text: Text) -> dict[str, str]:
    return {"en": text.en, "fr": text.fr}


def _area_document(area: AreaSpec) -> dict[str, Any]:
    return {
        "code": area.code,
        "colour": area.colour,
        "name": _pair(area.name),
        "goal": _pair(area.goal),
        "actions": [_action_document(action) for action in area.actions],
    }


def _action_document(action: ActionSpec) -> dict[str, Any]:
    return {
        "code": action.code,
        "title": _pair(action.title),
        "description": _pair(action.description),
        "illustrative": action.illustrative,
        "lead": action.lead,
        "participants": _participants(action),
        "start": action.start,  # quarters as text (none: not set yet) by `_flat`
        "baseline_target": action.baseline_target,
        "target": action.target,
        "milestones": [
            {
                "code": m.code,
                "title": _pair(m.title),
                "baseline_due": m.baseline_due,
                "current_due": m.current_due,
                "completed": m.completed,
                "retired": _retired(m.retired),
            }
            for m in action.milestones
        ],
        "retired": _retired(action.retired),
    }


# -- comparing ------------------------------------------------------------------------------

Fields = dict[str, str]


def _flat(item: Mapping[str, Any], prefix: str = "") -> Fields:
    """An item's fields as text, nested keys joined by dots; lists of items become their order."""
    fields: Fields = {}
    for key, value in item.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            fields |= _flat(value, f"{name}.")
        elif isinstance(value, list):
            fields[name] = ", ".join(_label(v) for v in value)
        else:
            fields[name] = _text(value)
    return fields


def _label(item: object) -> str:
    """An item of a list as the preview names it: its code, or a participant and its since."""
    if isinstance(item, Mapping):
        if "code" in item:
            return str(item["code"])
        return f"{item['department']} ({item['since']})"
    return str(item)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _order(document: Mapping[str, Any], key: str) -> Fields:
    return {key: ", ".join(item["code"] for item in document[key])}


def _changes(before: Fields, after: Fields) -> tuple[Change, ...]:
    keys = [*after, *(k for k in before if k not in after)]
    return tuple(
        Change(key, before.get(key, ""), after.get(key, ""))
        for key in keys
        if key not in ("code", "slug")
        and before.get(key, "") != after.get(key, "")
        and not (key.endswith(KEPT) and key not in after)
    )


def _areas(document: Mapping[str, Any]) -> dict[str, Fields]:
    return {area["code"]: _flat(area) for area in document["areas"]}


def _actions(document: Mapping[str, Any]) -> dict[str, Fields]:
    return {
        action["code"]: {"area": area["code"], **_flat(action)}
        for area in document["areas"]
        for action in area["actions"]
    }


def _milestones(document: Mapping[str, Any]) -> dict[str, Fields]:
    return {
        f"{action['code']}/{milestone['code']}": _flat(milestone)
        for area in document["areas"]
        for action in area["actions"]
        for milestone in action["milestones"]
    }


def _items(
    before: Mapping[str, Fields], after: Mapping[str, Fields], history: Mapping[str, int]
) -> tuple[ItemChange, ...]:
    """Items added, changed and removed, in the file's order, then the removed ones."""
    found = []
    for code, fields in after.items():
        name = _name(fields)
        if code not in before:
            found.append(ItemChange(code, name, ADDED))
        elif changes := _changes(before[code], fields):
            found.append(ItemChange(code, name, CHANGED, changes, history.get(code, 0)))
    # Left out with history: kept and retired, never deleted (import_rules.left_out).
    found += [
        ItemChange(
            code, _name(fields), RETIRED if history.get(code) else REMOVED, (), history.get(code, 0)
        )
        for code, fields in before.items()
        if code not in after
    ]
    return tuple(found)


def _name(fields: Fields) -> str:
    return fields.get("title.en") or fields.get("name.en") or ""


def _history(plan: Plan | None) -> dict[str, int]:
    """Progress updates per action code, and milestone forecasts per `action/milestone`."""
    if plan is None:
        return {}
    actions = {a.id: a for area in plan.areas for a in area.actions}
    milestones = {m.id: (a, m) for a in actions.values() for m in a.milestones}
    updates = count_by(ProgressUpdate.action_id, list(actions))
    forecasts = count_by(MilestoneForecast.milestone_id, list(milestones))
    counts = {actions[i].code: n for i, n in updates.items()}
    for i, n in forecasts.items():
        action, milestone = milestones[i]
        counts[f"{action.code}/{milestone.code}"] = n
    return counts


def _departments(spec: PlanSpec) -> tuple[ItemChange, ...]:
    """Departments the file creates or renames (they are shared by every plan)."""
    acronyms = [d.acronym for d in spec.departments]
    stored = {
        d.acronym: d
        for d in db.session.scalars(select(Department).where(Department.acronym.in_(acronyms)))
    }
    found = []
    for item in spec.departments:
        department = stored.get(item.acronym)
        if department is None:
            found.append(ItemChange(item.acronym, item.name.en, ADDED))
            continue
        before = {"name.en": department.name_en, "name.fr": department.name_fr}
        after = {"name.en": item.name.en, "name.fr": item.name.fr}
        if item.acronym_fr is not None:
            before["acronym_fr"], after["acronym_fr"] = department.acronym_fr or "", item.acronym_fr
        if changes := _changes(before, after):
            found.append(ItemChange(item.acronym, item.name.en, CHANGED, changes))
    return tuple(found)


def _untranslated(spec: PlanSpec) -> Iterable[tuple[str, str]]:
    """Where the file has English text without its French: (item code, field)."""
    texts: list[tuple[str, str, Text]] = [("", "title", spec.title), ("", "summary", spec.summary)]
    for area in spec.areas:
        texts += [(area.code, "name", area.name), (area.code, "goal", area.goal)]
        for action in area.actions:
            texts += [
                (action.code, "title", action.title),
                (action.code, "description", action.description),
            ]
            texts += [(f"{action.code}/{m.code}", "title", m.title) for m in action.milestones]
    return ((code, field) for code, field, text in texts if text.en and not text.fr)
