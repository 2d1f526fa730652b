"""API errors are RFC 9457 problems; the API ignores session cookies and sets none."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.api.helpers import api_get, assert_problem, bearer
from tests.conftest import AuthActions
from tests.factories.api import World
from tests.test_security import LEAK_MARKER, assert_security_headers
from tracker.access import public, roles
from tracker.extensions import db
from tracker.models import AuditEvent, Role, User


@pytest.fixture
def world_actions() -> int:
    """One action is enough to test the errors."""
    return 1


def test_no_token_is_a_401_problem_with_a_bearer_challenge(client: FlaskClient) -> None:
    response = api_get(client, "/api/v1/plans")
    body = assert_problem(response, 401)
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="api"'
    assert "Authorization" in body["detail"]
    assert_security_headers(response)


@pytest.mark.parametrize(
    "header",
    ["Bearer rtk_not-a-real-token", "Bearer ", "Bearer", "bearer rtk_" + "x" * 300],
)
def test_an_unknown_token_is_a_401_problem(world: World, client: FlaskClient, header: str) -> None:
    response = client.get("/api/v1/me", headers={"Authorization": header})
    body = assert_problem(response, 401)
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]
    assert body["detail"] == "The API token is not valid."


def test_other_schemes_are_not_credentials(world: World, client: FlaskClient) -> None:
    response = client.get("/api/v1/me", headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert_problem(response, 401)
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="api"'


def test_the_session_cookie_does_not_sign_in_to_the_api(
    app: Flask, world: World, client: FlaskClient, auth: AuthActions
) -> None:
    assert auth.login("planner@example.gc.ca").status_code == 302
    assert client.get("/").status_code == 200  # signed in on the pages
    assert_problem(client.get("/api/v1/me"), 401)
    # With a token, the token's user is the one signed in, whatever the cookie says.
    response = api_get(client, "/api/v1/me", world.tokens["acr"])
    assert response.get_json()["email"] == "acr@example.gc.ca"


def test_api_responses_set_no_cookie(world: World, client: FlaskClient) -> None:
    for path in ("/api/v1/me", "/api/v1/nope", "/api/v1/openapi.json"):
        response = api_get(client, path, world.tokens["planner"])
        assert "Set-Cookie" not in response.headers, path
    assert "Set-Cookie" not in api_get(client, "/api/v1/me").headers


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/plans/no-such-plan",
        "/api/v1/plans/plan-api/actions/NOPE",
        "/api/v1/nope",
        "/api/v1/plans/no-such-plan/updates",
        "/api/nope",
    ],
)
def test_unknown_resources_are_404_problems(world: World, client: FlaskClient, path: str) -> None:
    response = api_get(client, path, world.tokens["planner"])
    assert_problem(response, 404)
    assert_security_headers(response)


def test_other_methods_are_405_problems(world: World, client: FlaskClient) -> None:
    response = client.post(
        "/api/v1/plans", headers={"Authorization": f"Bearer {world.tokens['admin']}"}
    )
    assert_problem(response, 405)
    assert "GET" in response.headers["Allow"]


def test_bad_parameters_are_400_problems_with_field_errors(
    world: World, client: FlaskClient
) -> None:
    path = "/api/v1/plans/plan-api/updates?period=2026-Q5&page=0&per_page=201&state=lost&x=1"
    body = assert_problem(api_get(client, path, world.tokens["planner"]), 400)
    errors = {e["field"]: e["message"] for e in body["errors"]}
    assert set(errors) == {"period", "page", "per_page", "state", "x"}
    assert errors["period"].startswith('"2026-Q5" is not a quarter')
    assert "draft, submitted, accepted, returned" in errors["state"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("period=2040-Q1", "period"),
        ("department=ZZZ", "department"),
        ("department=no%20such", "department"),
        ("period=2025-Q1&period=2025-Q2", "period"),
        ("per_page=abc", "per_page"),
        ("page=%EF%BC%91", "page"),
    ],
)
def test_each_bad_filter_names_its_field(
    world: World, client: FlaskClient, query: str, field: str
) -> None:
    path = f"/api/v1/plans/plan-api/updates?{query}"
    body = assert_problem(api_get(client, path, world.tokens["planner"]), 400)
    assert [e["field"] for e in body["errors"]] == [field]


def test_parameters_are_refused_where_none_are_taken(world: World, client: FlaskClient) -> None:
    body = assert_problem(api_get(client, "/api/v1/me?verbose=1", world.tokens["planner"]), 400)
    assert body["errors"] == [{"field": "verbose", "message": "Unknown parameter."}]


def test_a_role_refusal_is_a_403_problem_and_is_audited(app: Flask, world: World) -> None:
    @roles(Role.ADMIN)
    def admins_only() -> str:
        return "secret"

    app.add_url_rule("/api/v1/__admins_only", "admins_only", admins_only)
    client = app.test_client()
    response = api_get(client, "/api/v1/__admins_only", world.tokens["planner"])
    assert_problem(response, 403)
    assert_security_headers(response)
    assert api_get(client, "/api/v1/__admins_only", world.tokens["admin"]).status_code == 200
    with app.app_context():
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "access.denied")
        ).all()
        assert [e.actor_label for e in events] == ["planner@example.gc.ca"]


def test_a_crash_is_a_500_problem_that_leaks_nothing(
    app: Flask, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    @public
    def explode() -> str:
        raise RuntimeError(LEAK_MARKER)

    app.add_url_rule("/api/v1/__explode", "api_explode", explode)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = app.test_client().get("/api/v1/__explode")
    body = assert_problem(response, 500)
    assert LEAK_MARKER not in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)
    assert body["title"] == "Internal Server Error"
    assert LEAK_MARKER in caplog.text
    assert_security_headers(response)


def test_html_errors_stay_html(client: FlaskClient) -> None:
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert response.mimetype == "text/html"


def test_successful_answers_carry_the_security_headers_and_no_store(
    world: World, client: FlaskClient
) -> None:
    response = api_get(client, "/api/v1/plans", world.tokens["oversight"])
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert_security_headers(response)
    assert "no-store" in response.headers["Cache-Control"]
    assert "Authorization" in response.headers["Vary"]


def test_problem_details_speak_the_users_language(
    app: Flask, world: World, client: FlaskClient
) -> None:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "bcd@example.gc.ca"))
        assert user is not None
        user.language = "fr"
        db.session.commit()
    body = assert_problem(api_get(client, "/api/v1/plans/nope", world.tokens["bcd"]), 404)
    assert body["detail"] == "Cette ressource n'existe pas."
    assert body["title"] == "Not Found"  # about:blank: the HTTP status phrase
    anonymous = api_get(client, "/api/v1/plans", headers={"Accept-Language": "fr"})
    assert "Authorization" in assert_problem(anonymous, 401)["detail"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1/plans/a%00b"),
        ("GET", "/api/v1/plans/a%00b/baselines"),
        ("GET", "/api/v1/plans/a%00b/changes"),
        ("POST", "/api/v1/plans/plan-api/actions/x%00/target"),
        ("POST", "/api/v1/updates/2147483648/review"),
    ],
)
def test_paths_naming_what_cannot_exist_are_404_on_every_database(
    client: FlaskClient, world: World, method: str, path: str
) -> None:
    """A NUL character (PostgreSQL cannot compare one) or an id past the 32-bit columns."""
    response = client.open(path, method=method, json={}, headers=bearer(world.tokens["admin"]))
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["instance"] == path.split("?")[0]  # percent-encoded


def test_a_nul_in_a_query_parameter_is_400_naming_it(client: FlaskClient, world: World) -> None:
    response = api_get(client, "/api/v1/plans?page=1%00", world.tokens["admin"])
    assert assert_problem(response, 400)["errors"][0]["field"] == "page"
