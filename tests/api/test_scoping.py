"""Department scoping: departments read only their own updates; drafts stay with them."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.api.helpers import api_get, assert_problem
from tests.factories.api import SLUG, World
from tracker.extensions import db
from tracker.models import AuditEvent

UPDATES = f"/api/v1/plans/{SLUG}/updates"


def seen(client: FlaskClient, secret: str, query: str = "") -> set[tuple[str, str, str]]:
    """(department, period, state) of every update the token reads for both periods."""
    found = set()
    for quarter in ("2025-Q1", "2025-Q2"):
        response = api_get(client, f"{UPDATES}?period={quarter}&per_page=200{query}", secret)
        assert response.status_code == 200, response.get_data(as_text=True)
        found |= {(u["department"], u["period"], u["state"]) for u in response.get_json()["items"]}
    return found


def test_a_department_reads_only_its_own_updates_drafts_included(
    world: World, client: FlaskClient
) -> None:
    assert seen(client, world.tokens["acr"]) == {
        ("ACR", "2025-Q1", "accepted"),
        ("ACR", "2025-Q2", "submitted"),
    }
    assert seen(client, world.tokens["bcd"]) == {
        ("BCD", "2025-Q1", "returned"),
        ("BCD", "2025-Q2", "draft"),
    }
    assert seen(client, world.tokens["bcd"], "&state=draft") == {("BCD", "2025-Q2", "draft")}
    assert seen(client, world.tokens["acr"], "&department=acr") == seen(client, world.tokens["acr"])


@pytest.mark.parametrize("who", ["planner", "oversight", "admin"])
def test_central_roles_read_every_department_but_no_drafts(
    world: World, client: FlaskClient, who: str
) -> None:
    assert seen(client, world.tokens[who]) == {
        ("ACR", "2025-Q1", "accepted"),
        ("BCD", "2025-Q1", "returned"),
        ("ACR", "2025-Q2", "submitted"),
    }
    assert seen(client, world.tokens[who], "&department=BCD") == {("BCD", "2025-Q1", "returned")}
    assert seen(client, world.tokens[who], "&state=accepted") == {("ACR", "2025-Q1", "accepted")}


def denied(app: Flask) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(AuditEvent.actor_label).where(AuditEvent.action == "access.denied")
            )
        )


def test_a_department_cannot_ask_for_another_departments_updates(
    app: Flask, world: World, client: FlaskClient
) -> None:
    response = api_get(client, f"{UPDATES}?department=BCD", world.tokens["acr"])
    body = assert_problem(response, 403)
    assert "own department" in body["detail"]
    assert denied(app) == ["acr@example.gc.ca"]


def test_central_roles_cannot_ask_for_drafts(app: Flask, world: World, client: FlaskClient) -> None:
    body = assert_problem(api_get(client, f"{UPDATES}?state=draft", world.tokens["planner"]), 403)
    assert "Drafts" in body["detail"]
    assert denied(app) == ["planner@example.gc.ca"]


def test_the_plan_status_ignores_drafts_and_returned_updates(
    world: World, client: FlaskClient
) -> None:
    body = api_get(client, f"/api/v1/plans/{SLUG}", world.tokens["bcd"]).get_json()
    for area in body["areas"]:
        for action in area["actions"]:
            assert action["current"]["state"] == "accepted"
            assert action["current"]["department"] == "ACR"


def test_a_page_cached_for_a_planner_is_never_shown_to_a_department(
    world: World, client: FlaskClient
) -> None:
    everything = seen(client, world.tokens["planner"])
    assert ("BCD", "2025-Q1", "returned") in everything
    assert seen(client, world.tokens["acr"]) == {
        ("ACR", "2025-Q1", "accepted"),
        ("ACR", "2025-Q2", "submitted"),
    }
    assert seen(client, world.tokens["planner"]) == everything
