"""Shared by the admin tests: stored rows as plain objects."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select

from tracker.extensions import db
from tracker.models import AuditEvent, User

ADMIN = "admin@example.gc.ca"
NEW_PASSWORD = "a long enough passphrase"


def stored_user(app: Flask, email: str) -> User | None:
    """The user as stored now, detached from the session."""
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        if user is not None:
            db.session.expunge(user)
        return user


def count_users(app: Flask) -> int:
    """How many users are stored."""
    with app.app_context():
        return db.session.scalar(select(func.count(User.id))) or 0


def user_events(app: Flask, action: str) -> list[AuditEvent]:
    """Events of `action` recorded by someone signed in (not the CLI or test set-up)."""
    with app.app_context():
        query = select(AuditEvent).where(
            AuditEvent.action == action, AuditEvent.actor_id.is_not(None)
        )
        events = list(db.session.scalars(query))
        db.session.expunge_all()
        return events
