"""Admin operations: what the scheduler did (job runs) and the mails it could not send."""

from __future__ import annotations

from flask import render_template, request

from tracker.access import roles
from tracker.models import Role
from tracker.operations import bp
from tracker.services.operations import job_runs, mail


@bp.route("/jobs")
@roles(Role.ADMIN)
def jobs() -> str:
    """Job runs (when, job, key, outcome, attempts, duration, error) and logged mails."""
    runs, pagination = job_runs.recent_runs(request.args.get("page", 1, type=int))
    mails = mail.logged_mails(request.args.get("mail_page", 1, type=int))
    return render_template("operations/jobs.html", runs=runs, pagination=pagination, mails=mails)
