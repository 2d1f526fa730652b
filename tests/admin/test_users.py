"""Admin user pages: role boundaries, the filtered list and creating accounts."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.admin.helpers import ADMIN, NEW_PASSWORD, count_users, stored_user, user_events
from tests.conftest import AuthActions, make_user, post_form, queries
from tests.factories import ensure_department
from tracker.extensions import db
from tracker.models import Role, User

# ---- role boundaries -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role,department",
    [(Role.PLANNER, None), (Role.DEPARTMENT, "ACR"), (Role.OVERSIGHT, None)],
)
@pytest.mark.parametrize("path", ["/admin/users", "/admin/users/new", "/admin/users/{id}"])
def test_admin_pages_refuse_other_roles(
    app: Flask,
    client: FlaskClient,
    auth: AuthActions,
    role: Role,
    department: str | None,
    path: str,
) -> None:
    target = make_user(app, Role.PLANNER, "target@example.gc.ca")
    make_user(app, role, "someone@example.gc.ca", department=department)
    auth.login("someone@example.gc.ca")
    assert client.get(path.format(id=target)).status_code == 403


@pytest.mark.parametrize(
    "path",
    [
        "/admin/users/new",
        "/admin/users/{id}",
        "/admin/users/{id}/password",
        "/admin/users/{id}/unlock",
    ],
)
def test_admin_posts_refuse_a_planner_and_change_nothing(
    app: Flask, client: FlaskClient, auth: AuthActions, path: str
) -> None:
    target = make_user(app, Role.OVERSIGHT, "target@example.gc.ca")
    make_user(app, Role.PLANNER, "p@example.gc.ca")
    auth.login("p@example.gc.ca")
    data = {
        "email": "new@example.gc.ca",
        "name": "Changed",
        "role": "admin",
        "language": "en",
        "active": "y",
        "new_password": NEW_PASSWORD,
        "confirm_password": NEW_PASSWORD,
    }
    response = post_form(client, path.format(id=target), data, page="/")
    assert response.status_code == 403
    user = stored_user(app, "target@example.gc.ca")
    assert user is not None and user.role == "oversight" and user.name != "Changed"
    assert stored_user(app, "new@example.gc.ca") is None


@pytest.mark.parametrize("path", ["/admin/users", "/admin/users/new", "/admin/users/1"])
def test_admin_pages_send_anonymous_visitors_to_login(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_nav_shows_admin_links_only_to_admins(
    app: Flask, client: FlaskClient, auth: AuthActions, admin: int
) -> None:
    page = client.get("/").get_data(as_text=True)
    assert "/admin/users" in page and "/admin/periods" in page and "/audit/" in page
    auth.logout()
    make_user(app, Role.OVERSIGHT, "o@example.gc.ca")
    auth.login("o@example.gc.ca")
    page = client.get("/").get_data(as_text=True)
    assert "/audit/" in page and "/admin/users" not in page


# ---- the list ----------------------------------------------------------------------------


def _bulk_users(app: Flask, count: int, prefix: str = "bulk", **fields: Any) -> None:
    with app.app_context():
        for n in range(count):
            db.session.add(
                User(
                    email=f"{prefix}{n:03d}@example.gc.ca",
                    name=f"{prefix.title()} {n}",
                    password_hash="not-a-real-hash",
                    **{"role": "planner", **fields},
                )
            )
        db.session.commit()


def test_user_list_filters(app: Flask, client: FlaskClient, admin: int) -> None:
    make_user(app, Role.DEPARTMENT, "dept-a@example.gc.ca", department="AAA")
    make_user(app, Role.DEPARTMENT, "dept-b@example.gc.ca", department="BBB")
    make_user(app, Role.OVERSIGHT, "gone@example.gc.ca")
    with app.app_context():
        db.session.scalar(select(User).where(User.email == "gone@example.gc.ca")).active = False  # type: ignore[union-attr]
        db.session.commit()

    page = client.get("/admin/users?role=department").get_data(as_text=True)
    assert "dept-a@" in page and "dept-b@" in page and ADMIN not in page
    # On a phone each user reads as a card: every cell names its column (table--stack).
    assert 'class="table table--stack"' in page
    cells = re.findall(r"<td([^>]*)>", page.split("<tbody>", 1)[1])
    assert len(cells) == 2 * 5 and all("data-label=" in cell for cell in cells)
    assert '<td data-label="Department"><abbr title=' in page
    page = client.get("/admin/users?department=BBB").get_data(as_text=True)
    assert "dept-b@" in page and "dept-a@" not in page
    page = client.get("/admin/users?active=no").get_data(as_text=True)
    assert "gone@" in page and ADMIN not in page
    page = client.get("/admin/users?text=DEPT-A").get_data(as_text=True)
    assert "dept-a@" in page and "dept-b@" not in page


def test_user_list_refuses_unknown_filter_values(client: FlaskClient, admin: int) -> None:
    response = client.get("/admin/users?role=emperor")
    assert response.status_code == 400
    assert b"Not a valid choice" in response.data


def test_user_list_is_paginated_and_keeps_filters(
    app: Flask, client: FlaskClient, admin: int
) -> None:
    _bulk_users(app, 60)
    first = client.get("/admin/users?role=planner").get_data(as_text=True)
    assert first.count("bulk0") == 50
    assert "Page 1 of 2" in first
    assert "page=2" in first and "role=planner" in first
    second = client.get("/admin/users?role=planner&page=2").get_data(as_text=True)
    assert "bulk059@" in second and "bulk000@" not in second


def test_user_list_query_count_does_not_grow(app: Flask, client: FlaskClient, admin: int) -> None:
    with app.app_context():
        department_id = ensure_department("ZZZ").id
    _bulk_users(app, 1, "few", role="department", department_id=department_id)
    few = queries(app, client, "/admin/users")
    _bulk_users(app, 40, "many")
    _bulk_users(app, 20, "dept", role="department", department_id=department_id)
    assert queries(app, client, "/admin/users") == few


# ---- create ------------------------------------------------------------------------------


def _new_user(**overrides: str) -> dict[str, str]:
    data = {
        "email": "New.Person@example.gc.ca",
        "name": "New Person",
        "role": "department",
        "department": "ACR",
        "language": "fr",
        "new_password": NEW_PASSWORD,
        "confirm_password": NEW_PASSWORD,
    }
    return {**data, **overrides}


def test_create_user(app: Flask, client: FlaskClient, admin: int) -> None:
    with app.app_context():
        ensure_department("ACR")
    response = post_form(client, "/admin/users/new", _new_user())
    assert response.status_code == 302
    user = stored_user(app, "new.person@example.gc.ca")
    assert user is not None
    assert (user.name, user.role, user.language, user.active) == (
        "New Person",
        "department",
        "fr",
        True,
    )
    [event] = user_events(app, "user.created")
    assert event.actor_id == admin and event.object_id == str(user.id)
    assert (
        AuthActions(app.test_client()).login("new.person@example.gc.ca", NEW_PASSWORD).status_code
        == 302
    )


@pytest.mark.parametrize(
    "overrides,field,message",
    [
        ({"email": ""}, "email", "This field is required."),
        ({"email": "not-an-address"}, "email", "Enter an e-mail address"),
        ({"email": ADMIN.upper()}, "email", "already exists"),
        ({"name": "   "}, "name", "This field is required."),
        ({"role": "emperor"}, "role", "Not a valid choice"),
        ({"role": ""}, "role", "This field is required."),
        ({"department": ""}, "department", "A department user needs a department."),
        ({"department": "NOPE"}, "department", "Not a valid choice"),
        ({"role": "planner"}, "department", "Only department users belong to a department."),
        ({"language": "de"}, "language", "Not a valid choice"),
        ({"new_password": "short", "confirm_password": "short"}, "new_password", "between 12"),
        ({"confirm_password": "something else entirely"}, "confirm_password", "differ"),
    ],
)
def test_create_user_validation(
    app: Flask,
    client: FlaskClient,
    admin: int,
    overrides: dict[str, str],
    field: str,
    message: str,
) -> None:
    with app.app_context():
        ensure_department("ACR")
    before = count_users(app)
    response = post_form(client, "/admin/users/new", _new_user(**overrides))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert f'id="{field}-error"' in page
    error = page.split(f'id="{field}-error"', 1)[1].split("</p>", 1)[0]
    assert message in error
    assert count_users(app) == before
    assert user_events(app, "user.created") == []
