"""A draft plan's action may wait for its lead, start and baseline target: it is saved without
them, every page of the draft renders it as "not set", activation refuses listing what each
action lacks, and a copy of the draft keeps them unset. An active plan still requires them."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.api.conftest import write_token
from tests.api.test_reads import read
from tests.authoring.conftest import ACTION, action_version, activate, build_plan, signed_in
from tests.conftest import post_form
from tracker.extensions import db
from tracker.models import Action, Plan, PlanStatus, Role

UNSET = {**ACTION, "code": "S1.2", "lead": "", "start": "", "baseline_target": ""}
DRAFT_PAGES = (
    "/plans/it-plan/",
    "/plans/it-plan/roadmap",
    "/plans/it-plan/trends",
    "/plans/it-plan/attention",
    "/plans/it-plan/compliance",
    "/plans/it-plan/actions/S1.2",
    "/plans/it-plan/actions/S1.2/history",
    "/plans/it-plan/edit",
    "/plans/it-plan/actions/S1.2/edit",
    "/plans/it-plan/changes",
    "/plans/it-plan/export.yaml",
)


def stored(app: Flask, code: str = "S1.2") -> Action:
    with app.app_context():
        found = db.session.scalar(select(Action).where(Action.code == code))
        assert found is not None
        db.session.expunge(found)
        return found


def draft_with_unset_action(client: FlaskClient) -> None:
    build_plan(client)
    response = post_form(client, "/plans/it-plan/actions/new", UNSET)
    assert response.status_code == 302, response.get_data(as_text=True)


def test_a_drafts_action_is_saved_without_lead_start_or_target(
    app: Flask, planner: FlaskClient
) -> None:
    draft_with_unset_action(planner)
    action = stored(app)
    assert action.lead_department_id is None
    assert (action.start_quarter, action.baseline_target, action.current_target) == (
        None,
        None,
        None,
    )
    assert action.schedule is None and action.slippage == 0


def test_every_page_of_the_draft_renders_it_as_not_set(app: Flask, planner: FlaskClient) -> None:
    draft_with_unset_action(planner)
    for path in DRAFT_PAGES:
        response = planner.get(path)
        assert response.status_code == 200, (path, response.status_code)
    page = planner.get("/plans/it-plan/actions/S1.2").get_data(as_text=True)
    assert page.count("Not set") >= 4  # lead, start, baseline, current (and forecast) target
    overview = planner.get("/plans/it-plan/").get_data(as_text=True)
    assert "S1.2" in overview
    post_form(planner, "/language", {"lang": "fr"}, page="/")
    french = planner.get("/plans/it-plan/actions/S1.2").get_data(as_text=True)
    assert "Non défini" in french


def test_the_api_reads_the_draft_with_nulls_as_documented(app: Flask, planner: FlaskClient) -> None:
    draft_with_unset_action(planner)
    secret = write_token(app, "planner@example.gc.ca")
    client = app.test_client()
    plan = read(client, "/api/v1/plans/it-plan", secret, "PlanDetail")
    [unset] = [a for a in plan["areas"][0]["actions"] if a["code"] == "S1.2"]
    assert (unset["lead_department"], unset["start_quarter"], unset["current_target"]) == (
        None,
        None,
        None,
    )
    read(client, "/api/v1/plans/it-plan/actions/S1.2", secret, "ActionDetail")
    baselines = read(client, "/api/v1/plans/it-plan/baselines", secret, "BaselineVersions")
    assert {"action": "S1.2", "target": None} in baselines["versions"][0]["targets"]


def test_activation_lists_what_each_action_lacks_and_changes_nothing(
    app: Flask, planner: FlaskClient
) -> None:
    draft_with_unset_action(planner)
    response = activate(app, planner)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    for problem in (
        "Action S1.2 has no lead department yet.",
        "Action S1.2 has no start quarter yet.",
        "Action S1.2 has no baseline target yet.",
    ):
        assert problem in page
    with app.app_context():
        status = db.session.scalar(select(Plan.status).where(Plan.slug == "it-plan"))
        assert status == PlanStatus.DRAFT.value


def test_once_set_the_plan_activates(app: Flask, planner: FlaskClient) -> None:
    draft_with_unset_action(planner)
    data = {**ACTION, "code": "S1.2", "version": action_version(app, "S1.2")}
    edit = "/plans/it-plan/actions/S1.2/edit"
    assert post_form(planner, edit, data, page=edit).status_code == 302
    assert activate(app, planner).status_code == 302
    assert stored(app).schedule is not None


@pytest.mark.parametrize("field", ["lead", "start", "baseline_target"])
def test_an_active_plans_action_still_needs_them(
    app: Flask, planner: FlaskClient, field: str
) -> None:
    build_plan(planner)
    assert activate(app, planner).status_code == 302
    data = {**ACTION, "version": action_version(app, "S1.1"), field: ""}
    edit = "/plans/it-plan/actions/S1.1/edit"
    response = post_form(planner, edit, data, page=edit)
    assert response.status_code == 400
    assert stored(app, "S1.1").schedule is not None
    assert stored(app, "S1.1").lead_department_id is not None


def test_a_copy_of_the_draft_keeps_them_unset(app: Flask, planner: FlaskClient) -> None:
    draft_with_unset_action(planner)
    form = {
        "slug": "it-plan-next",
        "title_en": "Next",
        "title_fr": "Suivant",
        "first_year": "2028",
        "last_year": "2030",
        "shift_years": "3",
    }
    response = post_form(planner, "/plans/it-plan/copy", form)
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        copied = db.session.scalar(
            select(Action).join(Plan).where(Plan.slug == "it-plan-next", Action.code == "S1.2")
        )
        assert copied is not None
        assert copied.lead_department_id is None and copied.schedule is None


def test_departments_never_see_the_draft(app: Flask, planner: FlaskClient) -> None:
    draft_with_unset_action(planner)
    department = signed_in(app, Role.DEPARTMENT, "ssc@example.gc.ca", department="SSC")
    assert department.get("/plans/it-plan/actions/S1.2").status_code == 404
