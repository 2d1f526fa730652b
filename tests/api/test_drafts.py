"""Draft plans do not exist for department users in the API, as on the pages."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.api.helpers import api_get, assert_problem
from tests.factories.api import World
from tracker.extensions import db
from tracker.models import Plan, PlanStatus


def make_draft(app: Flask, slug: str) -> None:
    with app.app_context():
        plan = db.session.scalars(select(Plan).where(Plan.slug == slug)).one()
        plan.status = PlanStatus.DRAFT.value
        db.session.commit()


def slugs(client: FlaskClient, secret: str) -> list[str]:
    response = api_get(client, "/api/v1/plans", secret)
    assert response.status_code == 200
    return [plan["slug"] for plan in response.get_json()["items"]]


@pytest.mark.parametrize("who", ["acr", "bcd"])
def test_departments_do_not_see_draft_plans(
    app: Flask, world: World, client: FlaskClient, who: str
) -> None:
    secret = world.tokens[who]
    assert slugs(client, secret) == [world.slug]
    make_draft(app, world.slug)
    assert slugs(client, secret) == []
    for path in (
        f"/api/v1/plans/{world.slug}",
        f"/api/v1/plans/{world.slug}/actions/{world.codes[0]}",
        f"/api/v1/plans/{world.slug}/updates",
    ):
        assert_problem(api_get(client, path, secret), 404)


@pytest.mark.parametrize("who", ["planner", "oversight", "admin"])
def test_central_roles_still_read_draft_plans(
    app: Flask, world: World, client: FlaskClient, who: str
) -> None:
    make_draft(app, world.slug)
    secret = world.tokens[who]
    assert slugs(client, secret) == [world.slug]
    assert api_get(client, f"/api/v1/plans/{world.slug}", secret).status_code == 200
