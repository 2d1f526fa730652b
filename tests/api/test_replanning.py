"""Re-planning through the API: moving a target or a due date calls the pages' service, so it
needs a reason, keeps the baseline, logs the change with who and why, and is refused by role,
by token scope and for a stale version, with nothing changed."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.api.conftest import Writers
from tests.api.helpers import assert_problem
from tests.api.writing import send
from tests.factories.api import SLUG
from tracker.extensions import db
from tracker.fiscal import FiscalQuarter
from tracker.models import Action, AuditEvent, Milestone, PlanChange

ACTIONS = f"/api/v1/plans/{SLUG}/actions"


def _action(app: Flask, code: str) -> Action:
    with app.app_context():
        found = db.session.scalar(select(Action).where(Action.code == code))
        assert found is not None
        db.session.expunge(found)
        return found


def _milestone(app: Flask, code: str) -> Milestone:
    with app.app_context():
        found = db.session.scalar(
            select(Milestone).join(Action).where(Action.code == code).order_by(Milestone.position)
        )
        assert found is not None
        db.session.expunge(found)
        return found


def _state(app: Flask) -> list[tuple[Any, ...]]:
    """Every action's and milestone's schedule, the change log and the re-planning events
    (refusals are audited as denied access, which is expected)."""
    with app.app_context():
        actions = db.session.execute(
            select(Action.id, Action.baseline_target, Action.current_target, Action.version)
        ).all()
        milestones = db.session.execute(
            select(Milestone.id, Milestone.baseline_due, Milestone.current_due, Milestone.version)
        ).all()
        logged = db.session.scalar(select(func.count(PlanChange.id)))
        events = db.session.scalar(
            select(func.count(AuditEvent.id)).where(
                AuditEvent.action.in_(("action.target_moved", "milestone.due_moved"))
            )
        )
        return [*actions, *milestones, ("changes", logged), ("events", events)]


def _requests(app: Flask, writers: Writers) -> list[tuple[str, dict[str, Any]]]:
    code = writers.world.codes[0]
    action, milestone = _action(app, code), _milestone(app, code)
    return [
        (
            f"{ACTIONS}/{code}/target",
            {"target": "2027-Q2", "reason": "Funding moved", "version": action.version},
        ),
        (
            f"{ACTIONS}/{code}/milestones/{milestone.code}/due",
            {"due": "2027-01-15", "reason": "Vendor late", "version": milestone.version},
        ),
    ]


def test_a_planner_moves_a_target_with_a_reason(
    app: Flask, client: FlaskClient, writers: Writers
) -> None:
    code = writers.world.codes[0]
    before = _action(app, code)
    body = {"target": "2027-Q2", "reason": " Funding moved ", "version": before.version}
    response = send(client, "POST", f"{ACTIONS}/{code}/target", writers.tokens["planner"], body)
    assert response.status_code == 200, response.get_data(as_text=True)
    answer = response.get_json()
    assert answer["current_target"] == "2027-Q2"
    assert answer["baseline_target"] == str(before.baseline_target)
    assert answer["version"] == before.version + 1
    after = _action(app, code)
    assert after.current_target == FiscalQuarter(2027, 2)
    assert after.baseline_target == before.baseline_target
    with app.app_context():
        [change] = db.session.scalars(select(PlanChange).where(PlanChange.kind == "target_moved"))
        assert (change.action_code, change.old_value, change.new_value, change.reason) == (
            code,
            str(before.current_target),
            "2027-Q2",
            "Funding moved",
        )
        assert change.user_label == "planner@example.gc.ca"
        assert db.session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.action == "action.target_moved")
        )


def test_an_admin_moves_a_milestone_due_date_and_its_baseline_stays(
    app: Flask, client: FlaskClient, writers: Writers
) -> None:
    code = writers.world.codes[1]
    stone = _milestone(app, code)
    url = f"{ACTIONS}/{code}/milestones/{stone.code}/due"
    body = {"due": "2027-01-15", "reason": "Vendor late", "version": stone.version}
    response = send(client, "POST", url, writers.tokens["admin"], body)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json() == {
        "plan": SLUG,
        "action": code,
        "code": stone.code,
        "baseline_due": stone.baseline_due.isoformat(),
        "due_on": "2027-01-15",
        "version": stone.version + 1,
    }
    after = _milestone(app, code)
    assert (after.baseline_due, after.current_due) == (stone.baseline_due, date(2027, 1, 15))
    with app.app_context():
        [change] = db.session.scalars(select(PlanChange).where(PlanChange.kind == "due_moved"))
        assert (change.milestone_code, change.reason) == (stone.code, "Vendor late")


@pytest.mark.parametrize("index", [0, 1])
@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"reason": None}, "reason"),  # left out
        ({"reason": ""}, "reason"),
        ({"reason": "   "}, "reason"),  # the service's own rule
    ],
)
def test_a_move_without_a_reason_is_422_naming_it_and_changes_nothing(
    app: Flask,
    client: FlaskClient,
    writers: Writers,
    index: int,
    change: dict[str, Any],
    field: str,
) -> None:
    url, body = _requests(app, writers)[index]
    body = {k: v for k, v in {**body, **change}.items() if v is not None}
    before = _state(app)
    response = send(client, "POST", url, writers.tokens["planner"], body)
    problem = assert_problem(response, 422)
    assert field in [e["field"] for e in problem["errors"]]
    assert _state(app) == before


def test_the_service_message_comes_back_in_the_users_language(
    app: Flask, client: FlaskClient, writers: Writers
) -> None:
    url, body = _requests(app, writers)[0]
    response = send(
        client,
        "POST",
        url,
        writers.tokens["planner"],
        {**body, "reason": " "},
        headers={"Accept-Language": "en"},
    )
    problem = assert_problem(response, 422)
    assert problem["errors"] == [
        {
            "field": "reason",
            "message": "Give the reason for this change; it is kept in the change log.",
        }
    ]


@pytest.mark.parametrize("index", [0, 1])
def test_a_stale_version_is_409_with_the_current_version(
    app: Flask, client: FlaskClient, writers: Writers, index: int
) -> None:
    url, body = _requests(app, writers)[index]
    stored = body["version"]
    before = _state(app)
    response = send(client, "POST", url, writers.tokens["planner"], {**body, "version": stored - 1})
    assert assert_problem(response, 409)["current_version"] == stored
    assert _state(app) == before


def test_a_target_that_does_not_move_is_422_on_the_target(
    app: Flask, client: FlaskClient, writers: Writers
) -> None:
    code = writers.world.codes[0]
    action = _action(app, code)
    body = {"target": str(action.current_target), "reason": "No", "version": action.version}
    before = _state(app)
    response = send(client, "POST", f"{ACTIONS}/{code}/target", writers.tokens["planner"], body)
    assert [e["field"] for e in assert_problem(response, 422)["errors"]] == ["target"]
    assert _state(app) == before


@pytest.mark.parametrize("who", ["acr", "bcd", "oversight"])
def test_departments_and_oversight_get_403_and_nothing_changes(
    app: Flask, client: FlaskClient, writers: Writers, who: str
) -> None:
    before = _state(app)
    for url, body in _requests(app, writers):
        assert_problem(send(client, "POST", url, writers.tokens[who], body), 403)
    assert _state(app) == before


@pytest.mark.parametrize("who", ["planner", "admin"])
def test_a_read_only_token_gets_403_and_nothing_changes(
    app: Flask, client: FlaskClient, writers: Writers, who: str
) -> None:
    before = _state(app)
    for url, body in _requests(app, writers):
        assert_problem(send(client, "POST", url, writers.world.tokens[who], body), 403)
    assert _state(app) == before


def test_unknown_actions_and_milestones_are_404(
    app: Flask, client: FlaskClient, writers: Writers
) -> None:
    code = writers.world.codes[0]
    secret = writers.tokens["planner"]
    target = {"target": "2027-Q2", "reason": "R", "version": 1}
    due = {"due": "2027-01-15", "reason": "R", "version": 1}
    assert_problem(send(client, "POST", f"{ACTIONS}/NOPE/target", secret, target), 404)
    assert_problem(send(client, "POST", f"{ACTIONS}/{code}/milestones/NOPE/due", secret, due), 404)
    other = "/api/v1/plans/no-plan/actions/X/target"
    assert_problem(send(client, "POST", other, secret, target), 404)


def test_an_idempotency_key_replays_the_first_answer_and_moves_once(
    app: Flask, client: FlaskClient, writers: Writers
) -> None:
    url, body = _requests(app, writers)[0]
    headers = {"Idempotency-Key": "move-target-1"}
    secret = writers.tokens["planner"]
    first = send(client, "POST", url, secret, body, headers)
    again = send(client, "POST", url, secret, body, headers)
    assert first.status_code == again.status_code == 200
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json() == first.get_json()
    with app.app_context():
        assert db.session.scalar(select(func.count(PlanChange.id))) == 1


def test_a_script_reads_the_versions_then_moves_both(client: FlaskClient, writers: Writers) -> None:
    code, secret = writers.world.codes[0], writers.tokens["planner"]
    url = f"{ACTIONS}/{code}"
    read = client.get(url, headers={"Authorization": f"Bearer {secret}"}).get_json()
    stone = read["milestones"][0]
    body = {"target": "2027-Q3", "reason": "Late start", "version": read["version"]}
    assert send(client, "POST", f"{url}/target", secret, body).status_code == 200
    body = {"due": "2027-02-01", "reason": "Late start", "version": stone["version"]}
    due_url = f"{url}/milestones/{stone['code']}/due"
    assert send(client, "POST", due_url, secret, body).status_code == 200
    after = client.get(url, headers={"Authorization": f"Bearer {secret}"}).get_json()
    assert after["current_target"] == "2027-Q3"
    assert after["version"] == read["version"] + 1
    assert after["milestones"][0]["version"] == stone["version"] + 1


def test_a_nul_in_the_reason_is_422_on_every_database(
    app: Flask, client: FlaskClient, writers: Writers
) -> None:
    url, body = _requests(app, writers)[0]
    before = _state(app)
    response = send(client, "POST", url, writers.tokens["planner"], {**body, "reason": "a\x00b"})
    assert [e["field"] for e in assert_problem(response, 422)["errors"]] == ["reason"]
    assert _state(app) == before
