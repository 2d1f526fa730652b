"""The API tests' world: one plan, departments ACR and BCD, updates in every state.

Today is 2025-10-05: the current period is 2025-Q2; 2025-Q1 is the one before.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import Flask
from sqlalchemy import select

from tests.conftest import make_user
from tests.factories import (
    MILESTONE_DUE,
    action_with_milestones,
    ensure_department,
    forecasts_for,
    period,
    plan_areas,
    update,
)
from tracker.extensions import db
from tracker.models import Plan, Role, User
from tracker.services.accounts import tokens as api_tokens

TODAY = "2025-10-05"
SLUG = "plan-api"
EMAILS = {
    "admin": "admin@example.gc.ca",
    "planner": "planner@example.gc.ca",
    "oversight": "oversight@example.gc.ca",
    "acr": "acr@example.gc.ca",
    "bcd": "bcd@example.gc.ca",
}
ROLES = {
    "admin": (Role.ADMIN, None),
    "planner": (Role.PLANNER, None),
    "oversight": (Role.OVERSIGHT, None),
    "acr": (Role.DEPARTMENT, "ACR"),
    "bcd": (Role.DEPARTMENT, "BCD"),
}
# (department, quarter, workflow state) of the updates written on every action.
UPDATES = (
    ("ACR", "2025-Q1", "accepted"),
    ("BCD", "2025-Q1", "returned"),
    ("ACR", "2025-Q2", "submitted"),
    ("BCD", "2025-Q2", "draft"),
)


@dataclass(frozen=True)
class World:
    slug: str
    codes: list[str]
    tokens: dict[str, str]  # who -> secret


def make_tokens(app: Flask) -> dict[str, str]:
    """A user of every kind, each with one API token; returns who -> secret."""
    secrets = {}
    for who, (role, department) in ROLES.items():
        user_id = make_user(app, role, EMAILS[who], department=department)
        with app.app_context():
            user = db.session.get(User, user_id)
            assert user is not None
            secrets[who] = api_tokens.create_token(user, f"{who} script", 30).secret
    return secrets


def add_actions(app: Flask, count: int, milestones: int = 2, extra_departments: int = 0) -> None:
    """Add `count` actions (led by ACR, BCD taking part) with milestones and UPDATES."""
    with app.app_context():
        [area] = plan_areas(SLUG, 2025, 2027)
        acr, bcd = ensure_department("ACR"), ensure_department("BCD")
        others = [ensure_department(f"X{n:02d}") for n in range(extra_departments)]
        for _ in range(count):
            action, stones = action_with_milestones(
                area, acr, [bcd, *others], [MILESTONE_DUE] * milestones
            )
            expected = forecasts_for(stones, date(2026, 6, 30))
            for acronym, quarter, state in UPDATES:
                department = acr if acronym == "ACR" else bcd
                update(action, department, quarter, state, percent=40, forecasts=expected)
            for other in others:
                update(action, other, "2025-Q2", "submitted", percent=10)
        for quarter in ("2025-Q1", "2025-Q2", "2025-Q3"):
            period(quarter)
        db.session.commit()


def build_world(app: Flask, actions: int = 2) -> World:
    """The plan with `actions` actions, and a token for every kind of user."""
    app.config["TODAY"] = TODAY
    tokens = make_tokens(app)
    add_actions(app, actions)
    return World(SLUG, action_codes(app), tokens)


def action_codes(app: Flask) -> list[str]:
    """The plan's action codes, area by area."""
    with app.app_context():
        plan = db.session.scalar(select(Plan).where(Plan.slug == SLUG))
        assert plan is not None
        return [a.code for area in plan.areas for a in area.actions]
