"""Departments and oversight are refused (403) on every authoring route, with nothing changed;
oversight reads the change log."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.routing import Rule

from tests.authoring.conftest import build_plan, plan_changes, signed_in
from tests.conftest import csrf_token
from tracker.extensions import db
from tracker.models import Action, Milestone, Plan, Role, StrategicArea

READ_ONLY = {"authoring.changes_log", "authoring.changes_csv"}


def authoring_requests(app: Flask) -> list[tuple[str, str, str]]:
    """(endpoint, method, path) for every authoring route, on the built plan's real ids."""
    with app.app_context():
        area_id = db.session.scalar(select(StrategicArea.id))
        milestone_id = db.session.scalar(select(Milestone.id))
    values = {
        "slug": "it-plan",
        "code": "S1.1",
        "area_id": area_id,
        "milestone_id": milestone_id,
        "year": 2025,
    }
    found = []
    rule: Rule
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("authoring."):
            continue
        args = {name: values.get(name, "activate") for name in rule.arguments}
        path = rule.build(args, append_unknown=False)
        assert path is not None
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            found.append((rule.endpoint, method, path[1]))
    return found


def snapshot(app: Flask) -> tuple[int, ...]:
    with app.app_context():
        return tuple(
            db.session.scalar(select(func.count()).select_from(model)) or 0
            for model in (Plan, StrategicArea, Action, Milestone)
        ) + (db.session.scalar(select(func.sum(Action.version))) or 0,)


@pytest.mark.parametrize("role", [Role.DEPARTMENT, Role.OVERSIGHT])
def test_other_roles_are_refused_on_every_authoring_route(
    app: Flask, planner: FlaskClient, role: Role
) -> None:
    build_plan(planner)
    user = signed_in(
        app,
        role,
        f"{role.value}@example.gc.ca",
        department="SSC" if role is Role.DEPARTMENT else None,
    )
    before, changes = snapshot(app), len(plan_changes(app))
    token = csrf_token(user, "/")
    requests = authoring_requests(app)
    assert len(requests) > 20
    for endpoint, method, path in requests:
        data = {"version": "1", "reason": "x", "title_en": "Hacked", "code": "X1"}
        response = user.open(path, method=method, data=data, headers={"X-CSRFToken": token})
        if role is Role.OVERSIGHT and endpoint in READ_ONLY:
            assert response.status_code == 200, path
        else:
            assert response.status_code == 403, f"{role} {method} {path}"
    assert snapshot(app) == before
    assert len(plan_changes(app)) == changes


def test_the_plan_pages_link_to_authoring_for_planners_only(
    app: Flask, planner: FlaskClient
) -> None:
    build_plan(planner)
    assert "/plans/it-plan/edit" in planner.get("/plans/it-plan/").get_data(as_text=True)
    assert "/plans/new" in planner.get("/plans/").get_data(as_text=True)
    oversight = signed_in(app, Role.OVERSIGHT, "oversight@example.gc.ca")
    page = oversight.get("/plans/it-plan/").get_data(as_text=True)
    assert "/plans/it-plan/edit" not in page
    assert "/plans/it-plan/changes" in page
