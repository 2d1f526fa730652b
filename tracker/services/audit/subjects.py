"""What a page of audit events names: the actors and the objects, read in one query per kind.

An event stores its object as a model name and an id. To describe events in words a page needs
those objects (an update's action, plan and quarter; a milestone's action), so they are read here
together, whatever the number of events, and the objects deleted since are simply absent.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.sql import Select

from tracker.extensions import db
from tracker.models import (
    Action,
    AnnualReport,
    ApiToken,
    AuditEvent,
    Department,
    Milestone,
    Plan,
    ProgressUpdate,
    ReportingPeriod,
    StrategicArea,
    User,
)


def _query(model: type[Any]) -> Select[Any]:
    """How each kind of object is read, with what its description needs loaded with it."""
    query = select(model)
    if model is Action:
        query = query.options(joinedload(Action.area).joinedload(StrategicArea.plan))
    elif model is StrategicArea:
        query = query.options(joinedload(StrategicArea.plan))
    elif model is Milestone:
        query = query.options(
            joinedload(Milestone.action).joinedload(Action.area).joinedload(StrategicArea.plan)
        )
    elif model is ProgressUpdate:
        query = query.options(
            joinedload(ProgressUpdate.action)
            .joinedload(Action.area)
            .joinedload(StrategicArea.plan),
            joinedload(ProgressUpdate.period),
            joinedload(ProgressUpdate.department),
        )
    elif model is AnnualReport:
        query = query.options(joinedload(AnnualReport.plan))
    elif model is User:
        query = query.options(selectinload(User.department))
    return query


# The objects events name, by the model name `add_event` records.
MODELS: dict[str, type[Any]] = {
    model.__name__: model
    for model in (
        Plan,
        StrategicArea,
        Action,
        Milestone,
        ProgressUpdate,
        ReportingPeriod,
        AnnualReport,
        User,
        Department,
        ApiToken,
    )
}
# Detail keys that name a plan by its slug (a deleted object's plan, a copy's source).
PLAN_SLUG_KEYS = ("plan", "slug", "from")


@dataclass(frozen=True)
class Subjects:
    """The actors and objects a set of events names; what is not here no longer exists."""

    objects: dict[tuple[str, str], Any] = field(default_factory=dict)
    users: dict[int, User] = field(default_factory=dict)
    plans_by_slug: dict[str, Plan] = field(default_factory=dict)

    def object_of(self, event: AuditEvent) -> Any:
        """The event's object as it is now, or None (no object, or deleted since)."""
        if event.object_type == "User" and event.object_id.isdigit():
            return self.users.get(int(event.object_id))
        return self.objects.get((event.object_type, event.object_id))

    def actor_of(self, event: AuditEvent) -> User | None:
        """The account that acted, when there was one and it still exists."""
        return self.users.get(event.actor_id) if event.actor_id is not None else None


def _ids(events: Iterable[AuditEvent]) -> dict[str, set[int]]:
    wanted: dict[str, set[int]] = defaultdict(set)
    for event in events:
        if event.actor_id is not None:
            wanted["User"].add(event.actor_id)
        if event.object_type in MODELS and event.object_id.isdigit():
            wanted[event.object_type].add(int(event.object_id))
    return wanted


def _slugs(events: Iterable[AuditEvent]) -> set[str]:
    found = set()
    for event in events:
        detail = event.detail if isinstance(event.detail, dict) else {}
        for key in PLAN_SLUG_KEYS:
            value = detail.get(key)
            if isinstance(value, str) and value:
                found.add(value[:80])
    return found


def load_subjects(events: Sequence[AuditEvent]) -> Subjects:
    """Read what `events` name: one query per kind of object present, and one for plan slugs."""
    subjects = Subjects()
    for name, ids in _ids(events).items():
        model = MODELS[name]
        rows = db.session.scalars(_query(model).where(model.id.in_(sorted(ids)))).unique()
        for row in rows:
            if name == "User":
                subjects.users[row.id] = row
            else:
                subjects.objects[(name, str(row.id))] = row
    slugs = _slugs(events)
    if slugs:
        for plan in db.session.scalars(select(Plan).where(Plan.slug.in_(sorted(slugs)))):
            subjects.plans_by_slug[plan.slug] = plan
    return subjects
