"""End to end through the API: a department drafts, conflicts, submits; a planner returns and
accepts; the plan's figures then read what the dashboard shows."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.api.conftest import Writers
from tests.api.helpers import api_get, assert_problem
from tests.api.writing import complete, own_update, send, update_url
from tests.conftest import clear_cache
from tests.factories.api import SLUG
from tracker.api import serialize
from tracker.extensions import db
from tracker.models import AuditEvent, ProgressUpdate
from tracker.services.calendar import clock
from tracker.services.plans import reads


def test_draft_conflict_submit_return_accept_then_the_dashboard_figures(
    app: Flask, client: FlaskClient, writers: Writers
) -> None:
    bcd, planner = writers.tokens["bcd"], writers.tokens["planner"]
    code = writers.world.codes[0]
    api_get(client, f"/api/v1/plans/{SLUG}", planner)  # the figures are cached before the writes
    current = own_update(client, bcd, code)
    assert current["state"] == "draft"
    url = update_url(code)

    body = complete(client, bcd, code, percent=60)
    saved = send(client, "PUT", url, bcd, {**body, "version": current["version"]})
    assert saved.status_code == 200, saved.get_data(as_text=True)
    draft = saved.get_json()
    assert (draft["state"], draft["percent_complete"]) == ("draft", 60)
    assert draft["version"] == current["version"] + 1

    stale = send(client, "PUT", url, bcd, {**body, "percent_complete": 70, "version": 1})
    problem = assert_problem(stale, 409)
    assert problem["current_version"] == draft["version"]

    submitted = send(client, "POST", f"{url}/submit", bcd, {"version": draft["version"]})
    assert submitted.status_code == 200, submitted.get_data(as_text=True)
    assert submitted.get_json()["state"] == "submitted"

    review_url = f"/api/v1/updates/{draft['id']}/review"
    version = submitted.get_json()["version"]
    unexplained = send(
        client, "POST", review_url, planner, {"decision": "return", "version": version}
    )
    assert [e["field"] for e in assert_problem(unexplained, 422)["errors"]] == ["comment"]
    returned = send(
        client,
        "POST",
        review_url,
        planner,
        {"decision": "return", "version": version, "comment": "Say what slipped."},
    )
    assert returned.status_code == 200, returned.get_data(as_text=True)
    assert (returned.get_json()["state"], returned.get_json()["review_comment"]) == (
        "returned",
        "Say what slipped.",
    )

    again = {**body, "percent_complete": 75, "accomplishments": "Phase one delivered."}
    fixed = send(client, "PUT", url, bcd, {**again, "version": returned.get_json()["version"]})
    assert fixed.status_code == 200, fixed.get_data(as_text=True)
    resent = send(client, "POST", f"{url}/submit", bcd, {"version": fixed.get_json()["version"]})
    assert resent.get_json()["state"] == "submitted"
    accepted = send(
        client,
        "POST",
        review_url,
        planner,
        {"decision": "accept", "version": resent.get_json()["version"]},
    )
    assert accepted.status_code == 200, accepted.get_data(as_text=True)
    assert accepted.get_json()["state"] == "accepted"

    plan = api_get(client, f"/api/v1/plans/{SLUG}", planner).get_json()
    [row] = [a for area in plan["areas"] for a in area["actions"] if a["code"] == code]
    # The lead department's (ACR) accepted update speaks for the action, not BCD's newer one.
    assert row["current"] == {
        "status": "on_track",
        "percent_complete": 40,
        "period": "2025-Q1",
        "state": "accepted",
        "department": "ACR",
    }
    clear_cache(app)  # the dashboard's service computes afresh
    with app.test_request_context():
        overview = serialize.plan_overview(reads.plan_overview(SLUG, clock.today()))
        dashboard = overview.model_dump(mode="json")
    assert plan == dashboard
    with app.app_context():
        update = db.session.scalar(select(ProgressUpdate).where(ProgressUpdate.id == draft["id"]))
        assert update is not None and update.state == "accepted"
        events = db.session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.object_id == str(draft["id"]), AuditEvent.action.like("update.%"))
            .order_by(AuditEvent.id)
        ).all()
    assert events == [
        "update.saved",
        "update.submitted",
        "update.returned",
        "update.saved",
        "update.submitted",
        "update.accepted",
    ]
