"""Fixtures of the authoring tests: signed-in planners and the plans they edit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import AuthActions, make_user, post_form
from tests.factories import ensure_department
from tracker.models import Role

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
