"""Re-planning: a target or a due date moves only with a reason, recorded with who and when."""

from __future__ import annotations

import re
from datetime import date

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.authoring.conftest import ACTION, action_version, activate, build_plan, plan_changes
from tests.conftest import post_form
from tracker.extensions import db
from tracker.fiscal import FiscalQuarter
from tracker.models import Action, AuditEvent, Milestone

EDIT = "/plans/it-plan/actions/S1.1/edit"


def saved_action(app: Flask) -> tuple[FiscalQuarter, FiscalQuarter]:
    with app.app_context():
        action = db.session.scalar(select(Action).where(Action.code == "S1.1"))
        assert action is not None
        return action.baseline_target, action.current_target


def milestone(app: Flask) -> tuple[int, int, date, date | None]:
    with app.app_context():
        found = db.session.scalar(select(Milestone).where(Milestone.code == "M1"))
        assert found is not None
        return found.id, found.version, found.baseline_due, found.current_due


def active_plan(app: Flask, planner: FlaskClient) -> None:
    build_plan(planner)
    assert activate(app, planner).status_code == 302


def test_moving_the_target_without_a_reason_is_refused_and_nothing_is_stored(
    app: Flask, planner: FlaskClient
) -> None:
    active_plan(app, planner)
    before = len(plan_changes(app))
    data = {
        "replan-target": "2027-Q2",
        "replan-reason": "  ",
        "replan-version": action_version(app),
    }
    response = post_form(planner, "/plans/it-plan/actions/S1.1/replan", data, page=EDIT)
    assert response.status_code == 400
    assert "Give the reason for this change" in response.get_data(as_text=True)
    assert saved_action(app) == (FiscalQuarter(2026, 4), FiscalQuarter(2026, 4))
    assert len(plan_changes(app)) == before


def test_moving_the_target_with_a_reason_keeps_the_baseline_and_logs_it(
    app: Flask, planner: FlaskClient
) -> None:
    active_plan(app, planner)
    reason = "Procurement took two more quarters."
    data = {
        "replan-target": "2027-Q2",
        "replan-reason": reason,
        "replan-version": action_version(app),
    }
    response = post_form(planner, "/plans/it-plan/actions/S1.1/replan", data, page=EDIT)
    assert response.status_code == 302
    assert saved_action(app) == (FiscalQuarter(2026, 4), FiscalQuarter(2027, 2))
    [moved] = plan_changes(app, "target_moved")
    assert (moved.old_value, moved.new_value, moved.reason) == ("2026-Q4", "2027-Q2", reason)
    assert moved.user_label == "planner@example.gc.ca"
    assert moved.action_code == "S1.1"
    assert moved.at is not None and moved.fiscal_year >= 2025
    with app.app_context():
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "action.target_moved")
        )
        assert event is not None
        assert event.actor_label == "planner@example.gc.ca"
        assert event.detail == {"from": "2026-Q4", "to": "2027-Q2", "reason": reason}


def test_the_baseline_of_an_active_plan_does_not_change_in_the_action_form(
    app: Flask, planner: FlaskClient
) -> None:
    active_plan(app, planner)
    data = {**ACTION, "baseline_target": "2027-Q4", "version": action_version(app)}
    response = post_form(planner, EDIT, data)
    assert response.status_code == 400
    assert "only in a yearly review" in response.get_data(as_text=True)
    assert saved_action(app) == (FiscalQuarter(2026, 4), FiscalQuarter(2026, 4))


def test_moving_a_due_date_needs_a_reason(app: Flask, planner: FlaskClient) -> None:
    active_plan(app, planner)
    milestone_id, version, baseline, _ = milestone(app)
    url = f"/plans/it-plan/actions/S1.1/milestones/{milestone_id}/replan"
    page = f"/plans/it-plan/actions/S1.1/milestones/{milestone_id}/edit"
    data = {"replan-due": "2026-03-31", "replan-reason": "", "replan-version": version}
    refused = post_form(planner, url, data, page=page)
    assert refused.status_code == 400
    assert milestone(app)[3] is None
    assert plan_changes(app, "due_moved") == []

    data["replan-reason"] = "The vendor delivered late."
    assert post_form(planner, url, data, page=page).status_code == 302
    _, _, still, current = milestone(app)
    assert (still, current) == (baseline, date(2026, 3, 31))
    [moved] = plan_changes(app, "due_moved")
    assert (moved.old_value, moved.new_value) == ("2025-12-31", "2026-03-31")
    assert moved.reason == "The vendor delivered late."
    assert moved.milestone_code == "M1"
    shown = planner.get(EDIT).get_data(as_text=True)
    assert re.search(r"Due\s+Mar 31, 2026", shown)
