"""Home pages that say what to do next, per role (issue 13), and My quarter's returned updates.

The world (tests/factories/updates.py): today 2025-10-05, 2025-Q2 open and due 2025-10-15,
2025-Q1 locked and past due; ACR leads S1.1 (PAR takes part), OTH leads S1.2; the plan covers
fiscal years 2025 to 2027 while periods exist from 2024.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask

from tests.factories.updates import (
    ADMIN_EMAIL,
    DEPT_EMAIL,
    OVERSIGHT_EMAIL,
    PLANNER_EMAIL,
    World,
    add_update,
)
from tests.updates.helpers import login
from tracker.extensions import db
from tracker.models import JobOutcome, JobRun, WorkflowState


def test_department_home_names_the_quarter_its_due_date_and_counts(
    app: Flask, world: World
) -> None:
    add_update(
        app,
        world,
        world.period_id,
        state=WorkflowState.RETURNED,
        review_comment="Give the milestone dates.",
    )
    html = login(app, DEPT_EMAIL).get("/").get_data(as_text=True)
    assert "Reporting period 2025-26 Q2" in html
    assert "Due October 15, 2025" in html and "10 days left" in html
    mine = 'href="/updates/?period=2025-Q2'
    assert f'{mine}#returned-heading">1 update returned to fix</a>' in html
    assert f'{mine}">0 updates to start</a>' in html  # S1.1 is its only action: returned
    assert f'{mine}">0 updates in draft</a>' in html
    assert f'href="{world.form_url}">Fix S1.1' in html
    assert "Planner's note: Give the milestone dates." in html


def test_my_quarter_lists_returned_updates_first_and_highlights_them(
    app: Flask, world: World
) -> None:
    add_update(app, world, world.period_id, state=WorkflowState.RETURNED, review_comment="Why?")
    html = login(app, DEPT_EMAIL).get("/updates/").get_data(as_text=True)
    assert "1 update returned to you" in html
    assert html.index("returned-heading") < html.index('<table class="table')
    assert 'class="row--returned"' in html
    assert f'href="{world.form_url}">Fix S1.1' in html


def test_my_quarter_offers_only_the_plans_years(app: Flask, world: World) -> None:
    """Periods of 2024 exist (another plan's years) but this department's plan starts in 2025."""
    client = login(app, DEPT_EMAIL)
    html = client.get("/updates/").get_data(as_text=True)
    options = [part.split('"', 1)[0] for part in html.split('<option value="')[1:]]
    assert options == ["2025-Q2", "2025-Q1"]
    assert client.get("/updates/?period=2024-Q4").status_code == 404


def test_planner_home_shows_the_queue_and_the_late_departments(app: Flask, world: World) -> None:
    add_update(app, world, world.period_id, state=WorkflowState.SUBMITTED)
    add_update(app, world, world.previous_period_id, state=WorkflowState.ACCEPTED)
    html = login(app, PLANNER_EMAIL).get("/").get_data(as_text=True)
    assert "1 update waits for review." in html
    assert 'href="/review/">Open the review queue (oldest first)</a>' in html
    # 2025-Q1 is the latest period past due: ACR reported, OTH (lead) and PAR did not.
    late = html.split('aria-label="Late departments"', 1)[1].split("</table>", 1)[0]
    assert ">OTH</abbr>" in late and ">PAR</abbr>" in late and ">ACR</abbr>" not in late
    assert late.count('name="department"') == 2 and "2025-26 Q1" in late


def test_oversight_home_without_reports_says_who_can_issue_one(app: Flask, world: World) -> None:
    html = login(app, OVERSIGHT_EMAIL).get("/").get_data(as_text=True)
    assert "No yearly report has been issued yet." in html
    assert "after the end of each fiscal year" in html
    assert "Planner User" in html and "mailto:planner@example.gc.ca" in html
    assert 'name="department"' not in html  # nothing to remind from here


def test_admin_home_links_and_recent_failures(app: Flask, world: World) -> None:
    with app.app_context():
        db.session.add(
            JobRun(
                job="reminders",
                key="reminder:2025-Q2:-3:7",
                outcome=JobOutcome.FAILED.value,
                started_at=datetime(2025, 10, 4, 10, 0, tzinfo=UTC),
                error="MailError: SMTP delivery failed\n\ntraceback",
            )
        )
        db.session.commit()
    client = login(app, ADMIN_EMAIL)
    html = client.get("/").get_data(as_text=True)
    for link in ('href="/admin/users"', 'href="/admin/periods"', 'href="/admin/jobs"'):
        assert link in html
    assert "reminder:2025-Q2:-3:7" in html and "MailError: SMTP delivery failed" in html
    jobs = client.get("/admin/jobs").get_data(as_text=True)
    assert "flask --app" not in jobs and "There is nothing to run by hand here" in jobs


def test_home_pages_in_french(app: Flask, world: World) -> None:
    add_update(app, world, world.period_id, state=WorkflowState.RETURNED, review_comment="Non.")
    for email, expected in (
        (DEPT_EMAIL, ("Période de rapport T2 2025-2026", "1 mise à jour renvoyée à corriger")),
        (PLANNER_EMAIL, ("Ministères en retard", "Rappeler")),
        (OVERSIGHT_EMAIL, ("Aucun rapport annuel n'a encore été publié.",)),
    ):
        client = login(app, email)
        with client.session_transaction() as session:
            session["lang"] = "fr"
        html = client.get("/").get_data(as_text=True)
        assert all(text in html for text in expected), email
