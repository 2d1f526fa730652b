"""An action or milestone with progress updates is retired with a reason, never deleted."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.authoring.conftest import (
    action_version,
    activate,
    add_update,
    build_plan,
    plan_changes,
    signed_in,
)
from tests.conftest import post_form
from tracker.extensions import db
from tracker.models import Action, Milestone, ProgressUpdate, Role

EDIT = "/plans/it-plan/actions/S1.1/edit"


def action_row(app: Flask, code: str = "S1.1") -> Action | None:
    with app.app_context():
        found = db.session.scalar(select(Action).where(Action.code == code))
        if found is not None:
            db.session.expunge(found)
        return found


def milestone_row(app: Flask) -> tuple[int, int, bool] | None:
    with app.app_context():
        found = db.session.scalar(select(Milestone).where(Milestone.code == "M1"))
        return None if found is None else (found.id, found.version, found.retired)


def test_an_action_without_updates_may_be_deleted(app: Flask, planner: FlaskClient) -> None:
    build_plan(planner, ("S1.1", "S1.2"))
    data = {"delete-version": action_version(app)}
    response = post_form(planner, "/plans/it-plan/actions/S1.1/delete", data, page=EDIT)
    assert response.status_code == 302
    assert action_row(app) is None
    assert action_row(app, "S1.2") is not None
    [deleted] = plan_changes(app, "action_deleted")
    assert deleted.action_code == "S1.1" and deleted.action_id is None  # still readable


def test_an_action_with_updates_is_retired_not_deleted(app: Flask, planner: FlaskClient) -> None:
    build_plan(planner)
    assert activate(app, planner).status_code == 302
    add_update(app)
    page = planner.get(EDIT).get_data(as_text=True)
    assert "Delete the action" not in page
    refused = post_form(
        planner,
        "/plans/it-plan/actions/S1.1/delete",
        {"delete-version": action_version(app)},
        page=EDIT,
    )
    assert refused.status_code == 302
    assert action_row(app) is not None
    assert "retire it instead" in planner.get(EDIT).get_data(as_text=True)

    no_reason = {"retire-reason": "", "retire-version": action_version(app)}
    response = post_form(planner, "/plans/it-plan/actions/S1.1/retire", no_reason, page=EDIT)
    assert response.status_code == 400
    assert not action_row(app).retired  # type: ignore[union-attr]

    data = {"retire-reason": "Merged into S1.2", "retire-version": action_version(app)}
    assert (
        post_form(planner, "/plans/it-plan/actions/S1.1/retire", data, page=EDIT).status_code == 302
    )
    action = action_row(app)
    assert action is not None and action.retired
    assert action.retirement_reason == "Merged into S1.2"
    [retired] = plan_changes(app, "action_retired")
    assert retired.reason == "Merged into S1.2"
    with app.app_context():
        assert db.session.scalar(select(func.count(ProgressUpdate.id))) == 1  # history kept

    department = signed_in(app, Role.DEPARTMENT, "ssc@example.gc.ca", department="SSC")
    shown = department.get("/plans/it-plan/actions/S1.1")
    assert shown.status_code == 200  # still readable, and says it is retired
    assert "Merged into S1.2" in shown.get_data(as_text=True)
    # The quarter of the retirement is the last one owed (figures.obligations); none after.
    assert "S1.1" in department.get("/updates/").get_data(as_text=True)


def test_a_milestone_with_forecasts_is_retired_not_deleted(
    app: Flask, planner: FlaskClient
) -> None:
    build_plan(planner)
    add_update(app)
    found = milestone_row(app)
    assert found is not None
    milestone_id, version, _ = found
    base = f"/plans/it-plan/actions/S1.1/milestones/{milestone_id}"
    data = {"delete-version": version}
    assert post_form(planner, f"{base}/delete", data, page=f"{base}/edit").status_code == 302
    assert milestone_row(app) is not None
    data = {"retire-reason": "Dropped by the review", "retire-version": version}
    assert post_form(planner, f"{base}/retire", data, page=f"{base}/edit").status_code == 302
    assert milestone_row(app) == (milestone_id, version + 1, True)


def test_a_milestone_without_forecasts_may_be_deleted(app: Flask, planner: FlaskClient) -> None:
    build_plan(planner)
    found = milestone_row(app)
    assert found is not None
    base = f"/plans/it-plan/actions/S1.1/milestones/{found[0]}"
    data = {"delete-version": found[1]}
    assert post_form(planner, f"{base}/delete", data, page=f"{base}/edit").status_code == 302
    assert milestone_row(app) is None
    assert [c.milestone_code for c in plan_changes(app, "milestone_deleted")] == ["M1"]
