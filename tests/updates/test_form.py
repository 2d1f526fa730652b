"""The update form: prefill, draft saving, submitting, read-only states, audit and revisions."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask
from sqlalchemy import select

from tests.factories.updates import (
    DEPT_EMAIL,
    PREVIOUS,
    QUARTER,
    World,
    add_update,
    set_period,
)
from tests.updates.helpers import count, form_data, login, post_update, revisions_of, the_update
from tracker.extensions import db
from tracker.models import AuditEvent, MilestoneForecast, ProgressUpdate, Revision, WorkflowState


def test_new_form_starts_blank(app: Flask, world: World) -> None:
    client = login(app, DEPT_EMAIL)
    page = client.get(world.form_url)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "S1.1" in html
    assert 'name="version" type="hidden" value="0"' in html
    assert 'name="percent_complete" type="number" value=""' in html


def test_form_prefills_from_previous_accepted_update(app: Flask, world: World) -> None:
    add_update(
        app,
        world,
        world.previous_period_id,
        percent=35,
        accomplishments="Old news",
        decrease_reason="an old reason",
    )
    client = login(app, DEPT_EMAIL)
    html = client.get(world.form_url).get_data(as_text=True)
    assert 'value="35"' in html
    assert "Old news" in html
    assert "an old reason" not in html
    assert 'value="2026-02-01"' in html  # the milestone forecast carried over


def test_prefill_prefers_accepted_over_later_unaccepted(app: Flask, world: World) -> None:
    with app.app_context():
        from tracker.fiscal import FiscalQuarter
        from tracker.models import ReportingPeriod

        q4 = db.session.scalar(
            select(ReportingPeriod.id).where(ReportingPeriod.quarter == FiscalQuarter(2024, 4))
        )
    add_update(app, world, q4, percent=30)
    add_update(app, world, world.previous_period_id, state=WorkflowState.RETURNED, percent=70)
    html = login(app, DEPT_EMAIL).get(world.form_url).get_data(as_text=True)
    assert 'name="percent_complete" type="number" value="30"' in html


def test_save_draft_creates_update_revision_and_audit(app: Flask, world: World) -> None:
    client = login(app, DEPT_EMAIL)
    response = post_update(client, world.form_url, form_data(world))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(world.form_url)
    update = the_update(app, world)
    assert update is not None
    assert update.state == "draft"
    assert update.percent_complete == 40
    assert update.version == 1
    assert update.submitted_at is None
    revisions = revisions_of(app, update.id)
    assert [(r.number, r.event, r.state) for r in revisions] == [(1, "saved", "draft")]
    snapshot = revisions[0].snapshot
    assert snapshot["percent_complete"] == 40
    assert snapshot["milestones"][0]["forecast_on"] == "2026-03-15"
    with app.app_context():
        assert (
            db.session.scalar(select(AuditEvent.action).where(AuditEvent.action.like("update.%")))
            == "update.saved"
        )
        forecasts = db.session.scalars(select(MilestoneForecast)).all()
        assert {f.forecast_on for f in forecasts} == {date(2026, 3, 15), date(2026, 12, 1)}


def test_draft_keeps_incomplete_input(app: Flask, world: World) -> None:
    client = login(app, DEPT_EMAIL)
    data = form_data(
        world,
        status="off_track",
        percent_complete="",
        forecast_completion="",
        **{"milestones-0-forecast_on": "", "milestones-1-forecast_on": ""},
        accomplishments="Half a thought",
    )
    assert post_update(client, world.form_url, data).status_code == 302
    update = the_update(app, world)
    assert update is not None
    assert (update.status, update.percent_complete, update.forecast_completion) == (
        "off_track",
        None,
        None,
    )
    assert update.accomplishments == "Half a thought"
    html = client.get(world.form_url).get_data(as_text=True)
    assert "Half a thought" in html
    assert 'name="version" type="hidden" value="1"' in html


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("percent_complete", "140", "Enter a whole number from 0 to 100."),
        ("percent_complete", "-1", "Enter a whole number from 0 to 100."),
        ("percent_complete", "abc", "Enter a whole number from 0 to 100."),
        ("percent_complete", "12.5", "Enter a whole number from 0 to 100."),
        (
            "milestones-0-forecast_on",
            "31/03/2026",
            "Enter a date as YYYY-MM-DD, for example 2026-03-31.",
        ),
        (
            "milestones-1-completed_on",
            "2026-02-30",
            "Enter a date as YYYY-MM-DD, for example 2026-03-31.",
        ),
        ("forecast_completion", "next year", "Choose a quarter from the list."),
        (
            "milestones-0-milestone_id",
            "x",
            "The milestones changed. Reload the page and try again.",
        ),
    ],
)
@pytest.mark.parametrize("intent", ["save", "send"])
def test_format_errors_block_even_a_draft(
    app: Flask, world: World, field: str, value: str, message: str, intent: str
) -> None:
    client = login(app, DEPT_EMAIL)
    response = post_update(client, world.form_url, form_data(world, intent, **{field: value}))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert count(app, ProgressUpdate) == 0
    assert count(app, Revision) == 0


def test_milestone_of_another_action_is_refused(app: Flask, world: World) -> None:
    with app.app_context():
        from tracker.models import Milestone

        foreign = db.session.scalar(
            select(Milestone.id).where(Milestone.action_id == world.other_action_id)
        )
    client = login(app, DEPT_EMAIL)
    data = form_data(world, **{"milestones-1-milestone_id": str(foreign)})
    response = post_update(client, world.form_url, data)
    assert response.status_code == 400
    assert "The milestones changed. Reload the page and try again." in response.get_data(
        as_text=True
    )
    assert count(app, ProgressUpdate) == 0


def test_zero_percent_is_valid(app: Flask, world: World) -> None:
    client = login(app, DEPT_EMAIL)
    data = form_data(world, "send", status="not_started", percent_complete="0")
    assert post_update(client, world.form_url, data).status_code == 302
    update = the_update(app, world)
    assert update is not None and update.percent_complete == 0 and update.state == "submitted"


def test_submit_records_who_and_when(app: Flask, world: World) -> None:
    client = login(app, DEPT_EMAIL)
    response = post_update(client, world.form_url, form_data(world, "send"))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/updates/?period={QUARTER}")
    update = the_update(app, world)
    assert update is not None
    assert update.state == "submitted"
    assert update.submitted_by_id == world.user_ids[DEPT_EMAIL]
    assert update.submitted_at is not None
    assert [r.event for r in revisions_of(app, update.id)] == ["submitted"]
    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "update.submitted" in actions


def test_submitted_update_is_read_only_to_the_department(app: Flask, world: World) -> None:
    client = login(app, DEPT_EMAIL)
    post_update(client, world.form_url, form_data(world, "send"))
    html = client.get(world.form_url).get_data(as_text=True)
    assert "waiting for review" in html
    assert 'name="percent_complete"' not in html
    data = form_data(world, "save", version="1", next_steps="Typed after submitting")
    response = post_update(client, world.form_url, data)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "waiting for review" in html
    assert "Your changes were not saved" in html and "Typed after submitting" in html
    update = the_update(app, world)
    assert update is not None and update.state == "submitted" and update.version == 1


def test_accepted_update_is_read_only(app: Flask, world: World) -> None:
    update_id = add_update(app, world, world.period_id, state=WorkflowState.ACCEPTED, percent=50)
    client = login(app, DEPT_EMAIL)
    html = client.get(world.form_url).get_data(as_text=True)
    assert "accepted and can no longer be changed" in html
    response = post_update(client, world.form_url, form_data(world, version="1"))
    assert response.status_code == 409
    assert revisions_of(app, update_id) == []


def test_locked_period_is_read_only_and_reopened_period_is_editable(
    app: Flask, world: World
) -> None:
    client = login(app, DEPT_EMAIL)
    url = f"/updates/{PREVIOUS}/actions/{world.action_id}"
    html = client.get(url).get_data(as_text=True)
    assert "This reporting period is locked" in html
    assert 'name="percent_complete"' not in html
    response = post_update(client, url, form_data(world))
    assert response.status_code == 409
    assert count(app, ProgressUpdate) == 0
    set_period(app, world.previous_period_id, reopened_until=date(2025, 10, 31))
    assert post_update(client, url, form_data(world)).status_code == 302
    assert count(app, ProgressUpdate) == 1


def test_upcoming_period_is_not_editable(app: Flask, world: World) -> None:
    client = login(app, DEPT_EMAIL)
    url = f"/updates/2025-Q3/actions/{world.action_id}"
    assert "This reporting period opens on" in client.get(url).get_data(as_text=True)
    assert post_update(client, url, form_data(world)).status_code == 409
    assert count(app, ProgressUpdate) == 0


def test_returned_update_shows_comment_and_goes_back_to_draft(app: Flask, world: World) -> None:
    update_id = add_update(
        app,
        world,
        world.period_id,
        state=WorkflowState.RETURNED,
        percent=50,
        review_comment="Please explain the delay.",
    )
    client = login(app, DEPT_EMAIL)
    html = client.get(world.form_url).get_data(as_text=True)
    assert "Please explain the delay." in html
    assert post_update(client, world.form_url, form_data(world, version="1")).status_code == 302
    update = the_update(app, world)
    assert update is not None and update.state == "draft"
    assert [r.event for r in revisions_of(app, update_id)] == ["saved"]
    assert "Please explain the delay." in client.get(world.form_url).get_data(as_text=True)


def test_unknown_period_or_action_is_404(app: Flask, world: World) -> None:
    client = login(app, DEPT_EMAIL)
    assert client.get(f"/updates/2099-Q1/actions/{world.action_id}").status_code == 404
    assert client.get(f"/updates/not-a-quarter/actions/{world.action_id}").status_code == 404
    assert client.get(f"/updates/{QUARTER}/actions/999999").status_code == 404


def test_participant_department_can_report(app: Flask, world: World) -> None:
    from tests.factories.updates import PARTNER_EMAIL

    client = login(app, PARTNER_EMAIL)
    assert client.get(world.form_url).status_code == 200
    assert post_update(client, world.form_url, form_data(world)).status_code == 302
    with app.app_context():
        departments = db.session.scalars(select(ProgressUpdate.department_id)).all()
    assert world.department_id not in departments and len(departments) == 1
