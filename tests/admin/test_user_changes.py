"""Editing accounts: rules, ended sessions, self-protection, password reset and unlock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.admin.helpers import (
    ADMIN,
    NEW_PASSWORD,
    stored_user,
    user_events,
)
from tests.conftest import PASSWORD, AuthActions, make_user, post_form
from tests.factories import ensure_department
from tracker.extensions import db
from tracker.models import Role, User

# ---- edit --------------------------------------------------------------------------------


def _edit(**overrides: str) -> dict[str, str]:
    data = {
        "name": "Pat Planner",
        "role": "planner",
        "department": "",
        "language": "en",
        "active": "y",
    }
    return {k: v for k, v in {**data, **overrides}.items() if v is not None}


def test_edit_page_prefills_the_form(app: Flask, client: FlaskClient, admin: int) -> None:
    target = make_user(app, Role.DEPARTMENT, "d@example.gc.ca", department="ACR")
    page = client.get(f"/admin/users/{target}").get_data(as_text=True)
    assert '<option selected value="ACR">' in page
    assert 'value="Department User"' in page


def test_edit_user_saves_and_audits(app: Flask, client: FlaskClient, admin: int) -> None:
    target = make_user(app, Role.DEPARTMENT, "d@example.gc.ca", department="ACR")
    response = post_form(client, f"/admin/users/{target}", _edit(name="Renamed", language="fr"))
    assert response.status_code == 302
    user = stored_user(app, "d@example.gc.ca")
    assert user is not None
    assert (user.name, user.role, user.department_id, user.language) == (
        "Renamed",
        "planner",
        None,
        "fr",
    )
    [event] = user_events(app, "user.updated")
    assert event.actor_id == admin and event.detail["before"]["role"] == "department"


@pytest.mark.parametrize(
    "overrides,field,message",
    [
        ({"name": ""}, "name", "This field is required."),
        ({"role": "department"}, "department", "A department user needs a department."),
        ({"department": "ACR"}, "department", "Only department users belong to a department."),
        ({"role": ""}, "role", "This field is required."),
    ],
)
def test_edit_user_validation_changes_nothing(
    app: Flask,
    client: FlaskClient,
    admin: int,
    overrides: dict[str, str],
    field: str,
    message: str,
) -> None:
    with app.app_context():
        ensure_department("ACR")
    target = make_user(app, Role.PLANNER, "p@example.gc.ca")
    before = stored_user(app, "p@example.gc.ca")
    response = post_form(client, f"/admin/users/{target}", _edit(**overrides))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    error = page.split(f'id="{field}-error"', 1)[1].split("</p>", 1)[0]
    assert message in error
    after = stored_user(app, "p@example.gc.ca")
    assert before is not None and after is not None
    assert (after.name, after.role, after.department_id, after.session_nonce) == (
        before.name,
        before.role,
        before.department_id,
        before.session_nonce,
    )
    assert user_events(app, "user.updated") == []


@pytest.mark.parametrize(
    "change,signed_out",
    [
        ({"role": "oversight"}, True),
        ({"active": None}, True),  # an unticked box is simply not sent
        ({"name": "Only the name"}, False),
    ],
)
def test_role_change_or_deactivation_ends_sessions(
    app: Flask, client: FlaskClient, admin: int, change: dict[str, str], signed_out: bool
) -> None:
    target = make_user(app, Role.PLANNER, "p@example.gc.ca")
    theirs = app.test_client()
    AuthActions(theirs).login("p@example.gc.ca")
    assert theirs.get("/").status_code == 200
    response = post_form(client, f"/admin/users/{target}", _edit(**change))
    assert response.status_code == 302
    assert theirs.get("/").status_code == (302 if signed_out else 200)


@pytest.mark.parametrize("change", [{"active": None}, {"role": "planner"}])
def test_admin_cannot_deactivate_or_demote_themself(
    app: Flask, client: FlaskClient, admin: int, change: dict[str, str]
) -> None:
    response = post_form(client, f"/admin/users/{admin}", _edit(**{"role": "admin", **change}))
    assert response.status_code == 400
    assert b"You cannot deactivate yourself or remove your own admin role." in response.data
    me = stored_user(app, ADMIN)
    assert me is not None and me.active and me.role == "admin"
    assert client.get("/admin/users").status_code == 200  # still signed in


def test_admin_can_edit_their_own_name(app: Flask, client: FlaskClient, admin: int) -> None:
    response = post_form(client, f"/admin/users/{admin}", _edit(role="admin", name="Ada Admin"))
    assert response.status_code == 302
    me = stored_user(app, ADMIN)
    assert me is not None and me.name == "Ada Admin"
    assert client.get("/admin/users").status_code == 200


def test_unknown_user_is_404(client: FlaskClient, admin: int) -> None:
    assert client.get("/admin/users/9999").status_code == 404


# ---- password reset and unlock ------------------------------------------------------------


def test_reset_password(app: Flask, client: FlaskClient, admin: int) -> None:
    target = make_user(app, Role.PLANNER, "p@example.gc.ca")
    theirs = app.test_client()
    AuthActions(theirs).login("p@example.gc.ca")
    data = {"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD}
    response = post_form(
        client, f"/admin/users/{target}/password", data, page=f"/admin/users/{target}"
    )
    assert response.status_code == 302
    assert theirs.get("/").status_code == 302
    fresh = AuthActions(app.test_client())
    assert fresh.login("p@example.gc.ca", PASSWORD).status_code == 401
    assert fresh.login("p@example.gc.ca", NEW_PASSWORD).status_code == 302
    [event] = user_events(app, "password.reset")
    assert event.actor_id == admin and event.object_id == str(target)


@pytest.mark.parametrize(
    "data,message",
    [
        ({"new_password": "short", "confirm_password": "short"}, "between 12"),
        ({"new_password": NEW_PASSWORD, "confirm_password": "other"}, "differ"),
    ],
)
def test_reset_password_validation(
    app: Flask, client: FlaskClient, admin: int, data: dict[str, str], message: str
) -> None:
    target = make_user(app, Role.PLANNER, "p@example.gc.ca")
    before = stored_user(app, "p@example.gc.ca")
    response = post_form(
        client, f"/admin/users/{target}/password", data, page=f"/admin/users/{target}"
    )
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    after = stored_user(app, "p@example.gc.ca")
    assert before is not None and after is not None
    assert after.password_hash == before.password_hash
    assert user_events(app, "password.reset") == []


def test_admin_resets_own_password_only_through_change_password(
    app: Flask, client: FlaskClient, admin: int
) -> None:
    data = {"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD}
    response = post_form(client, f"/admin/users/{admin}/password", data, page="/")
    assert response.status_code == 400
    assert b"Change password page" in response.data
    assert user_events(app, "password.reset") == []


def test_unlock_locked_account(app: Flask, client: FlaskClient, admin: int) -> None:
    target = make_user(app, Role.PLANNER, "p@example.gc.ca")
    with app.app_context():
        user = db.session.get(User, target)
        assert user is not None
        user.failed_logins = 2
        user.locked_until = datetime.now(UTC) + timedelta(minutes=10)
        db.session.commit()
    assert b"Locked" in client.get("/admin/users").data
    assert AuthActions(app.test_client()).login("p@example.gc.ca").status_code == 401
    response = post_form(client, f"/admin/users/{target}/unlock", {}, page=f"/admin/users/{target}")
    assert response.status_code == 302
    unlocked = stored_user(app, "p@example.gc.ca")
    assert unlocked is not None and unlocked.locked_until is None and unlocked.failed_logins == 0
    [event] = user_events(app, "account.unlocked")
    assert event.actor_id == admin and event.detail["before"]["failed_logins"] == 2
    assert AuthActions(app.test_client()).login("p@example.gc.ca").status_code == 302


def test_unlock_refuses_an_account_that_is_not_locked(
    app: Flask, client: FlaskClient, admin: int
) -> None:
    target = make_user(app, Role.PLANNER, "p@example.gc.ca")
    response = post_form(client, f"/admin/users/{target}/unlock", {}, page="/")
    assert response.status_code == 400
    assert b"This account is not locked." in response.data
    assert user_events(app, "account.unlocked") == []
