"""Each submission rule, with the exact message shown beside its field; drafts skip them."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from tests.factories.updates import DEPT_EMAIL, World, add_update
from tests.updates.helpers import count, form_data, login, post_update, the_update
from tracker.models import ProgressUpdate, Revision

M0F, M0C = "milestones-0-forecast_on", "milestones-0-completed_on"
M1F, M1C = "milestones-1-forecast_on", "milestones-1-completed_on"

RULES: list[tuple[str, dict[str, Any], str, str]] = [
    (
        "percent required",
        {"percent_complete": ""},
        "percent_complete",
        "Enter the percent complete, from 0 to 100.",
    ),
    (
        "completed means 100 percent",
        {
            "status": "completed",
            "percent_complete": "90",
            **{M0F: "", M0C: "2025-09-01", M1F: "", M1C: "2025-09-02"},
        },
        "percent_complete",
        "A completed action must be 100% complete.",
    ),
    (
        "completed means every milestone completed",
        {"status": "completed", "percent_complete": "100", M0F: "", M0C: "2025-09-01"},
        "milestones-1-completed_on",
        "Enter the completion date: the action is completed.",
    ),
    (
        "off track needs risks",
        {"status": "off_track", "risks": "   "},
        "risks",
        "Describe the risks and issues: the action is at risk or off track.",
    ),
    (
        "at risk needs risks",
        {"status": "at_risk"},
        "risks",
        "Describe the risks and issues: the action is at risk or off track.",
    ),
    (
        "forecast quarter required",
        {"forecast_completion": ""},
        "forecast_completion",
        "Choose the quarter in which the action will be completed.",
    ),
    (
        "forecast quarter before the plan",
        {"forecast_completion": "2024-Q4"},
        "forecast_completion",
        "Choose a quarter from 2025-26 Q1 to 2028-29 Q4.",
    ),
    (
        "forecast quarter past the grace year",
        {"forecast_completion": "2029-Q1"},
        "forecast_completion",
        "Choose a quarter from 2025-26 Q1 to 2028-29 Q4.",
    ),
    (
        "milestone needs a date",
        {M1F: ""},
        "milestones-1-forecast_on",
        "Enter a forecast date or a completion date.",
    ),
    (
        "milestone forecast before the plan",
        {M0F: "2025-03-31"},
        "milestones-0-forecast_on",
        "Enter a forecast date from April 1, 2025 to March 31, 2029.",
    ),
    (
        "milestone forecast past the grace year",
        {M0F: "2029-04-01"},
        "milestones-0-forecast_on",
        "Enter a forecast date from April 1, 2025 to March 31, 2029.",
    ),
    (
        "completion date in the future",
        {M0F: "", M0C: "2025-10-06"},
        "milestones-0-completed_on",
        "A completion date cannot be in the future.",
    ),
    (
        "completion date before the plan",
        {M0F: "", M0C: "2025-03-31"},
        "milestones-0-completed_on",
        "A completion date cannot be before the plan starts (April 1, 2025).",
    ),
]


def error_near(html: str, field_id: str, message: str) -> bool:
    """True when `message` is the field's own error (tied by aria-describedby)."""
    return f'<p class="field__error" id="{field_id}-error"><span>{message}</span>' in html


@pytest.mark.parametrize(
    ("name", "overrides", "field_id", "message"), RULES, ids=[r[0] for r in RULES]
)
def test_submission_rule(
    app: Flask, world: World, name: str, overrides: dict[str, Any], field_id: str, message: str
) -> None:
    client = login(app, DEPT_EMAIL)
    response = post_update(client, world.form_url, form_data(world, "send", **overrides))
    html = response.get_data(as_text=True)
    assert response.status_code == 400, name
    assert error_near(html, field_id, message), html
    assert count(app, ProgressUpdate) == 0
    assert count(app, Revision) == 0


@pytest.mark.parametrize(
    ("name", "overrides", "field_id", "message"), RULES, ids=[r[0] for r in RULES]
)
def test_draft_ignores_submission_rules(
    app: Flask, world: World, name: str, overrides: dict[str, Any], field_id: str, message: str
) -> None:
    client = login(app, DEPT_EMAIL)
    response = post_update(client, world.form_url, form_data(world, "save", **overrides))
    assert response.status_code == 302, name
    assert count(app, ProgressUpdate) == 1


FORECAST_AFTER_DONE = (
    "The forecast date cannot be after the completion date (2025-09-01). "
    "Correct one of the dates, or clear the forecast."
)


@pytest.mark.parametrize("button", ["send", "save"])
def test_a_milestone_forecast_after_its_completion_is_refused(
    app: Flask, world: World, button: str
) -> None:
    """Issue 13: the dates contradict each other; refused even in a draft, nothing stored."""
    client = login(app, DEPT_EMAIL)
    data = form_data(world, button, **{M0F: "2025-09-30", M0C: "2025-09-01"})
    response = post_update(client, world.form_url, data)
    assert response.status_code == 400
    assert error_near(response.get_data(as_text=True), M0F, FORECAST_AFTER_DONE)
    assert count(app, ProgressUpdate) == 0
    assert count(app, Revision) == 0
    same_day = form_data(world, button, **{M0F: "2025-09-01", M0C: "2025-09-01"})
    assert post_update(client, world.form_url, same_day).status_code == 302


def test_valid_edges_are_accepted(app: Flask, world: World) -> None:
    data = form_data(
        world,
        "send",
        forecast_completion="2028-Q4",
        **{M0F: "2029-03-31", M1F: "", M1C: "2025-10-05"},
    )
    response = post_update(login(app, DEPT_EMAIL), world.form_url, data)
    assert response.status_code == 302
    update = the_update(app, world)
    assert update is not None and update.state == "submitted"


def test_completed_action_with_every_milestone_done(app: Flask, world: World) -> None:
    data = form_data(
        world,
        "send",
        status="completed",
        percent_complete="100",
        **{M0F: "", M0C: "2025-06-01", M1F: "", M1C: "2025-10-01"},
    )
    assert post_update(login(app, DEPT_EMAIL), world.form_url, data).status_code == 302


def test_cancelled_action_needs_no_forecasts(app: Flask, world: World) -> None:
    data = form_data(
        world, "send", status="cancelled", forecast_completion="", **{M0F: "", M1F: ""}
    )
    assert post_update(login(app, DEPT_EMAIL), world.form_url, data).status_code == 302


def test_percent_going_down_needs_a_reason(app: Flask, world: World) -> None:
    add_update(app, world, world.previous_period_id, percent=60)
    client = login(app, DEPT_EMAIL)
    response = post_update(client, world.form_url, form_data(world, "send", percent_complete="50"))
    assert response.status_code == 400
    assert error_near(
        response.get_data(as_text=True),
        "decrease_reason",
        "Explain why the percent complete went down from 60%.",
    )
    assert the_update(app, world) is None
    data = form_data(world, "send", percent_complete="50", decrease_reason="Scope grew.")
    assert post_update(client, world.form_url, data).status_code == 302


def test_percent_equal_to_previous_needs_no_reason(app: Flask, world: World) -> None:
    add_update(app, world, world.previous_period_id, percent=40)
    response = post_update(login(app, DEPT_EMAIL), world.form_url, form_data(world, "send"))
    assert response.status_code == 302


def test_errors_are_listed_in_a_summary_linked_to_fields(app: Flask, world: World) -> None:
    client = login(app, DEPT_EMAIL)
    response = post_update(
        client, world.form_url, form_data(world, "send", status="at_risk", percent_complete="")
    )
    html = response.get_data(as_text=True)
    assert 'class="error-summary"' in html
    assert 'href="#risks"' in html and 'href="#percent_complete"' in html
    assert 'aria-invalid="true"' in html


def test_failed_submit_keeps_what_was_typed(app: Flask, world: World) -> None:
    client = login(app, DEPT_EMAIL)
    data = form_data(world, "send", status="at_risk", accomplishments="Every word counts")
    html = post_update(client, world.form_url, data).get_data(as_text=True)
    assert "Every word counts" in html
