"""Department isolation on every route: another department's update or action is 404 or 403."""

from __future__ import annotations

import pytest
from flask import Flask

from tests.conftest import post_form
from tests.factories.updates import (
    ADMIN_EMAIL,
    DEPT_EMAIL,
    OTHER_EMAIL,
    OVERSIGHT_EMAIL,
    PLANNER_EMAIL,
    QUARTER,
    World,
    add_update,
)
from tests.updates.helpers import count, form_data, login, post_update
from tracker.models import AuditEvent, ProgressUpdate, Revision, WorkflowState


def test_other_departments_action_form_is_404(app: Flask, world: World) -> None:
    client = login(app, OTHER_EMAIL)  # OTH does not take part in S1.1
    assert client.get(world.form_url).status_code == 404
    token_page = world.other_form_url  # a page of their own, for a valid CSRF token
    response = post_form(client, world.form_url, form_data(world), page=token_page)
    assert response.status_code == 404
    assert count(app, ProgressUpdate) == 0
    assert count(app, Revision) == 0


def test_department_cannot_touch_another_departments_update(app: Flask, world: World) -> None:
    """OTH leads S1.2; ACR's user gets 404 for it even when an update exists."""
    add_update(
        app,
        world,
        world.period_id,
        state=WorkflowState.DRAFT,
        percent=15,
        action_id=world.other_action_id,
        department_id=world.other_department_id,
        accomplishments="OTH secret",
    )
    client = login(app, DEPT_EMAIL)
    page = client.get(world.other_form_url)
    assert page.status_code == 404
    assert "OTH secret" not in page.get_data(as_text=True)
    data = form_data(world, version="1", accomplishments="overwrite")
    response = post_form(client, world.other_form_url, data, page=world.form_url)
    assert response.status_code == 404
    assert count(app, Revision) == 0


def test_compare_page_is_scoped_to_the_department(app: Flask, world: World) -> None:
    own = login(app, DEPT_EMAIL)
    post_update(own, world.form_url, form_data(world))
    post_update(own, world.form_url, form_data(world, "send", version="1", accomplishments="v2"))
    with app.app_context():
        from sqlalchemy import select

        from tracker.extensions import db

        update_id = db.session.scalar(select(ProgressUpdate.id))
    url = f"/updates/{update_id}/compare?a=1&b=2"
    assert own.get(url).status_code == 200
    assert login(app, OTHER_EMAIL).get(url).status_code == 404
    for email in (PLANNER_EMAIL, ADMIN_EMAIL, OVERSIGHT_EMAIL):
        assert login(app, email).get(url).status_code == 200


def test_action_page_history_shows_only_own_department(app: Flask, world: World) -> None:
    add_update(app, world, world.period_id, percent=15, accomplishments="ACR text")
    add_update(
        app,
        world,
        world.period_id,
        percent=25,
        department_id=world.other_department_id,
    )
    url = f"/plans/{world.plan_slug}/actions/{world.action_code}"
    other = login(app, OTHER_EMAIL).get(url).get_data(as_text=True)
    assert "Update history" in other
    assert "history-OTH" in other and "history-ACR" not in other
    planner = login(app, PLANNER_EMAIL).get(url).get_data(as_text=True)
    assert "history-OTH" in planner and "history-ACR" in planner


@pytest.mark.parametrize("email", [PLANNER_EMAIL, ADMIN_EMAIL, OVERSIGHT_EMAIL])
def test_only_department_users_have_a_quarter(app: Flask, world: World, email: str) -> None:
    client = login(app, email)
    assert client.get("/updates/").status_code == 403
    assert client.get(world.form_url).status_code == 403


@pytest.mark.parametrize("email", [DEPT_EMAIL, OVERSIGHT_EMAIL])
def test_review_is_for_planners_and_admins(app: Flask, world: World, email: str) -> None:
    update_id = add_update(app, world, world.period_id, state=WorkflowState.SUBMITTED)
    client = login(app, email)
    assert client.get("/review/").status_code == 403
    assert client.get(f"/review/{update_id}").status_code == 403
    response = post_form(
        client, f"/review/{update_id}", {"version": "1", "accept": "1"}, page="/plans/"
    )
    assert response.status_code == 403
    with app.app_context():
        from sqlalchemy import select

        from tracker.extensions import db

        assert db.session.scalar(select(ProgressUpdate.state)) == "submitted"
        assert "access.denied" in db.session.scalars(select(AuditEvent.action)).all()


def test_anonymous_users_are_sent_to_sign_in(app: Flask, world: World) -> None:
    client = app.test_client()
    for url in ("/updates/", world.form_url, "/updates/1/compare?a=1&b=2", "/review/"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert QUARTER in world.form_url
