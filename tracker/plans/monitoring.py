"""A plan's monitoring pages: what needs attention, and department compliance with its CSV.

The views hang on the plans blueprint (`tracker.plans.routes` imports this module at its end).
Planners, admins and oversight staff may see them; department users may not. Planners and admins
may remind a late department (`remind`).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Response, flash, redirect, render_template, request, stream_with_context, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from werkzeug.utils import secure_filename
from werkzeug.wrappers import Response as WerkzeugResponse

from tracker.access import roles, signed_in_user
from tracker.cache import rendered
from tracker.models import Plan, Role
from tracker.pages import Content, cached_page, choices_of
from tracker.plans import bp
from tracker.plans.compliance_cells import cell_html
from tracker.plans.compliance_chart import compliance_chart
from tracker.plans.monitoring_forms import ComplianceFilterForm, RemindForm
from tracker.services.calendar import clock
from tracker.services.figures.attention import needs_attention
from tracker.services.figures.compliance import CELL_LABELS, compliance_matrix, csv_rows
from tracker.services.figures.obligations import plan_row
from tracker.services.operations.mail import MailError
from tracker.services.operations.nudges import (
    ReminderRefused,
    last_reminder_id,
    late_departments,
    send_reminder,
)
from tracker.services.spreadsheets.csv_safety import csv_lines
from tracker.urls import safe_next

MONITORS = (Role.PLANNER, Role.ADMIN, Role.OVERSIGHT)


@bp.route("/<slug>/attention")
@roles(*MONITORS)
def attention(slug: str) -> tuple[str, int]:
    plan = plan_row(slug)
    today = clock.today()

    def build() -> Content:
        return Content({"attention": needs_attention(plan.id, today)})

    late = _late_section(plan, today, url_for(".attention", slug=slug))
    return cached_page(
        "plans/attention", (slug, today), build, shows_drafts=True, plan=plan, late=late
    )


# Stands for the request's CSRF token in the kept HTML of the late departments' forms.
_TOKEN = "\x00csrf-token\x00"


def _late_section(plan: Plan, today: date, back: str) -> Markup:
    """The late departments with their "Remind" forms. Rendered once per version of the plan's
    data, reminder sent, hour (a reminder can be sent again a day later) and role (only
    planners and admins get the forms), not on every request: the compliance figures behind
    it are large to read back from the cache. Each request puts its own CSRF token in."""
    role = signed_in_user().role
    key = (plan.id, today, back, last_reminder_id(plan.id), clock.now().hour, role)

    def render() -> str:
        late = late_departments(plan.id, today)
        return render_template("plans/_late.html", late=late, back=back, token=_TOKEN)

    html = rendered("plans/late", key, render, plan=plan.id)
    return Markup(str(html).replace(_TOKEN, generate_csrf()))


def _filters(plan: Plan) -> tuple[ComplianceFilterForm, dict[str, Any] | None]:
    """The filter form from the query string, and its filters when it is valid."""
    form = ComplianceFilterForm(request.args)
    form.load_choices(plan)
    return form, form.filters() if form.validate() else None


@bp.route("/<slug>/compliance")
@roles(*MONITORS)
def compliance(slug: str) -> tuple[str, int]:
    plan = plan_row(slug)
    today = clock.today()

    def build() -> Content:
        form, filters = _filters(plan)
        data = compliance_matrix(plan.id, today, **filters) if filters is not None else None
        chart = compliance_chart(data) if data else None
        cells = cell_html(data) if data else {}
        context = {
            "form": form,
            "compliance": data,
            "labels": CELL_LABELS,
            "cells": cells,
            "chart": chart,
        }
        return Content(context, filters is not None)

    choices = choices_of(ComplianceFilterForm)
    back = url_for(".compliance", slug=slug)
    late = _late_section(plan, today, back) if _filters(plan)[1] is not None else None
    return cached_page("plans/compliance", (slug, today), build, choices, plan=plan, late=late)


@bp.route("/<slug>/compliance.csv")
@roles(*MONITORS)
def export_compliance(slug: str) -> Response | tuple[str, int]:
    plan = plan_row(slug)
    _form, filters = _filters(plan)
    if filters is None:
        return compliance(slug)
    data = compliance_matrix(plan.id, clock.today(), **filters)
    name = secure_filename(f"{plan.slug}-compliance-{data.first_year}-{data.last_year}.csv")
    return Response(
        stream_with_context(csv_lines(csv_rows(data))),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.route("/<slug>/remind", methods=["POST"])
@roles(Role.PLANNER, Role.ADMIN)
def remind(slug: str) -> WerkzeugResponse | tuple[str, int]:
    """E-mail a late department's users what they owe (once a day at most), then go back."""
    form = RemindForm()
    if not form.validate():
        message = _("Choose a late department and its period from the page.")
        return render_template("errors/error.html", code=400, message=message), 400
    acronym = form.department.data or ""
    try:
        sent = send_reminder(signed_in_user(), slug, acronym, form.quarter())
    except ReminderRefused as refused:
        return render_template("errors/error.html", code=409, message=refused.message), 409
    except MailError:
        message = _("The e-mail could not be sent. No reminder was recorded; try again later.")
        return render_template("errors/error.html", code=503, message=message), 503
    flash(
        ngettext(
            "Reminder sent to %(num)s person at %(dept)s.",
            "Reminder sent to %(num)s people at %(dept)s.",
            sent,
            dept=acronym,
        ),
        "success",
    )
    return redirect(safe_next(form.next.data, url_for(".compliance", slug=slug)))
