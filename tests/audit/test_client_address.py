"""An audit event names the address of the request that caused it; a job's names none."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import AuthActions, make_user
from tracker.extensions import db
from tracker.models import AuditEvent, Role
from tracker.services.audit.events import add_event


def test_a_request_stamps_its_client_address(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    make_user(app, Role.ADMIN, "admin@example.gc.ca")
    client.environ_base["REMOTE_ADDR"] = "203.0.113.7"
    auth.login("admin@example.gc.ca")
    with app.app_context():
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "login.succeeded")
        ).one()
        assert event.ip_address == "203.0.113.7"


def test_an_event_outside_a_request_has_no_address(app: Flask) -> None:
    with app.app_context():
        add_event("test.job", actor_label="scheduler")
        db.session.commit()
        assert db.session.scalars(select(AuditEvent.ip_address)).one() == ""
