"""Creating a plan and editing it: its fields, lifecycle and areas (actions: action_routes.py).

Every view here is for planners and admins; each validates its form, calls one service and
redirects, or shows the page again with the messages (400) or the stale edit (409).
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from tracker.access import roles, signed_in_user
from tracker.authoring import bp
from tracker.authoring.display import year_label
from tracker.authoring.forms import AreaForm, ConfirmForm, PlanForm
from tracker.authoring.outcome import attempt, conflict, flash_outcome
from tracker.models import Plan, Role
from tracker.services.errors import NotFound
from tracker.services.plans import areas, authoring, baselines, reads, reviews
from tracker.services.plans.readiness import activation_problems, translation_gaps

Page = str | tuple[str, int]
PLANNERS = (Role.PLANNER, Role.ADMIN)


def _step() -> int:
    """-1 (up) or +1 (down) from a move button."""
    return -1 if request.form.get("step") == "-1" else 1


@bp.route("/new", methods=["GET", "POST"])
@roles(*PLANNERS)
def new_plan() -> Page | Response:
    form = PlanForm() if request.method == "POST" else PlanForm.blank()
    form.load_choices(authoring.other_plans(None))
    if form.validate_on_submit():
        slug = form.slug.data or ""
        if attempt(form, lambda: authoring.create_plan(slug, form.to_fields(), signed_in_user())):
            flash(_("The plan is created as a draft. Add its areas and actions."), "success")
            return redirect(url_for(".edit_plan", slug=slug))
    return render_template("authoring/plan_new.html", form=form), 400 if form.errors else 200


def _edit_page(plan: Plan, status: int = 200, **forms: object) -> Page:
    form = forms.pop("form", None) or PlanForm.of(plan)
    assert isinstance(form, PlanForm)
    form.load_choices(authoring.other_plans(plan.slug))
    page = render_template(
        "authoring/plan_edit.html",
        plan=plan,
        form=form,
        area_form=forms.pop("area_form", None) or AreaForm(prefix="area", formdata=None),
        lifecycle=forms.pop("lifecycle", None)
        or ConfirmForm(formdata=None, data={"version": plan.version}),
        problems=activation_problems(plan) if plan.status == "draft" else [],
        gaps=translation_gaps(plan),
        reviews=reviews.plan_reviews(plan.id),
        baseline_versions=baselines.versions(plan.id),
        year_label=year_label,
        **forms,
    )
    return page, status


@bp.route("/<slug>/edit", methods=["GET", "POST"])
@roles(*PLANNERS)
def edit_plan(slug: str) -> Page | Response:
    if request.method == "GET":
        return _edit_page(reads.get_plan(slug))
    form = PlanForm()
    outcome = form.validate() and attempt(
        form,
        lambda: authoring.edit_plan(
            slug, form.to_fields(), form.version_number(), signed_in_user()
        ),
    )
    if outcome is True:
        flash(_("The plan's fields are saved."), "success")
        return redirect(url_for(".edit_plan", slug=slug))
    plan = reads.get_plan(slug)
    if outcome:
        return _edit_page(plan, 409, form=form, stale=conflict(form, PlanForm.of(plan), plan.id))
    return _edit_page(plan, 400, form=form)


@bp.route("/<slug>/<any(activate, archive):change>", methods=["POST"])
@roles(*PLANNERS)
def lifecycle(slug: str, change: str) -> Page | Response:
    form = ConfirmForm()
    service = authoring.activate_plan if change == "activate" else authoring.archive_plan
    outcome = form.validate() and attempt(
        form, lambda: service(slug, form.version_number(), signed_in_user())
    )
    if outcome is True:
        message = _("The plan is active.") if change == "activate" else _("The plan is archived.")
        flash(message, "success")
        return redirect(url_for(".edit_plan", slug=slug))
    plan = reads.get_plan(slug)
    if outcome:
        return _edit_page(plan, 409, lifecycle=form, stale=conflict(form, None, plan.id))
    return _edit_page(plan, 400, lifecycle=form)


@bp.route("/<slug>/areas", methods=["POST"])
@roles(*PLANNERS)
def add_area(slug: str) -> Page | Response:
    form = AreaForm(prefix="area")
    if form.validate() and attempt(
        form, lambda: areas.add_area(slug, form.to_fields(), signed_in_user())
    ):
        flash(_("The area is added."), "success")
        return redirect(url_for(".edit_plan", slug=slug, _anchor="areas"))
    return _edit_page(reads.get_plan(slug), 400, area_form=form)


@bp.route("/<slug>/areas/<int:area_id>/edit", methods=["GET", "POST"])
@roles(*PLANNERS)
def edit_area(slug: str, area_id: int) -> Page | Response:
    plan = reads.get_plan(slug)
    area = next((a for a in plan.areas if a.id == area_id), None)
    if area is None:
        raise NotFound()
    if request.method == "GET":
        return render_template(
            "authoring/area_edit.html", plan=plan, area=area, form=AreaForm.of(area)
        )
    form = AreaForm()
    outcome = form.validate() and attempt(
        form,
        lambda: areas.edit_area(
            slug, area_id, form.to_fields(), form.version_number(), signed_in_user()
        ),
    )
    if outcome is True:
        flash(_("The area is saved."), "success")
        return redirect(url_for(".edit_plan", slug=slug, _anchor="areas"))
    plan = reads.get_plan(slug)
    area = next(a for a in plan.areas if a.id == area_id)
    stale = conflict(form, AreaForm.of(area), plan.id) if outcome else None
    page = render_template("authoring/area_edit.html", plan=plan, area=area, form=form, stale=stale)
    return page, 409 if stale else 400


@bp.route("/<slug>/areas/<int:area_id>/move", methods=["POST"])
@roles(*PLANNERS)
def move_area(slug: str, area_id: int) -> Response:
    areas.move_area(slug, area_id, _step(), signed_in_user())
    return redirect(url_for(".edit_plan", slug=slug, _anchor=f"area-{area_id}"))


@bp.route("/<slug>/areas/<int:area_id>/delete", methods=["POST"])
@roles(*PLANNERS)
def delete_area(slug: str, area_id: int) -> Response:
    form = ConfirmForm()
    outcome = form.validate() and attempt(
        form, lambda: areas.delete_area(slug, area_id, form.version_number(), signed_in_user())
    )
    flash_outcome(form, outcome, _("The area is deleted."))
    return redirect(url_for(".edit_plan", slug=slug, _anchor="areas"))
