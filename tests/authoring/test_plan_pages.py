"""Creating and editing a plan through the pages; drafts hidden from departments; the lifecycle."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.authoring.conftest import (
    ACTION,
    AREA,
    PLAN,
    action_version,
    activate,
    build_plan,
    plan_changes,
    plan_version,
    signed_in,
)
from tests.conftest import post_form
from tracker.extensions import db
from tracker.models import Plan, Role


def saved_plan(app: Flask, slug: str = "it-plan") -> Plan | None:
    with app.app_context():
        plan = db.session.scalar(select(Plan).where(Plan.slug == slug))
        if plan is not None:
            db.session.expunge(plan)
        return plan


def plan_count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Plan.id))) or 0


def test_a_planner_creates_a_draft_plan_with_its_new_fields(
    app: Flask, planner: FlaskClient
) -> None:
    response = post_form(planner, "/plans/new", PLAN)
    assert response.status_code == 302
    assert response.headers["Location"] == "/plans/it-plan/edit"
    plan = saved_plan(app)
    assert plan is not None
    assert plan.status == "draft"
    assert (plan.owner_en, plan.owner_fr) == ("Treasury Board Secretariat", "")
    assert plan.source_url == "https://www.canada.ca/plan.html"
    assert (plan.area_label_en, plan.area_label_fr) == ("Pillar", "Pilier")
    assert (plan.action_label_en, plan.action_label_fr) == ("Priority", "Priorité")
    assert [c.kind for c in plan_changes(app)] == ["created"]
    page = planner.get("/plans/it-plan/edit").get_data(as_text=True)
    assert "Still to translate" in page and "owner" in page  # the French owner is missing


def test_a_new_plan_names_its_predecessor(app: Flask, planner: FlaskClient) -> None:
    build_plan(planner)
    data = {**PLAN, "slug": "it-plan-2", "predecessor_slug": "it-plan"}
    assert post_form(planner, "/plans/new", data).status_code == 302
    plan, first = saved_plan(app, "it-plan-2"), saved_plan(app)
    assert plan is not None and first is not None
    assert plan.predecessor_id == first.id


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"slug": "Not A Slug"}, "slug", "Use lowercase letters"),
        ({"last_year": "2024"}, "last_year", "cannot come before the first"),
        ({"title_en": "", "title_fr": ""}, "title_en", "Enter the text in English or in French"),
        ({"source_url": "ftp://x"}, "source_url", "Enter a web address"),
        ({"first_year": "twenty"}, "first_year", "Enter a year such as 2025."),
    ],
)
def test_an_invalid_plan_is_refused_with_its_message_and_nothing_is_stored(
    app: Flask, planner: FlaskClient, change: dict[str, str], field: str, message: str
) -> None:
    response = post_form(planner, "/plans/new", {**PLAN, **change})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    assert f'id="{field}-error"' in page
    assert plan_count(app) == 0


def test_a_short_name_is_used_once(app: Flask, planner: FlaskClient) -> None:
    assert post_form(planner, "/plans/new", PLAN).status_code == 302
    response = post_form(planner, "/plans/new", PLAN)
    assert response.status_code == 400
    assert "Another plan already uses this short name." in response.get_data(as_text=True)
    assert plan_count(app) == 1


def test_editing_the_plan_records_each_field_that_changed(app: Flask, planner: FlaskClient) -> None:
    build_plan(planner)
    data = {**PLAN, "title_en": "IT Plan 2025", "owner_fr": "Secrétariat du Conseil du Trésor"}
    data["version"] = str(plan_version(app))
    response = post_form(planner, "/plans/it-plan/edit", data)
    assert response.status_code == 302
    changed = {(c.field, c.old_value, c.new_value) for c in plan_changes(app, "field_changed")}
    assert ("title_en", "IT Plan", "IT Plan 2025") in changed
    assert ("owner_fr", "", "Secrétariat du Conseil du Trésor") in changed


def test_a_draft_plan_is_invisible_to_departments(app: Flask, planner: FlaskClient) -> None:
    build_plan(planner)
    department = signed_in(app, Role.DEPARTMENT, "ssc@example.gc.ca", department="SSC")
    assert "IT Plan" not in department.get("/plans/").get_data(as_text=True)
    assert department.get("/plans/it-plan/").status_code == 404
    assert department.get("/plans/it-plan/actions/S1.1").status_code == 404
    assert "S1.1" not in department.get("/updates/").get_data(as_text=True)
    assert "IT Plan" in planner.get("/plans/").get_data(as_text=True)

    assert activate(app, planner).status_code == 302
    assert "IT Plan" in department.get("/plans/").get_data(as_text=True)
    assert department.get("/plans/it-plan/").status_code == 200


def test_activation_lists_every_problem_then_succeeds(app: Flask, planner: FlaskClient) -> None:
    assert post_form(planner, "/plans/new", PLAN).status_code == 302
    edit = "/plans/it-plan/edit"
    assert post_form(planner, "/plans/it-plan/areas", AREA, page=edit).status_code == 302
    second = {**AREA, "area-code": "T", "area-name_en": "Secure IT"}
    assert post_form(planner, "/plans/it-plan/areas", second, page=edit).status_code == 302
    early = {**ACTION, "start": "2024-Q4", "baseline_target": "2026-Q4"}
    assert post_form(planner, "/plans/it-plan/actions/new", early).status_code == 302

    response = activate(app, planner)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Area T has no actions." in page
    assert "Action S1.1 starts before the plan&#39;s first fiscal year." in page
    assert saved_plan(app).status == "draft"  # type: ignore[union-attr]

    fixed = {**ACTION, "start": "2025-Q1", "version": action_version(app)}
    assert post_form(planner, "/plans/it-plan/actions/S1.1/edit", fixed).status_code == 302
    other = {**ACTION, "code": "T1.1", "area_code": "T"}
    assert post_form(planner, "/plans/it-plan/actions/new", other).status_code == 302
    assert activate(app, planner).status_code == 302
    assert saved_plan(app).status == "active"  # type: ignore[union-attr]
    status = plan_changes(app, "status_changed")
    assert [(c.old_value, c.new_value) for c in status] == [("draft", "active")]


def test_an_archived_plan_is_read_only_but_readable(app: Flask, planner: FlaskClient) -> None:
    build_plan(planner)
    assert activate(app, planner).status_code == 302
    data = {"version": plan_version(app)}
    archive = post_form(planner, "/plans/it-plan/archive", data, page="/plans/it-plan/edit")
    assert archive.status_code == 302
    before = len(plan_changes(app))
    data = {**PLAN, "title_en": "Changed", "version": str(plan_version(app))}
    response = post_form(planner, "/plans/it-plan/edit", data, page="/plans/it-plan/changes")
    assert response.status_code == 400
    assert "archived" in response.get_data(as_text=True)
    assert saved_plan(app).title_en == "IT Plan"  # type: ignore[union-attr]
    assert len(plan_changes(app)) == before
    assert planner.get("/plans/it-plan/").status_code == 200
    assert planner.get("/plans/it-plan/edit").status_code == 200


def test_the_authoring_pages_render_in_french(app: Flask, planner: FlaskClient) -> None:
    build_plan(planner)
    post_form(planner, "/language", {"lang": "fr"}, page="/")
    for url in (
        "/plans/new",
        "/plans/it-plan/edit",
        "/plans/it-plan/actions/S1.1/edit",
        "/plans/it-plan/changes",
    ):
        response = planner.get(url)
        assert response.status_code == 200, url
        assert 'lang="fr"' in response.get_data(as_text=True), url
    assert "Modifier le plan" in planner.get("/plans/it-plan/edit").get_data(as_text=True)
