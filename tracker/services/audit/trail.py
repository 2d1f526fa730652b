"""Browsing the audit trail: filtered, newest-first pages of events (read only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import ColumnElement, func, or_, select

from tracker.extensions import db
from tracker.models import AuditEvent, Base, User
from tracker.services.paging import Page

PER_PAGE = 50


@dataclass(frozen=True)
class AuditFilter:
    """What the trail is narrowed to; empty values mean no filter. Dates are local days."""

    action: str = ""
    actor: str = ""
    object_type: str = ""
    object_id: str = ""
    date_from: date | None = None
    date_to: date | None = None


EventPage = Page[AuditEvent]


def known_actions() -> list[str]:
    """Every action recorded so far, read as a skip scan of the action index (one query)."""
    first = select(func.min(AuditEvent.action).label("action")).cte("actions", recursive=True)
    following = select(
        select(func.min(AuditEvent.action))
        .where(AuditEvent.action > first.c.action)
        .scalar_subquery()
    ).where(first.c.action.is_not(None))
    actions = first.union_all(following)
    query = select(actions.c.action).where(actions.c.action.is_not(None))
    return [str(a) for a in db.session.scalars(query)]


def object_types() -> list[str]:
    """The names events use for objects: one per model class."""
    return sorted({mapper.class_.__name__ for mapper in Base.registry.mappers})


def _local_midnight(day: date) -> datetime:
    zone = ZoneInfo(str(current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "UTC"))
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)


def _conditions(filters: AuditFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.action:
        conditions.append(AuditEvent.action == filters.action)
    if filters.actor:
        users = select(User.id).where(User.email.icontains(filters.actor, autoescape=True))
        conditions.append(
            or_(
                AuditEvent.actor_id.in_(users),
                AuditEvent.actor_label.icontains(filters.actor, autoescape=True),
            )
        )
    if filters.object_type:
        conditions.append(AuditEvent.object_type == filters.object_type)
    if filters.object_id:
        conditions.append(AuditEvent.object_id == filters.object_id)
    if filters.date_from is not None:
        conditions.append(AuditEvent.occurred_at >= _local_midnight(filters.date_from))
    if filters.date_to is not None:
        end = _local_midnight(filters.date_to + timedelta(days=1))
        conditions.append(AuditEvent.occurred_at < end)
    return conditions


def search_events(filters: AuditFilter, page: int = 1, per_page: int = PER_PAGE) -> EventPage:
    """A newest-first page of events matching `filters` (one query)."""
    page = max(page, 1)
    rows = list(
        db.session.scalars(
            select(AuditEvent)
            .where(*_conditions(filters))
            .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
            .offset((page - 1) * per_page)
            .limit(per_page + 1)
        )
    )
    return EventPage.of(rows, page, per_page)
