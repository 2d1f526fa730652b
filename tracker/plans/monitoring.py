"""A plan's monitoring pages: what needs attention, and department compliance with its CSV.

The views hang on the plans blueprint (`tracker.plans.routes` imports this module at its end).
Planners, admins and oversight staff may see them; department users may not.
"""

from __future__ import annotations

from flask import Response, render_template, request, stream_with_context
from werkzeug.utils import secure_filename

from tracker.access import roles
from tracker.models import Plan, Role
from tracker.plans.compliance_chart import compliance_chart
from tracker.plans.monitoring_forms import ComplianceFilterForm
from tracker.plans.routes import bp
from tracker.services import clock
from tracker.services.attention import needs_attention
from tracker.services.compliance import CELL_LABELS, Compliance, compliance_matrix, csv_rows
from tracker.services.csv_safety import csv_lines
from tracker.services.obligations import plan_or_404

MONITORS = (Role.PLANNER, Role.ADMIN, Role.OVERSIGHT)


@bp.route("/<slug>/attention")
@roles(*MONITORS)
def attention(slug: str) -> str:
    plan = plan_or_404(slug)
    found = needs_attention(plan.id, clock.today())
    return render_template("plans/attention.html", attention=found)


def _compliance(slug: str) -> tuple[Plan, ComplianceFilterForm, Compliance | None]:
    """The plan, its filter form from the query string, and the matrix when the form is valid."""
    plan = plan_or_404(slug)
    form = ComplianceFilterForm(request.args)
    form.load_choices(plan)
    if not form.validate():
        return plan, form, None
    return plan, form, compliance_matrix(plan.id, clock.today(), **form.filters())


def _page(plan: Plan, form: ComplianceFilterForm, data: Compliance | None) -> tuple[str, int]:
    html = render_template(
        "plans/compliance.html",
        plan=plan,
        form=form,
        compliance=data,
        labels=CELL_LABELS,
        chart=compliance_chart(data) if data else None,
    )
    return html, 200 if data is not None else 400


@bp.route("/<slug>/compliance")
@roles(*MONITORS)
def compliance(slug: str) -> tuple[str, int]:
    return _page(*_compliance(slug))


@bp.route("/<slug>/compliance.csv")
@roles(*MONITORS)
def export_compliance(slug: str) -> Response | tuple[str, int]:
    plan, form, data = _compliance(slug)
    if data is None:
        return _page(plan, form, data)
    name = secure_filename(f"{plan.slug}-compliance-{data.first_year}-{data.last_year}.csv")
    return Response(
        stream_with_context(csv_lines(csv_rows(data))),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
