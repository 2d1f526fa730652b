"""The audit trail: newest first, described in words, filtered, in pages of 50, and as CSV.
There is no route to change an event."""

from __future__ import annotations

from collections.abc import Iterator

from flask import Response, render_template, request, stream_with_context
from flask_babel import format_number

from tracker.access import roles, signed_in_user
from tracker.audit import bp
from tracker.audit.forms import AuditFilterForm
from tracker.audit.presenters import csv_rows, describe_events
from tracker.models import AuditEvent, Role
from tracker.services.audit import trail as audit_log
from tracker.services.audit.subjects import Subjects, load_subjects
from tracker.services.spreadsheets.csv_safety import csv_lines
from tracker.urls import query_page

READERS = (Role.ADMIN, Role.OVERSIGHT)


def _form() -> AuditFilterForm:
    form = AuditFilterForm(request.args)
    form.load_choices()
    return form


@bp.route("/")
@roles(*READERS)
def index() -> str | tuple[str, int]:
    form = _form()
    if not form.validate():
        return render_template("audit/index.html", form=form, events=None, rows=[]), 400
    events = audit_log.search_events(form.to_filter(), query_page())
    rows = describe_events(events.items, load_subjects(events.items), signed_in_user().role)
    total = format_number(events.total or 0)
    return render_template("audit/index.html", form=form, events=events, rows=rows, total=total)


@bp.route("/events.csv")
@roles(*READERS)
def export() -> Response | tuple[str, int]:
    form = _form()
    if not form.validate():
        return render_template("audit/index.html", form=form, events=None, rows=[]), 400
    chosen = form.to_filter()

    def batches() -> Iterator[tuple[list[AuditEvent], Subjects]]:
        for batch in audit_log.event_batches(chosen):
            yield batch, load_subjects(batch)

    lines = csv_lines(csv_rows(batches()))
    response = Response(stream_with_context(lines), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="audit-trail.csv"'
    return response
