"""Shared by the admin and audit tests: stored rows as plain objects, and query counting."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, func, select

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


def queries(app: Flask, client: FlaskClient, url: str) -> int:
    """How many SQL statements a GET of `url` runs (after a warm-up request)."""
    client.get(url)
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(statements)
