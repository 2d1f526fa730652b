"""The audit trail: newest first, filtered, paginated. There is no route to change an event."""

from __future__ import annotations

from flask import render_template, request

from tracker.access import roles
from tracker.audit import bp
from tracker.audit.forms import AuditFilterForm
from tracker.models import Role
from tracker.services.audit import trail as audit_log
from tracker.urls import query_page


@bp.route("/")
@roles(Role.ADMIN, Role.OVERSIGHT)
def index() -> str | tuple[str, int]:
    form = AuditFilterForm(request.args)
    form.load_choices()
    if not form.validate():
        return render_template("audit/index.html", form=form, events=None), 400
    page = query_page()
    events = audit_log.search_events(form.to_filter(), page)
    return render_template("audit/index.html", form=form, events=events)
