"""The API's reads of a plan's history: its baseline versions and its change log, with the
pages' access rules (the change log for planners, admins and oversight; baselines for anyone
who may see the plan; a draft does not exist for departments)."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.api.helpers import api_get, assert_problem
from tests.factories.api import EMAILS, SLUG, World
from tracker.extensions import db
from tracker.fiscal import FiscalQuarter
from tracker.models import Action, Milestone, Plan, PlanStatus, User
from tracker.services.plans import replanning, reviews

BASELINES = f"/api/v1/plans/{SLUG}/baselines"
CHANGES = f"/api/v1/plans/{SLUG}/changes"


def _planner(app: Flask) -> User:
    found = db.session.scalar(select(User).where(User.email == EMAILS["planner"]))
    assert found is not None
    return found


def _action(code: str) -> Action:
    found = db.session.scalar(select(Action).where(Action.code == code))
    assert found is not None
    return found


def _review_2025(app: Flask, world: World) -> None:
    """A closed review of 2025-26 that re-baselined the first action's target."""
    with app.app_context():
        planner, code = _planner(app), world.codes[0]
        reviews.open_review(SLUG, 2025, planner)
        action = _action(code)
        reviews.rebaseline_target(
            SLUG, code, FiscalQuarter(2027, 2), "Scope grew", action.version, planner
        )
        reviews.close_review(SLUG, 2025, "Approved by the board", planner)


def _move_targets(app: Flask, world: World) -> None:
    """Move the current target of each action once (two change-log rows)."""
    with app.app_context():
        planner = _planner(app)
        for n, code in enumerate(world.codes):
            action = _action(code)
            replanning.move_target(
                SLUG, code, FiscalQuarter(2027, 1 + n), f"Reason {n}", action.version, planner
            )


def test_a_plan_never_reviewed_has_its_original_baselines_only(
    app: Flask, client: FlaskClient, world: World
) -> None:
    response = api_get(client, BASELINES, world.tokens["acr"])
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert body["plan"] == SLUG
    [original] = body["versions"]
    assert original["number"] == 0 and original["review_fiscal_year"] is None
    assert original["targets"] == [{"action": c, "target": "2026-Q4"} for c in world.codes]
    assert len(original["due_dates"]) == 2 * len(world.codes)


def test_a_review_adds_a_version_and_the_original_keeps_its_targets(
    app: Flask, client: FlaskClient, world: World
) -> None:
    _review_2025(app, world)
    body = api_get(client, BASELINES, world.tokens["bcd"]).get_json()
    original, review = body["versions"]
    first, second = world.codes
    assert (original["number"], review["number"]) == (0, 1)
    assert review["review_fiscal_year"] == 2025
    assert original["targets"] == [
        {"action": first, "target": "2026-Q4"},
        {"action": second, "target": "2026-Q4"},
    ]
    assert review["targets"] == [
        {"action": first, "target": "2027-Q2"},
        {"action": second, "target": "2026-Q4"},
    ]
    assert original["made_at"] <= review["made_at"]


def test_the_change_log_lists_each_change_with_its_reason_newest_first(
    app: Flask, client: FlaskClient, world: World
) -> None:
    _move_targets(app, world)
    response = api_get(client, CHANGES, world.tokens["oversight"])
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert body["total"] == 2 and body["plan"] == SLUG
    assert [(c["action"], c["kind"], c["reason"]) for c in body["items"]] == [
        (world.codes[1], "target_moved", "Reason 1"),
        (world.codes[0], "target_moved", "Reason 0"),
    ]
    newest = body["items"][0]
    assert (newest["old_value"], newest["new_value"]) == ("2026-Q4", "2027-Q2")
    assert newest["by"] == EMAILS["planner"] and newest["field"] == "current_target"


def test_the_change_log_is_filtered_by_action_and_fiscal_year_and_paged(
    app: Flask, client: FlaskClient, world: World
) -> None:
    _move_targets(app, world)
    secret = world.tokens["planner"]
    only = api_get(client, f"{CHANGES}?action={world.codes[0]}", secret).get_json()
    assert [c["action"] for c in only["items"]] == [world.codes[0]]
    this_year = api_get(client, f"{CHANGES}?fiscal_year=2025", secret).get_json()
    assert this_year["total"] == 2  # today is 2025-10-05: fiscal year 2025-26
    assert api_get(client, f"{CHANGES}?fiscal_year=2024", secret).get_json()["items"] == []
    first = api_get(client, f"{CHANGES}?per_page=1", secret)
    assert (first.get_json()["pages"], first.get_json()["next"] is not None) == (2, True)
    assert 'rel="next"' in first.headers["Link"]


@pytest.mark.parametrize(
    "query", ["action=S%201", "fiscal_year=soon", "fiscal_year=20255", "per_page=0", "colour=red"]
)
def test_bad_change_log_parameters_are_400_naming_them(
    client: FlaskClient, world: World, query: str
) -> None:
    response = api_get(client, f"{CHANGES}?{query}", world.tokens["planner"])
    problem = assert_problem(response, 400)
    assert problem["errors"][0]["field"] == query.split("=")[0]


@pytest.mark.parametrize(("who", "status"), [("acr", 403), ("bcd", 403), ("admin", 200)])
def test_departments_may_not_read_the_change_log(
    client: FlaskClient, world: World, who: str, status: int
) -> None:
    response = api_get(client, CHANGES, world.tokens[who])
    assert response.status_code == status


def test_a_draft_plan_does_not_exist_for_departments(
    app: Flask, client: FlaskClient, world: World
) -> None:
    with app.app_context():
        plan = db.session.scalar(select(Plan).where(Plan.slug == SLUG))
        assert plan is not None
        plan.status = PlanStatus.DRAFT.value
        db.session.commit()
    assert_problem(api_get(client, BASELINES, world.tokens["acr"]), 404)
    for who in ("planner", "oversight"):
        assert api_get(client, BASELINES, world.tokens[who]).status_code == 200
        assert api_get(client, CHANGES, world.tokens[who]).status_code == 200


def test_unknown_plans_are_404(client: FlaskClient, world: World) -> None:
    for path in ("/api/v1/plans/nope/baselines", "/api/v1/plans/nope/changes"):
        assert_problem(api_get(client, path, world.tokens["planner"]), 404)


def test_milestone_due_dates_follow_the_version(
    app: Flask, client: FlaskClient, world: World
) -> None:
    with app.app_context():
        stone = db.session.scalar(select(Milestone).order_by(Milestone.id))
        assert stone is not None
        code, due = stone.code, stone.baseline_due.isoformat()
    [original] = api_get(client, BASELINES, world.tokens["planner"]).get_json()["versions"]
    assert {"action": world.codes[0], "milestone": code, "due": due} in original["due_dates"]
