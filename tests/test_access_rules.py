"""Deny by default: every route declares who may use it, and the declarations hold.

The tests walk the URL map, so routes added later are covered without editing this file.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from flask import Blueprint, Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.routing import Rule
from werkzeug.routing.converters import AnyConverter, FloatConverter, IntegerConverter
from werkzeug.routing.converters import UUIDConverter as UUIDConv

from tests.conftest import AuthActions, csrf_token, make_user, sign_in_as
from tracker import create_app
from tracker.access import AccessRule, rule_for
from tracker.extensions import db
from tracker.models import AuditEvent, Role

UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


def url_map_app() -> Flask:
    """An app built only to read its URL map (the factory does no I/O)."""
    return create_app({"DATABASE_URL": "sqlite://", "SECRET_KEY": "url-map"}, env="testing")


def rules_with_access() -> list[tuple[Rule, AccessRule | None]]:
    """Every URL rule with the access rule declared on its view."""
    app = url_map_app()
    with app.test_request_context():
        return [(rule, rule_for(rule.endpoint)) for rule in app.url_map.iter_rules()]


def protected_rules() -> list[Rule]:
    """Rules whose view needs a signed-in user."""
    return [
        rule for rule, access in rules_with_access() if access is not None and not access.public
    ]


def role_rules() -> list[Rule]:
    """Rules whose view is limited to some roles."""
    return [
        rule
        for rule, access in rules_with_access()
        if access is not None and access.roles is not None and set(Role) - access.roles
    ]


def rule_id(rule: Rule) -> str:
    return f"{rule.endpoint}:{rule.rule}"


def sample_value(rule: Rule, name: str) -> Any:
    """A value the rule's converter accepts, so routing matches and the access check runs."""
    converter = rule._converters[name]
    if isinstance(converter, AnyConverter):
        return sorted(converter.items)[0]
    if isinstance(converter, IntegerConverter):
        return 1
    if isinstance(converter, FloatConverter):
        return 1.0
    if isinstance(converter, UUIDConv):
        return uuid.UUID(int=1)
    return "x"


def request_for(rule: Rule) -> tuple[str, str]:
    """(method, path) that reaches `rule`, preferring GET."""
    values = {name: sample_value(rule, name) for name in rule.arguments}
    built = rule.build(values, append_unknown=False)
    assert built is not None, rule_id(rule)
    methods = rule.methods or {"GET"}
    method = "GET" if "GET" in methods else next(m for m in UNSAFE_METHODS if m in methods)
    return method, built[1]


def is_api(path: str) -> bool:
    return path.startswith("/api/")


def send(client: FlaskClient, method: str, path: str, token: str) -> Any:
    """Call `path` with a valid CSRF token so that only the access rule can refuse it."""
    return client.open(path, method=method, headers={"X-CSRFToken": token})


# ---------- Every route declares a rule ----------


def test_every_route_declares_an_access_rule(app: Flask) -> None:
    with app.test_request_context():
        missing = [
            rule_id(rule) for rule in app.url_map.iter_rules() if rule_for(rule.endpoint) is None
        ]
    assert missing == [], f"views without @public, @signed_in or @roles: {missing}"


def test_the_walk_sees_every_blueprint(app: Flask) -> None:
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    for name in app.blueprints:
        assert any(e.startswith(f"{name}.") for e in endpoints), name


def test_a_view_without_a_rule_is_refused_even_to_an_admin(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    forgotten = Blueprint("forgotten", __name__)

    @forgotten.route("/forgotten")
    def undeclared() -> str:
        return "should never be served"

    app.register_blueprint(forgotten)
    make_user(app, Role.ADMIN, "admin@example.gc.ca")
    assert client.get("/forgotten").status_code == 403  # anonymous
    auth.login("admin@example.gc.ca")
    response = client.get("/forgotten")
    assert response.status_code == 403
    assert b"should never be served" not in response.data
    with app.test_request_context():
        assert rule_for("forgotten.undeclared") is None  # and the walk above would fail


# ---------- Anonymous users ----------


@pytest.mark.parametrize("rule", protected_rules(), ids=rule_id)
def test_anonymous_users_are_sent_to_sign_in(app: Flask, client: FlaskClient, rule: Rule) -> None:
    method, path = request_for(rule)
    token = csrf_token(client, "/login")
    response = send(client, method, path, token)
    if is_api(path):
        assert response.status_code == 401, path
    else:
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/login?next="), path


# ---------- Role matrix ----------


def disallowed_roles(rule: Rule) -> list[Role]:
    app = url_map_app()
    with app.test_request_context():
        access = rule_for(rule.endpoint)
    assert access is not None and access.roles is not None
    return sorted(set(Role) - access.roles)


def denied_events(app: Flask, path: str) -> list[AuditEvent]:
    with app.app_context():
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "access.denied")
        ).all()
        return [e for e in events if e.detail.get("path") == path]


@pytest.mark.parametrize("rule", role_rules(), ids=rule_id)
def test_disallowed_roles_are_refused_and_audited(app: Flask, rule: Rule) -> None:
    method, path = request_for(rule)
    for role in disallowed_roles(rule):
        client = sign_in_as(app, role)
        response = send(client, method, path, csrf_token(client, "/"))
        if is_api(path) and response.status_code == 401:
            continue  # the API may ignore session cookies: refused before any role check
        assert response.status_code == 403, f"{role} on {method} {path}"
        actors = {e.actor_label for e in denied_events(app, path)}
        assert f"{role.value}-matrix@example.gc.ca" in actors, f"{role} on {path}: no audit"
