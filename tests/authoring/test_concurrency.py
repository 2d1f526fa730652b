"""Two planners edit one action: the second sees what changed, and loses nothing."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.authoring.conftest import (
    ACTION,
    PLAN,
    action_version,
    build_plan,
    plan_version,
    signed_in,
)
from tests.conftest import post_form
from tracker.extensions import db
from tracker.models import Action, Plan, Role

EDIT = "/plans/it-plan/actions/S1.1/edit"


def titles(app: Flask) -> tuple[str, str]:
    with app.app_context():
        action = db.session.scalar(select(Action).where(Action.code == "S1.1"))
        assert action is not None
        return action.title_en, action.title_fr


def test_the_second_planner_gets_a_conflict_and_keeps_their_input(
    app: Flask, planner: FlaskClient
) -> None:
    build_plan(planner)
    other = signed_in(app, Role.ADMIN, "admin@example.gc.ca")
    opened = action_version(app)  # both open the form at this version

    first = {**ACTION, "title_en": "Modernise the network (first)", "version": opened}
    assert post_form(planner, EDIT, first).status_code == 302

    second = {**ACTION, "title_fr": "Moderniser le réseau", "version": opened}
    response = post_form(other, EDIT, second)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Someone saved this since you opened it" in page
    assert "planner@example.gc.ca" in page or "Planner User" in page
    assert "Modernise the network (first)" in page  # what the first planner saved
    assert 'value="Moderniser le réseau"' in page  # the second's input, still in the form
    assert titles(app) == ("Modernise the network (first)", "")  # nothing overwritten

    version = action_version(app)
    assert f'name="version" type="hidden" value="{version}"' in page
    again = {**second, "version": version}
    assert post_form(other, EDIT, again).status_code == 302
    assert titles(app) == ("Modernise the network", "Moderniser le réseau")


def test_a_stale_retirement_is_refused(app: Flask, planner: FlaskClient) -> None:
    build_plan(planner)
    opened = action_version(app)
    assert (
        post_form(planner, EDIT, {**ACTION, "title_en": "Renamed", "version": opened}).status_code
        == 302
    )
    data = {"retire-reason": "No longer needed", "retire-version": opened}
    response = post_form(planner, "/plans/it-plan/actions/S1.1/retire", data, page=EDIT)
    assert response.status_code == 302
    with app.app_context():
        action = db.session.scalar(select(Action).where(Action.code == "S1.1"))
        assert action is not None and not action.retired
    assert "Someone saved this since you opened it" in planner.get(EDIT).get_data(as_text=True)


def test_a_stale_edit_of_the_plan_shows_the_difference(app: Flask, planner: FlaskClient) -> None:
    build_plan(planner)
    opened = plan_version(app)
    first = {**PLAN, "owner_fr": "Secrétariat du Conseil du Trésor", "version": opened}
    assert post_form(planner, "/plans/it-plan/edit", first).status_code == 302
    second = {**PLAN, "summary_en": "Our plan", "version": opened}
    response = post_form(planner, "/plans/it-plan/edit", second)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Owner organisation in French" in page  # the field that differs, in the table
    assert "Secrétariat du Conseil du Trésor" in page
    assert "Our plan" in page  # the second edit's input is kept
    with app.app_context():
        plan = db.session.scalar(select(Plan))
        assert plan is not None and plan.summary_en == ""
