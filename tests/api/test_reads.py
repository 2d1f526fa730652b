"""What the API reads: plans, actions, updates, periods, the user; shapes match the document."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from openapi_schema_validator import OAS31Validator, oas31_format_checker

from tests.api.helpers import api_get
from tests.factories.api import SLUG, World
from tracker.api.openapi import document


def check_schema(body: Any, name: str) -> None:
    """Validate `body` against components/schemas/`name` of the OpenAPI document."""
    schema = {"$ref": f"#/components/schemas/{name}", "components": document()["components"]}
    OAS31Validator(schema, format_checker=oas31_format_checker).validate(body)


def read(client: FlaskClient, path: str, secret: str, schema: str) -> Any:
    response = api_get(client, path, secret)
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    check_schema(body, schema)
    return body


def test_me_describes_the_user_and_the_token(world: World, client: FlaskClient) -> None:
    body = read(client, "/api/v1/me", world.tokens["acr"], "Me")
    assert body["role"] == "department"
    assert body["department"] == {
        "acronym": "ACR",
        "name": {"en": "Department ACR", "fr": "Ministère ACR"},
    }
    assert body["token"]["name"] == "acr script"
    assert read(client, "/api/v1/me", world.tokens["admin"], "Me")["department"] is None


def test_plans_are_listed_with_bilingual_titles(world: World, client: FlaskClient) -> None:
    body = read(client, "/api/v1/plans", world.tokens["oversight"], "PlanPage")
    assert body["total"] == 1 and body["pages"] == 1
    (plan,) = body["items"]
    assert plan["slug"] == SLUG
    assert set(plan["title"]) == {"en", "fr"}
    assert plan["url"] == f"/api/v1/plans/{SLUG}"


def test_a_plan_has_its_areas_actions_and_current_status(world: World, client: FlaskClient) -> None:
    body = read(client, f"/api/v1/plans/{SLUG}", world.tokens["planner"], "PlanDetail")
    actions = [a for area in body["areas"] for a in area["actions"]]
    assert [a["code"] for a in actions] == world.codes
    first = actions[0]
    # The latest accepted update wins over a later submitted one.
    assert first["current"] == {
        "status": "on_track",
        "percent_complete": 40,
        "period": "2025-Q1",
        "state": "accepted",
        "department": "ACR",
    }
    assert first["lead_department"] == "ACR"
    assert first["participants"] == ["BCD"]
    assert first["start_quarter"] == "2025-Q1"
    assert first["milestone_counts"]["total"] == 2
    assert body["headline"]["actions"] == 2
    assert body["as_of"] == "2025-10-05"


def test_an_action_has_its_milestones(world: World, client: FlaskClient) -> None:
    code = world.codes[0]
    path = f"/api/v1/plans/{SLUG}/actions/{code}"
    body = read(client, path, world.tokens["acr"], "ActionDetail")
    assert body["code"] == code and body["plan"] == SLUG
    assert len(body["milestones"]) == 2
    milestone = body["milestones"][0]
    assert milestone["baseline_due"] == "2026-03-31"
    assert milestone["forecast_on"] == "2026-06-30"  # from the accepted update
    assert milestone["slippage_days"] == 91
    assert set(milestone["title"]) == {"en", "fr"}


def test_updates_default_to_the_current_period(world: World, client: FlaskClient) -> None:
    path = f"/api/v1/plans/{SLUG}/updates"
    body = read(client, path, world.tokens["planner"], "UpdatePage")
    assert body["period"] == "2025-Q2"
    assert {(u["department"], u["state"]) for u in body["items"]} == {("ACR", "submitted")}
    update = body["items"][0]
    assert update["milestones"][0]["forecast_on"] == "2026-06-30"
    assert update["action_url"].startswith(f"/api/v1/plans/{SLUG}/actions/")


def test_updates_are_paginated_with_links(world: World, client: FlaskClient) -> None:
    path = f"/api/v1/plans/{SLUG}/updates?period=2025-Q1&per_page=1"
    response = api_get(client, path, world.tokens["planner"])
    body = response.get_json()
    check_schema(body, "UpdatePage")
    assert (body["total"], body["pages"], len(body["items"])) == (4, 4, 1)
    assert body["prev"] is None
    assert body["next"] == f"/api/v1/plans/{SLUG}/updates?period=2025-Q1&per_page=1&page=2"
    assert f'<{body["next"]}>; rel="next"' in response.headers["Link"]
    assert 'page=4>; rel="last"' in response.headers["Link"]
    seen = [body["items"][0]["id"]]
    while body["next"]:
        body = api_get(client, body["next"], world.tokens["planner"]).get_json()
        seen.extend(u["id"] for u in body["items"])
    assert len(set(seen)) == 4
    past = api_get(client, f"{path}&page=9", world.tokens["planner"]).get_json()
    assert past["items"] == [] and past["next"] is None


def test_periods_are_listed_with_their_state(world: World, client: FlaskClient) -> None:
    body = read(client, "/api/v1/periods", world.tokens["bcd"], "PeriodPage")
    assert body["current"] == "2025-Q2"
    states = {p["quarter"]: (p["state"], p["current"]) for p in body["items"]}
    assert states == {
        "2025-Q1": ("locked", False),
        "2025-Q2": ("open", True),
        "2025-Q3": ("upcoming", False),
    }
    q2 = body["items"][1]
    assert q2["label"] == {"en": "2025-26 Q2", "fr": "T2 2025-2026"}
    assert (q2["starts_on"], q2["ends_on"]) == ("2025-07-01", "2025-09-30")


def test_problems_match_the_problem_schema(world: World, client: FlaskClient) -> None:
    for path, secret in [
        ("/api/v1/me", None),
        ("/api/v1/plans/nope", world.tokens["planner"]),
        (f"/api/v1/plans/{SLUG}/updates?period=x", world.tokens["planner"]),
        (f"/api/v1/plans/{SLUG}/updates?department=BCD", world.tokens["acr"]),
    ]:
        check_schema(api_get(client, path, secret).get_json(force=True), "Problem")
