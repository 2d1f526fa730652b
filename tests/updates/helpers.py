"""Acting and reading in the quarterly workflow tests: the update form, signed-in clients and
the stored rows (the world itself is built by tests/factories/updates.py)."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.conftest import AuthActions, post_form
from tests.factories.updates import World
from tracker.extensions import db
from tracker.models import ProgressUpdate, Revision


def form_data(world: World, intent: str = "save", **overrides: Any) -> dict[str, Any]:
    """A complete, valid update form; `intent` is 'save' or 'send' (submit)."""
    m1, m2 = world.milestone_ids
    data: dict[str, Any] = {
        "status": "on_track",
        "percent_complete": "40",
        "forecast_completion": "2026-Q4",
        "milestones-0-milestone_id": str(m1),
        "milestones-0-forecast_on": "2026-03-15",
        "milestones-0-completed_on": "",
        "milestones-1-milestone_id": str(m2),
        "milestones-1-forecast_on": "2026-12-01",
        "milestones-1-completed_on": "",
        "accomplishments": "Designed the service.",
        "risks": "",
        "next_steps": "Build it.",
        "decrease_reason": "",
        "version": "0",
        intent: "1",
    }
    data.update(overrides)
    return data


def login(app: Flask, email: str) -> FlaskClient:
    """A new client signed in as `email`."""
    client = app.test_client()
    response = AuthActions(client).login(email)
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def post_update(client: FlaskClient, url: str, data: dict[str, Any]) -> Any:
    """POST the update form with a fresh CSRF token from the form page."""
    return post_form(client, url, data)


def the_update(app: Flask, world: World, department_id: int | None = None) -> ProgressUpdate | None:
    """The stored update of the world's action for the current period."""
    with app.app_context():
        update = db.session.scalar(
            select(ProgressUpdate).where(
                ProgressUpdate.action_id == world.action_id,
                ProgressUpdate.department_id == (department_id or world.department_id),
                ProgressUpdate.period_id == world.period_id,
            )
        )
        if update is not None:
            db.session.expunge(update)
        return update


def count(app: Flask, model: Any) -> int:
    with app.app_context():
        return int(db.session.scalar(select(func.count()).select_from(model)) or 0)


def revisions_of(app: Flask, update_id: int) -> list[Revision]:
    with app.app_context():
        rows = list(
            db.session.scalars(
                select(Revision).where(Revision.update_id == update_id).order_by(Revision.number)
            )
        )
        for row in rows:
            db.session.expunge(row)
        return rows
