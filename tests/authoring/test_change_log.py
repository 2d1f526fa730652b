"""The plan's change log: each change with who, when, from -> to and why; filters, pages, CSV."""

from __future__ import annotations

import csv
import io

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update

from tests.authoring.conftest import (
    ACTION,
    action_version,
    activate,
    build_plan,
    plan_changes,
    signed_in,
)
from tests.conftest import post_form
from tracker.extensions import db
from tracker.models import PlanChange, Role
from tracker.services.plans.changes import PER_PAGE

EDIT = "/plans/it-plan/actions/S1.1/edit"


def replan(client: FlaskClient, app: Flask, code: str, target: str, reason: str) -> None:
    data = {
        "replan-target": target,
        "replan-reason": reason,
        "replan-version": action_version(app, code),
    }
    page = f"/plans/it-plan/actions/{code}/edit"
    assert (
        post_form(client, f"/plans/it-plan/actions/{code}/replan", data, page=page).status_code
        == 302
    )


def test_the_log_lists_each_change_with_its_reason(app: Flask, planner: FlaskClient) -> None:
    build_plan(planner, ("S1.1", "S1.2"))
    assert activate(app, planner).status_code == 302
    replan(planner, app, "S1.1", "2027-Q1", "Waiting for funding")
    page = planner.get("/plans/it-plan/changes").get_data(as_text=True)
    assert "Target moved" in page
    assert "Waiting for funding" in page
    assert "2026-27 Q4" in page and "2027-28 Q1" in page  # from -> to, as people write them
    assert "Planner User" in page
    assert "Plan created" in page and "Action added" in page and "Status changed" in page


def test_the_log_filters_by_action_and_fiscal_year(app: Flask, planner: FlaskClient) -> None:
    build_plan(planner, ("S1.1", "S1.2"))
    assert activate(app, planner).status_code == 302
    replan(planner, app, "S1.1", "2027-Q1", "Reason one")
    replan(planner, app, "S1.2", "2027-Q2", "Reason two")
    page = planner.get("/plans/it-plan/changes?action=S1.2").get_data(as_text=True)
    assert "Reason two" in page and "Reason one" not in page
    year = plan_changes(app)[0].fiscal_year
    with app.app_context():  # an older change, made in an earlier fiscal year
        db.session.execute(
            update(PlanChange).where(PlanChange.reason == "Reason one").values(fiscal_year=year - 1)
        )
        db.session.commit()
    page = planner.get(f"/plans/it-plan/changes?year={year - 1}").get_data(as_text=True)
    assert "Reason one" in page and "Reason two" not in page
    assert planner.get("/plans/it-plan/changes?year=1800").status_code == 400


def test_the_log_pages(app: Flask, planner: FlaskClient) -> None:
    build_plan(planner)
    for number in range(PER_PAGE):
        data = {**ACTION, "title_en": f"Title {number}", "version": action_version(app)}
        assert post_form(planner, EDIT, data).status_code == 302
    first = planner.get("/plans/it-plan/changes").get_data(as_text=True)
    assert "Next page" in first and "Title 49" in first and "Plan created" not in first
    second = planner.get("/plans/it-plan/changes?page=2").get_data(as_text=True)
    assert "Plan created" in second and "Next page" not in second


def test_the_csv_has_every_change_with_formula_safe_cells(app: Flask, planner: FlaskClient) -> None:
    build_plan(planner)
    assert activate(app, planner).status_code == 302
    replan(planner, app, "S1.1", "2027-Q1", '=HYPERLINK("http://evil")')
    response = planner.get("/plans/it-plan/changes.csv?action=S1.1")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:4] == ["When (UTC)", "Fiscal year", "Who", "Change"]
    moved = next(row for row in rows if row[3] == "Target moved")
    assert moved[4] == "S1.1"
    assert moved[-1] == '\'=HYPERLINK("http://evil")'
    assert all(row[4] == "S1.1" for row in rows[1:])


def test_oversight_reads_the_log_and_departments_do_not(app: Flask, planner: FlaskClient) -> None:
    build_plan(planner)
    oversight = signed_in(app, Role.OVERSIGHT, "oversight@example.gc.ca")
    assert oversight.get("/plans/it-plan/changes").status_code == 200
    assert oversight.get("/plans/it-plan/changes.csv").status_code == 200
    department = signed_in(app, Role.DEPARTMENT, "tbs@example.gc.ca", department="TBS")
    assert department.get("/plans/it-plan/changes").status_code == 403
