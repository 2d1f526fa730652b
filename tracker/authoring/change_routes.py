"""A plan's change log: who changed what, from what to what, when and why; filtered by action
and fiscal year, in pages, and as CSV. Planners and admins, and oversight staff (read only:
the log is part of the plan's record that oversight verifies)."""

from __future__ import annotations

from flask import Response, render_template, request, stream_with_context
from wtforms.fields.choices import SelectChoice

from tracker.access import roles
from tracker.authoring import bp
from tracker.authoring.action_forms import ChangeFilterForm
from tracker.authoring.display import csv_rows, field_label, shown_value, year_label
from tracker.authoring.routes import Page
from tracker.models import Plan, Role
from tracker.services.figures.obligations import plan_row
from tracker.services.plans import changes
from tracker.services.spreadsheets.csv_safety import csv_lines

READERS = (Role.PLANNER, Role.ADMIN, Role.OVERSIGHT)


def _filter(plan: Plan) -> tuple[ChangeFilterForm, changes.ChangeFilter | None]:
    form = ChangeFilterForm(request.args)
    years = [SelectChoice(str(y), year_label(y)) for y in changes.change_years(plan.id)]
    form.load_choices(changes.changed_codes(plan.id), years)
    if not form.validate():
        return form, None
    return form, changes.ChangeFilter(form.action.data or "", form.fiscal_year())


@bp.route("/<slug>/changes")
@roles(*READERS)
def changes_log(slug: str) -> Page:
    plan = plan_row(slug)
    form, chosen = _filter(plan)
    page = None
    if chosen is not None:
        page = changes.list_changes(plan.id, chosen, request.args.get("page", 1, type=int))
    html = render_template(
        "authoring/changes.html",
        plan=plan,
        form=form,
        changes=page,
        field_label=field_label,
        shown_value=shown_value,
        year_label=year_label,
    )
    return html, 200 if page is not None else 400


@bp.route("/<slug>/changes.csv")
@roles(*READERS)
def changes_csv(slug: str) -> Response | Page:
    plan = plan_row(slug)
    form, chosen = _filter(plan)
    if chosen is None:
        return changes_log(slug)
    rows = csv_lines(csv_rows(changes.all_changes(plan.id, chosen)))
    response = Response(stream_with_context(rows), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{plan.slug}-changes.csv"'
    return response
