"""Fixtures of the authoring tests: signed-in planners and the plans they edit."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import AuthActions, make_user, post_form, rollups_agree_after
from tests.factories import ensure_department
from tracker.extensions import db
from tracker.fiscal import FiscalQuarter
from tracker.models import (
    Action,
    Department,
    MilestoneForecast,
    Plan,
    PlanChange,
    ProgressUpdate,
    ReportingPeriod,
    Role,
)

PlanPoster = Callable[..., Any]


def signed_in(app: Flask, role: Role, email: str, department: str | None = None) -> FlaskClient:
    """A client signed in as a new user with `role`."""
    make_user(app, role, email, department=department)
    client = app.test_client()
    assert AuthActions(client).login(email).status_code == 302
    return client


@pytest.fixture
def planner(app: Flask) -> FlaskClient:
    """A client signed in as a planner; departments SSC, TBS and PSPC exist."""
    with app.app_context():
        for acronym in ("SSC", "TBS", "PSPC"):
            ensure_department(acronym)
    return signed_in(app, Role.PLANNER, "planner@example.gc.ca")


PLAN = {
    "slug": "it-plan",
    "title_en": "IT Plan",
    "title_fr": "Plan de la TI",
    "first_year": "2025",
    "last_year": "2027",
    "area_label_en": "Pillar",
    "area_label_fr": "Pilier",
    "action_label_en": "Priority",
    "action_label_fr": "Priorité",
    "owner_en": "Treasury Board Secretariat",
    "source_url": "https://www.canada.ca/plan.html",
}
AREA = {
    "area-code": "S",
    "area-name_en": "Service IT",
    "area-name_fr": "TI de service",
    "area-colour": "#1f6fb2",
}
ACTION = {
    "code": "S1.1",
    "area_code": "S",
    "title_en": "Modernise the network",
    "title_fr": "",
    "lead": "SSC",
    "participants": ["TBS"],
    "start": "2025-Q1",
    "baseline_target": "2026-Q4",
}
MILESTONE = {
    "milestone-code": "M1",
    "milestone-title_en": "Design approved",
    "milestone-title_fr": "Conception approuvée",
    "milestone-baseline_due": "2025-12-31",
}


def build_plan(client: FlaskClient, actions: tuple[str, ...] = ("S1.1",)) -> None:
    """Create plan it-plan with area S and `actions` (each with milestone M1), by the pages."""
    assert post_form(client, "/plans/new", PLAN).status_code == 302
    edit = "/plans/it-plan/edit"
    assert post_form(client, "/plans/it-plan/areas", AREA, page=edit).status_code == 302
    for code in actions:
        response = post_form(client, "/plans/it-plan/actions/new", {**ACTION, "code": code})
        assert response.status_code == 302, response.get_data(as_text=True)
        page = f"/plans/it-plan/actions/{code}/edit"
        response = post_form(
            client, f"/plans/it-plan/actions/{code}/milestones", MILESTONE, page=page
        )
        assert response.status_code == 302


def action_version(app: Flask, code: str = "S1.1") -> int:
    """The saved version of action `code` of it-plan."""
    with app.app_context():
        return db.session.scalar(select(Action.version).where(Action.code == code)) or 0


def plan_changes(app: Flask, kind: str | None = None) -> list[PlanChange]:
    """The change log of every plan, oldest first (of one kind when given)."""
    with app.app_context():
        stmt = select(PlanChange).order_by(PlanChange.id)
        if kind:
            stmt = stmt.where(PlanChange.kind == kind)
        found = list(db.session.scalars(stmt))
        db.session.expunge_all()
        return found


def plan_version(app: Flask, slug: str = "it-plan") -> int:
    """The saved version of plan `slug`."""
    with app.app_context():
        return db.session.scalar(select(Plan.version).where(Plan.slug == slug)) or 0


def activate(app: Flask, client: FlaskClient) -> Any:
    """Activate it-plan through its page."""
    data = {"version": plan_version(app)}
    return post_form(client, "/plans/it-plan/activate", data, page="/plans/it-plan/edit")


def add_update(app: Flask, code: str = "S1.1", department: str = "SSC") -> None:
    """A draft progress update on action `code` for 2025-Q1, with a forecast of each milestone."""
    with app.app_context():
        action = db.session.scalar(select(Action).where(Action.code == code))
        assert action is not None
        period = db.session.scalar(
            select(ReportingPeriod).where(ReportingPeriod.quarter == FiscalQuarter(2025, 1))
        )
        assert period is not None
        dept = db.session.scalar(select(Department).where(Department.acronym == department))
        assert dept is not None
        update = ProgressUpdate(action_id=action.id, department_id=dept.id, period_id=period.id)
        db.session.add(update)
        db.session.flush()
        for milestone in action.milestones:
            db.session.add(MilestoneForecast(update_id=update.id, milestone_id=milestone.id))
        db.session.commit()


@pytest.fixture(autouse=True)
def _rollups_agree(request: pytest.FixtureRequest) -> Iterator[None]:
    yield from rollups_agree_after(request)
