"""The audit trail: append-only events for every change, login, failed login and denied access.

Where a request came from is the web layer's to say: `tracker.requests` stamps the client's
address on the events a request adds.
"""

from __future__ import annotations

from typing import Any

from tracker.db import prepare_write
from tracker.extensions import db
from tracker.models import AuditEvent, User


def add_event(
    action: str,
    *,
    actor: User | None = None,
    actor_label: str = "",
    obj: Any = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add an audit event to the current transaction; the calling service commits."""
    event = AuditEvent(
        action=action,
        actor_id=actor.id if actor is not None else None,
        actor_label=actor.email if actor is not None else actor_label,
        object_type=type(obj).__name__ if obj is not None else "",
        object_id=str(getattr(obj, "id", "") or "") if obj is not None else "",
        detail=detail or {},
    )
    db.session.add(event)
    return event


def record_denied_access(user: User, path: str, action: str = "access.denied") -> None:
    """Record, in its own transaction, that `user` was refused `path`.

    `access.not_found` is a refusal answered as 404: what the user asked for exists only
    outside their scope (another department's update, a draft) or not at all.
    """
    db.session.rollback()  # whatever the refused request had pending is not recorded
    prepare_write()
    add_event(action, actor=user, detail={"path": path[:500]})
    db.session.commit()
