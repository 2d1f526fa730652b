"""The API's writes: scopes and roles, department scoping, rules as on the pages, idempotency,
the whole quarter in one request, and the limits on bodies and request rates."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.api.conftest import Writers, write_token
from tests.api.helpers import assert_problem, bearer
from tests.api.writing import complete, draft, milestone_codes, own_update, send, update_url
from tests.conftest import make_user
from tests.factories.api import SLUG
from tracker.api.declare import OPERATIONS
from tracker.extensions import db
from tracker.models import AuditEvent, IdempotencyKey, ProgressUpdate, Revision, Role

QUARTER_URL = "/api/v1/periods/2025-Q2/updates"


def _state(app: Flask) -> list[tuple[Any, ...]]:
    """Every update's values, revisions and audit events: what a refused write must not move."""
    with app.app_context():
        updates = db.session.execute(
            select(
                ProgressUpdate.id,
                ProgressUpdate.state,
                ProgressUpdate.version,
                ProgressUpdate.percent_complete,
            ).order_by(ProgressUpdate.id)
        ).all()
        revisions = db.session.scalar(select(func.count(Revision.id)))
        events = db.session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.action.like("update.%"))
        )
        return [*updates, ("revisions", revisions), ("events", events)]


def _write_requests(writers: Writers) -> list[tuple[str, str, dict[str, Any]]]:
    code = writers.world.codes[0]
    url = update_url(code)
    return [
        ("PUT", url, {**draft(), "version": 1}),
        ("POST", f"{url}/submit", {"version": 1}),
        ("POST", QUARTER_URL, {"items": [{"plan": SLUG, "action": code, **draft()}]}),
        ("POST", "/api/v1/updates/1/review", {"decision": "accept", "version": 1}),
    ]


def test_every_write_is_tested_here(app: Flask) -> None:
    writes = {(op.method, op.operation_id) for op in OPERATIONS if op.writes}
    assert writes == {
        ("PUT", "save_update"),
        ("POST", "submit_update"),
        ("POST", "save_quarter"),
        ("POST", "review_update"),
        ("POST", "move_target"),  # re-planning: tests/api/test_replanning.py
        ("POST", "move_due"),
    }


@pytest.mark.parametrize("who", ["acr", "bcd", "planner", "admin", "oversight"])
def test_a_read_only_token_gets_403_on_every_write(
    app: Flask, client: FlaskClient, writers: Writers, who: str
) -> None:
    before = _state(app)
    for method, url, body in _write_requests(writers):
        response = send(client, method, url, writers.world.tokens[who], body)
        assert_problem(response, 403)
    assert _state(app) == before


def test_roles_are_kept_departments_write_and_planners_review(
    app: Flask, client: FlaskClient, writers: Writers
) -> None:
    before = _state(app)
    requests = _write_requests(writers)
    for method, url, body in requests[:3]:
        for who in ("planner", "admin", "oversight"):
            assert_problem(send(client, method, url, writers.tokens[who], body), 403)
    method, url, body = requests[3]
    for who in ("acr", "bcd", "oversight"):
        assert_problem(send(client, method, url, writers.tokens[who], body), 403)
    assert _state(app) == before


def test_a_department_cannot_write_another_departments_update(
    app: Flask, client: FlaskClient, writers: Writers
) -> None:
    make_user(app, Role.DEPARTMENT, "xyz@example.gc.ca", department="XYZ")
    xyz = write_token(app, "xyz@example.gc.ca")
    code = writers.world.codes[0]
    before = _state(app)
    # XYZ has no part in the action: BCD's draft is not theirs to change, nor to submit.
    assert_problem(send(client, "PUT", update_url(code), xyz, {**draft(), "version": 1}), 404)
    assert_problem(send(client, "POST", f"{update_url(code)}/submit", xyz, {"version": 1}), 404)
    item = {"plan": SLUG, "action": code, **draft()}
    refused = assert_problem(send(client, "POST", QUARTER_URL, xyz, {"items": [item]}), 422)
    assert refused["errors"][0]["field"] == "items[0].action"
    assert "not assigned to your department" in refused["errors"][0]["message"]
    assert _state(app) == before
    # ACR saving on the same action writes ACR's own update, never BCD's draft.
    bcd_draft = own_update(client, writers.tokens["bcd"], code)
    acr = writers.tokens["acr"]
    acr_update = own_update(client, acr, code)
    response = send(
        client, "PUT", update_url(code), acr, {**draft(), "version": bcd_draft["version"]}
    )
    assert_problem(response, 409)  # ACR's own update is submitted: not editable
    assert own_update(client, writers.tokens["bcd"], code) == bcd_draft
    assert own_update(client, acr, code) == acr_update


def test_unknown_plans_actions_and_periods_are_404(client: FlaskClient, writers: Writers) -> None:
    bcd, code = writers.tokens["bcd"], writers.world.codes[0]
    body = {**draft(), "version": 0}
    for url in (
        f"/api/v1/plans/nope/actions/{code}/updates/2025-Q2",
        f"/api/v1/plans/{SLUG}/actions/NOPE/updates/2025-Q2",
        update_url(code, "2031-Q1"),
        update_url(code, "tomorrow"),
    ):
        assert_problem(send(client, "PUT", url, bcd, body), 404)
    review = {"decision": "accept", "version": 1}
    assert_problem(
        send(client, "POST", "/api/v1/updates/999/review", writers.tokens["planner"], review), 404
    )


def test_the_pages_rules_and_messages_apply(client: FlaskClient, writers: Writers) -> None:
    bcd, code = writers.tokens["bcd"], writers.world.codes[0]
    current = own_update(client, bcd, code)
    url = update_url(code)
    body = complete(client, bcd, code, status="at_risk", percent=30)
    saved = send(client, "PUT", url, bcd, {**body, "version": current["version"]})
    assert saved.status_code == 200  # a draft may miss what a submission needs
    refused = send(client, "POST", f"{url}/submit", bcd, {"version": saved.get_json()["version"]})
    errors = assert_problem(refused, 422)["errors"]
    assert {e["field"] for e in errors} == {"risks"}
    assert any("Describe the risks" in e["message"] for e in errors)
    wrong = {**draft(milestones=[{"code": "NOPE"}]), "version": saved.get_json()["version"]}
    errors = assert_problem(send(client, "PUT", url, bcd, wrong), 422)["errors"]
    assert errors[0]["field"] == "milestones[0].code"


def test_the_body_is_validated_field_by_field(client: FlaskClient, writers: Writers) -> None:
    bcd, url = writers.tokens["bcd"], update_url(writers.world.codes[0])
    body = {"status": "done", "percent_complete": "50", "version": -1, "colour": "red"}
    errors = assert_problem(send(client, "PUT", url, bcd, body), 422)["errors"]
    assert {e["field"] for e in errors} == {"status", "percent_complete", "version", "colour"}
    broken = client.put(url, data="{", headers={**bearer(bcd), "Content-Type": "application/json"})
    assert_problem(broken, 400)


def test_a_retried_post_with_the_same_key_happens_once(
    app: Flask, client: FlaskClient, writers: Writers
) -> None:
    bcd, code = writers.tokens["bcd"], writers.world.codes[0]
    url = update_url(code)
    current = own_update(client, bcd, code)
    body = complete(client, bcd, code)
    version = send(client, "PUT", url, bcd, {**body, "version": current["version"]}).get_json()[
        "version"
    ]
    key = {"Idempotency-Key": "8d3c7a2e-submit-1"}
    first = send(client, "POST", f"{url}/submit", bcd, {"version": version}, key)
    assert first.status_code == 200, first.get_data(as_text=True)
    before = _state(app)
    second = send(client, "POST", f"{url}/submit", bcd, {"version": version}, key)
    assert second.status_code == 200
    assert second.headers["Idempotent-Replayed"] == "true"
    assert second.get_json() == first.get_json()
    assert _state(app) == before
    other = send(client, "POST", f"{url}/submit", bcd, {"version": version + 1}, key)
    assert assert_problem(other, 422)["errors"][0]["field"] == "Idempotency-Key"
    with app.app_context():
        assert db.session.scalar(select(func.count(IdempotencyKey.id))) == 1
    bad = send(client, "POST", f"{url}/submit", bcd, {"version": version}, {"Idempotency-Key": "é"})
    assert_problem(bad, 400)


def test_a_whole_quarter_is_saved_in_one_request(
    app: Flask, client: FlaskClient, writers: Writers
) -> None:
    bcd = writers.tokens["bcd"]
    items = [
        {"plan": SLUG, "action": code, **draft(percent=20 + n)}
        for n, code in enumerate(writers.world.codes)
    ]
    key = {"Idempotency-Key": "quarter-2025-Q2"}
    response = send(client, "POST", QUARTER_URL, bcd, {"items": items}, key)
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert (body["period"], body["department"]) == ("2025-Q2", "BCD")
    assert [i["outcome"] for i in body["items"]] == ["updated", "updated"]
    assert body["counts"] == {"updated": 2}
    for n, code in enumerate(writers.world.codes):
        assert own_update(client, bcd, code)["percent_complete"] == 20 + n
    before = _state(app)
    again = send(client, "POST", QUARTER_URL, bcd, {"items": items}, key)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert _state(app) == before
    unkeyed = send(client, "POST", QUARTER_URL, bcd, {"items": items})
    assert [i["outcome"] for i in unkeyed.get_json()["items"]] == ["unchanged", "unchanged"]
    assert _state(app) == before


def test_a_quarter_with_problems_writes_nothing_and_lists_every_one(
    app: Flask, client: FlaskClient, writers: Writers
) -> None:
    bcd, codes = writers.tokens["bcd"], writers.world.codes
    items = [
        {"plan": SLUG, "action": codes[0], **draft(percent=20)},
        {"plan": SLUG, "action": codes[1], **draft(status="off_track", milestones=[{"code": "Z"}])},
        {"plan": SLUG, "action": "NOPE", **draft()},
        {"plan": SLUG, "action": codes[0], **draft()},
    ]
    before = _state(app)
    errors = assert_problem(send(client, "POST", QUARTER_URL, bcd, {"items": items}), 422)["errors"]
    assert [e["field"] for e in errors] == [
        "items[1].milestones[0].code",
        "items[1].risks",
        "items[2].action",
        "items[3].action",
    ]
    assert _state(app) == before
    locked = send(client, "POST", "/api/v1/periods/2025-Q1/updates", bcd, {"items": items[:1]})
    assert "locked" in assert_problem(locked, 409)["detail"]


def test_bodies_must_be_json_and_not_too_large(
    app: Flask, client: FlaskClient, writers: Writers
) -> None:
    bcd, url = writers.tokens["bcd"], update_url(writers.world.codes[0])
    form = client.put(url, data={"status": "on_track"}, headers=bearer(bcd))
    assert_problem(form, 415)
    app.config["API_MAX_BODY_BYTES"] = 100
    large = send(client, "PUT", url, bcd, {**draft(accomplishments="x" * 500), "version": 1})
    assert_problem(large, 413)


def test_a_milestone_forecast_after_its_completion_is_refused(
    app: Flask, client: FlaskClient, writers: Writers
) -> None:
    """The page's rule through the API: 422 on the milestone's forecast, nothing written."""
    bcd, code = writers.tokens["bcd"], writers.world.codes[0]
    current = own_update(client, bcd, code)
    first = milestone_codes(client, bcd, code)[0]
    stone = {"code": first, "forecast_on": "2025-09-30", "completed_on": "2025-06-01"}
    before = _state(app)
    body = {**draft(milestones=[stone]), "version": current["version"]}
    errors = assert_problem(send(client, "PUT", update_url(code), bcd, body), 422)["errors"]
    assert [e["field"] for e in errors] == [f"milestones.{first}.forecast_on"]
    assert "cannot be after the completion date (2025-06-01)" in errors[0]["message"]
    assert _state(app) == before
