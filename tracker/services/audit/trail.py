"""Browsing the audit trail: filtered, newest-first pages of events and every matching event in
batches for the CSV download (read only)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import ColumnElement, String, and_, cast, func, or_, select

from tracker.extensions import db
from tracker.models import AuditEvent, User
from tracker.services.paging import Page

PER_PAGE = 50
BATCH = 500  # events read at a time for the CSV download


@dataclass(frozen=True)
class AuditFilter:
    """What the trail is narrowed to; empty values mean no filter. Dates are local days."""

    action: str = ""
    actor: str = ""
    object_type: str = ""
    object_id: str = ""
    date_from: date | None = None
    date_to: date | None = None
    text: str = ""  # in the actor's label, the object id or the recorded detail


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


def _local_midnight(day: date) -> datetime:
    zone = ZoneInfo(str(current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "UTC"))
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)


def _conditions(filters: AuditFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.action:
        conditions.append(AuditEvent.action == filters.action)
    if filters.actor:
        users = select(User.id).where(
            or_(
                User.email.icontains(filters.actor, autoescape=True),
                User.name.icontains(filters.actor, autoescape=True),
            )
        )
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
    if filters.text:
        conditions.append(_text_condition(filters.text))
    return conditions


def _text_condition(text: str) -> ColumnElement[bool]:
    # The detail is stored as JSON text, where "é" is written "\u00e9" and a quote "\"": the
    # text is looked for both as typed and as JSON writes it.
    detail = cast(AuditEvent.detail, String)
    written = json.dumps(text)[1:-1]
    return or_(
        AuditEvent.actor_label.icontains(text, autoescape=True),
        AuditEvent.object_id == text,
        detail.icontains(text, autoescape=True),
        detail.icontains(written, autoescape=True),
    )


def count_events(filters: AuditFilter) -> int:
    """How many events match `filters` (one query)."""
    query = select(func.count(AuditEvent.id)).where(*_conditions(filters))
    return int(db.session.scalar(query) or 0)


def search_events(filters: AuditFilter, page: int = 1, per_page: int = PER_PAGE) -> EventPage:
    """A newest-first page of events matching `filters`, with their total (two queries)."""
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
    return EventPage.of(rows, page, per_page, count_events(filters))


def event_batches(filters: AuditFilter, size: int = BATCH) -> Iterator[list[AuditEvent]]:
    """Every event matching `filters`, newest first, in lists of up to `size`.

    Each batch is read after the last one's final event (keyset paging), so the download holds
    one batch in memory and no cursor stays open while the caller reads what the events name.
    """
    after: AuditEvent | None = None
    while True:
        query = select(AuditEvent).where(*_conditions(filters))
        if after is not None:
            query = query.where(
                or_(
                    AuditEvent.occurred_at < after.occurred_at,
                    and_(AuditEvent.occurred_at == after.occurred_at, AuditEvent.id < after.id),
                )
            )
        order = (AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
        batch = list(db.session.scalars(query.order_by(*order).limit(size)))
        if batch:
            yield batch
        if len(batch) < size:
            return
        after = batch[-1]
