"""A plan's monitoring pages: what needs attention, and department compliance with its CSV.

The views hang on the plans blueprint (`tracker.plans.routes` imports this module at its end).
Planners, admins and oversight staff may see them; department users may not.
"""

from __future__ import annotations

from typing import Any

from flask import Response, request, stream_with_context
from werkzeug.utils import secure_filename

from tracker.access import roles
from tracker.models import Plan, Role
from tracker.pages import Content, cached_page, choices_of
from tracker.plans import bp
from tracker.plans.compliance_chart import compliance_chart
from tracker.plans.monitoring_forms import ComplianceFilterForm
from tracker.services.calendar import clock
from tracker.services.figures.attention import needs_attention
from tracker.services.figures.compliance import CELL_LABELS, compliance_matrix, csv_rows
from tracker.services.figures.obligations import plan_row
from tracker.services.spreadsheets.csv_safety import csv_lines

MONITORS = (Role.PLANNER, Role.ADMIN, Role.OVERSIGHT)


@bp.route("/<slug>/attention")
@roles(*MONITORS)
def attention(slug: str) -> tuple[str, int]:
    plan = plan_row(slug)
    today = clock.today()

    def build() -> Content:
        return Content({"attention": needs_attention(plan.id, today)})

    return cached_page("plans/attention", (slug, today), build, shows_drafts=True, plan=plan)


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
        context = {"form": form, "compliance": data, "labels": CELL_LABELS, "chart": chart}
        return Content(context, filters is not None)

    choices = choices_of(ComplianceFilterForm)
    return cached_page("plans/compliance", (slug, today), build, choices, plan=plan)


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
