"""Sign-in, sign-out, session revocation, lockout, safe redirects and password change."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import PASSWORD, AuthActions, make_user, post_form
from tracker.extensions import db
from tracker.models import AuditEvent, Role, User


def test_login_page_renders(client: FlaskClient) -> None:
    response = client.get("/login")
    assert response.status_code == 200
    assert b"Sign in" in response.data


def test_protected_page_redirects_to_login(client: FlaskClient) -> None:
    response = client.get("/plans/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_login_and_logout(app: Flask, client: FlaskClient, auth: AuthActions) -> None:
    make_user(app, Role.PLANNER, "p@example.gc.ca")
    response = auth.login("p@example.gc.ca")
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    auth.logout()
    assert client.get("/").status_code == 302


def test_wrong_password_is_refused_and_audited(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    make_user(app, Role.PLANNER, "p@example.gc.ca")
    response = auth.login("p@example.gc.ca", "wrong password!!")
    assert response.status_code == 401
    assert b"not correct" in response.data
    with app.app_context():
        events = db.session.scalars(select(AuditEvent.action)).all()
    assert "login.failed" in events


def test_old_cookie_stops_working_after_logout(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    make_user(app, Role.PLANNER, "p@example.gc.ca")
    auth.login("p@example.gc.ca")
    stolen = client.get_cookie("session")
    assert stolen is not None
    auth.logout()
    other = app.test_client()
    other.set_cookie("session", stolen.value)
    assert other.get("/").status_code == 302


def test_deactivated_user_is_signed_out(app: Flask, client: FlaskClient, auth: AuthActions) -> None:
    user_id = make_user(app, Role.PLANNER, "p@example.gc.ca")
    auth.login("p@example.gc.ca")
    assert client.get("/").status_code == 200
    with app.app_context():
        db.session.get(User, user_id).active = False  # type: ignore[union-attr]
        db.session.commit()
    assert client.get("/").status_code == 302


def test_password_change_ends_other_sessions(app: Flask, auth: AuthActions) -> None:
    make_user(app, Role.PLANNER, "p@example.gc.ca")
    auth.login("p@example.gc.ca")
    second = app.test_client()
    AuthActions(second).login("p@example.gc.ca")
    response = post_form(
        auth._client,
        "/account/password",
        {
            "current_password": PASSWORD,
            "new_password": "a brand new passphrase",
            "confirm": "a brand new passphrase",
        },
    )
    assert response.status_code == 302
    assert auth._client.get("/").status_code == 200  # this session got a fresh cookie
    assert second.get("/").status_code == 302  # the other one is gone
    assert AuthActions(app.test_client()).login("p@example.gc.ca", PASSWORD).status_code == 401


def test_sign_in_pauses_after_repeated_failures(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    make_user(app, Role.PLANNER, "p@example.gc.ca")
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert auth.login("p@example.gc.ca", "wrong password!!").status_code == 401
    response = auth.login("p@example.gc.ca")  # the right password, but during the pause
    assert response.status_code == 401
    assert b"The e-mail or password is not correct." in response.data
    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action)).all()
    assert actions.count("login.failed") == app.config["LOGIN_MAX_FAILURES"] + 1
    assert "account.locked" in actions


def test_login_redirects_only_to_local_paths(app: Flask, client: FlaskClient) -> None:
    make_user(app, Role.PLANNER, "p@example.gc.ca")
    for target, expected in [
        ("/plans/", "/plans/"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
    ]:
        fresh = app.test_client()
        response = post_form(
            fresh, "/login", {"email": "p@example.gc.ca", "password": PASSWORD, "next": target}
        )
        assert response.headers["Location"] == expected, target
