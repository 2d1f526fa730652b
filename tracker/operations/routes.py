"""Admin operations: what the scheduler did (job runs) and the mails it could not send."""

from __future__ import annotations

from flask import render_template

from tracker.access import roles
from tracker.models import Role
from tracker.operations import bp
from tracker.services.operations import job_runs, mail
from tracker.urls import query_page


@bp.route("/jobs")
@roles(Role.ADMIN)
def jobs() -> str:
    """Job runs (when, job, key, outcome, attempts, duration, error) and logged mails."""
    runs, pagination = job_runs.recent_runs(query_page())
    mails = mail.logged_mails(query_page("mail_page"))
    return render_template("operations/jobs.html", runs=runs, pagination=pagination, mails=mails)
