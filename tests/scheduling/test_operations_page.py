"""The admins' job runs page at /admin/jobs."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import AuthActions, make_user
from tracker.extensions import db
from tracker.models import JobOutcome, JobRun, Role
from tracker.models.base import utcnow


@pytest.fixture
def admin(app: Flask, auth: AuthActions) -> None:
    make_user(app, Role.ADMIN, "admin@example.gc.ca")
    auth.login("admin@example.gc.ca")


def add_runs(app: Flask, count: int) -> None:
    start = utcnow() - timedelta(days=1)
    with app.app_context():
        for n in range(count):
            db.session.add(
                JobRun(
                    job="reminders",
                    key=f"reminder:2025-Q2:-3:{n}",
                    outcome=JobOutcome.SUCCEEDED.value,
                    started_at=start + timedelta(minutes=n),
                    finished_at=start + timedelta(minutes=n, seconds=2),
                )
            )
        db.session.add(
            JobRun(
                job="yearly_reports",
                key="yearly-report:it:2024",
                outcome=JobOutcome.FAILED.value,
                attempts=3,
                started_at=utcnow(),
                finished_at=utcnow(),
                error="JobError: Report generation is not available\n\nTraceback ...",
            )
        )
        db.session.commit()


def test_admins_see_runs_with_outcome_attempts_duration_and_error(
    app: Flask, client: FlaskClient, admin: None
) -> None:
    add_runs(app, 2)
    response = client.get("/admin/jobs")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "yearly-report:it:2024" in page and "reminder:2025-Q2:-3:1" in page
    assert "Failed" in page and "Succeeded" in page
    assert '<td data-label="Attempts">3</td>' in page
    # On a phone each run reads as a card: every cell names its column (table--stack).
    runs = page.split('id="runs"', 1)[1].split("</table>", 1)[0]
    assert 'class="table table--compact table--stack"' in runs
    cells = re.findall(r"<td([^>]*)>", runs)
    assert len(cells) == 3 * 7 and all("data-label=" in cell for cell in cells)
    assert "2.00 s" in page
    assert "JobError: Report generation is not available" in page
    assert "No e-mail has been kept in the log." in page


def test_runs_are_paginated_newest_first(app: Flask, client: FlaskClient, admin: None) -> None:
    add_runs(app, 60)
    first = client.get("/admin/jobs").get_data(as_text=True)
    assert first.index("yearly-report:it:2024") < first.index("reminder:2025-Q2:-3:59")
    assert "reminder:2025-Q2:-3:0<" not in first
    second = client.get("/admin/jobs?page=2").get_data(as_text=True)
    assert "reminder:2025-Q2:-3:0<" in second
    assert client.get("/admin/jobs?page=9").status_code == 404


def test_only_admins_see_job_runs(app: Flask, client: FlaskClient, auth: AuthActions) -> None:
    assert client.get("/admin/jobs").status_code == 302
    for role in (Role.PLANNER, Role.OVERSIGHT):
        make_user(app, role, f"{role.value}@example.gc.ca")
        auth.login(f"{role.value}@example.gc.ca")
        assert client.get("/admin/jobs").status_code == 403
        auth.logout()
