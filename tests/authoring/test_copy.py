"""Starting a plan from another: structure copied into a new draft, no progress."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.authoring.conftest import signed_in
from tests.conftest import post_form
from tests.factories.plans import add_update, plan_document
from tracker.extensions import db
from tracker.models import Plan, PlanChange, ProgressUpdate, Role
from tracker.services.plans.files import export_plan, import_plan

SOURCE = "test-plan-2016"
URL = f"/plans/{SOURCE}/copy"
FORM = {
    "slug": "test-plan-2020",
    "title_en": "Next IT Strategic Plan",
    "title_fr": "Prochain plan stratégique de la TI",
    "first_year": "2020",
    "last_year": "2023",
    "shift_years": "4",
}


@pytest.fixture
def source(app: Flask) -> None:
    document = plan_document()
    document["areas"][0]["actions"][1]["retired"] = {"reason": "Merged into S1.1"}
    with app.app_context():
        import_plan(document)
        add_update("S1.1", "M1")


def test_a_planner_copies_the_structure_into_a_new_draft(
    app: Flask, planner: FlaskClient, source: None
) -> None:
    assert f'href="{URL}"' in planner.get(f"/plans/{SOURCE}/edit").get_data(as_text=True)
    assert planner.get(URL).status_code == 200

    response = post_form(planner, URL, FORM)

    assert response.status_code == 302
    assert response.headers["Location"] == "/plans/test-plan-2020/edit"
    with app.app_context():
        copied = export_plan("test-plan-2020")
        assert copied["plan"]["status"] == "draft"
        assert copied["plan"]["predecessor"] == SOURCE
        assert copied["plan"]["levels"]["area"] == {"en": "Pillar", "fr": "Pilier"}
        s11 = copied["areas"][0]["actions"][0]
        assert [a["code"] for a in copied["areas"][0]["actions"]] == ["S1.1"]  # S1.2 retired
        assert (s11["start"], s11["baseline_target"], s11["target"]) == (
            "2020-Q1",
            "2022-Q4",
            "2022-Q4",
        )
        assert s11["participants"] == ["PSPC", "SSC"]  # joining late is not copied
        m1, m2 = s11["milestones"]
        assert (m1["baseline_due"], m1["completed"]) == (date(2021, 3, 31), None)
        assert (m2["baseline_due"], m2["current_due"]) == (date(2022, 9, 30), None)
        plan = db.session.scalars(select(Plan).where(Plan.slug == "test-plan-2020")).one()
        updates = db.session.scalar(
            select(func.count(ProgressUpdate.id)).where(
                ProgressUpdate.action_id.in_([a.id for area in plan.areas for a in area.actions])
            )
        )
        assert updates == 0
        [created] = db.session.scalars(select(PlanChange).where(PlanChange.plan_id == plan.id))
        assert created.kind == "created"
        assert created.new_value == "Next IT Strategic Plan (copied from test-plan-2016)"


def test_a_used_short_name_is_refused_on_its_field(
    app: Flask, planner: FlaskClient, source: None
) -> None:
    response = post_form(planner, URL, {**FORM, "slug": SOURCE})
    assert response.status_code == 400
    assert "Another plan already uses this short name." in response.get_data(as_text=True)


@pytest.mark.parametrize("role", [Role.DEPARTMENT, Role.OVERSIGHT])
def test_only_planners_and_admins_copy_a_plan(app: Flask, source: None, role: Role) -> None:
    department = "SSC" if role == Role.DEPARTMENT else None
    client = signed_in(app, role, "reader@example.gc.ca", department=department)
    assert client.get(URL).status_code == 403
    with app.app_context():
        assert db.session.scalar(select(func.count(Plan.id))) == 1
