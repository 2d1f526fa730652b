"""Upload a plan file, preview what it changes, apply it in one transaction; download a plan.

The pages call the same services as `flask --app tracker plan import/export`, so a file the CLI
accepts is accepted here, and refused with the same located problems.
"""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from tracker.access import roles, signed_in_user
from tracker.models import Plan, Role
from tracker.planfiles import Page, bp
from tracker.planfiles.forms import (
    ApplyForm,
    PlanFileForm,
    SealedUpload,
    max_size_label,
    seal,
    unseal,
)
from tracker.services.plans import files as plan_io
from tracker.services.plans import reads

PLANNERS = (Role.PLANNER, Role.ADMIN)


@bp.route("/import", methods=["GET", "POST"])
@roles(*PLANNERS)
def import_new() -> Page:
    """Upload a new plan."""
    return _upload(None)


@bp.route("/<slug>/import", methods=["GET", "POST"])
@roles(*PLANNERS)
def import_update(slug: str) -> Page:
    """Upload a changed version of this plan."""
    return _upload(reads.get_plan(slug))


@bp.route("/import/apply", methods=["POST"])
@roles(*PLANNERS)
def apply_new() -> Page | BaseResponse:
    return _apply(None)


@bp.route("/<slug>/import/apply", methods=["POST"])
@roles(*PLANNERS)
def apply_update(slug: str) -> Page | BaseResponse:
    return _apply(reads.get_plan(slug))


@bp.route("/<slug>/export.yaml")
@roles(Role.PLANNER, Role.ADMIN, Role.OVERSIGHT)
def export(slug: str) -> Response:
    """The plan as a YAML file, exactly as `flask --app tracker plan export` writes it."""
    response = Response(
        plan_io.export_plan_yaml(slug), content_type="application/yaml; charset=utf-8"
    )
    response.headers["Content-Disposition"] = f'attachment; filename="{slug}.yaml"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _upload(plan: Plan | None) -> Page:
    form = PlanFileForm()
    if request.method == "GET":
        return _upload_page(plan, form)
    if not form.validate():
        return _upload_page(plan, form, status=400)
    content = form.content()
    if content is None:
        return _upload_page(plan, form, status=413)
    try:
        preview = plan_io.preview_plan_file(content, plan.slug if plan else None)
    except plan_io.PlanImportError as refused:
        return _upload_page(plan, form, refused.errors, form.filename)
    upload = SealedUpload(preview.text, form.filename, preview.expected)
    return _preview_page(plan, preview, upload)


def _apply(plan: Plan | None) -> Page | BaseResponse:
    form, user = ApplyForm(), signed_in_user()
    upload = unseal(form.upload.data or "", user.id) if form.validate() else None
    if upload is None or upload.expected.slug != (plan.slug if plan else None):
        abort(400)
    try:
        reason = form.reason.data or ""
        result = plan_io.apply_plan_file(upload.content, upload.expected, user, reason)
    except plan_io.PlanChangedError:
        return _changed_since_preview(plan, upload)
    except plan_io.PlanImportError as refused:
        return _upload_page(plan, PlanFileForm(), refused.errors, upload.filename)
    if result.created:
        flash(_("The plan was created from %(file)s.", file=upload.filename), "success")
    else:
        flash(_("The plan was updated from %(file)s.", file=upload.filename), "success")
    return redirect(url_for("plans.overview", slug=result.slug))


def _changed_since_preview(plan: Plan | None, upload: SealedUpload) -> Page:
    """Someone changed the plan after the preview: nothing was written; show a fresh preview."""
    try:
        preview = plan_io.preview_plan_file(upload.content, upload.expected.slug)
    except plan_io.PlanImportError as refused:
        return _upload_page(plan, PlanFileForm(), refused.errors, upload.filename, 409)
    fresh = SealedUpload(upload.content, upload.filename, preview.expected)
    return _preview_page(plan, preview, fresh, changed=True)


def _upload_page(
    plan: Plan | None,
    form: PlanFileForm,
    problems: list[str] | None = None,
    filename: str = "",
    status: int | None = None,
) -> Page:
    page = render_template(
        "planfiles/upload.html",
        plan=plan,
        form=form,
        problems=[_split(problem) for problem in problems or []],
        filename=filename,
        max_size=max_size_label(),
    )
    return page, status or (400 if problems else 200)


def _preview_page(
    plan: Plan | None, preview: plan_io.Preview, upload: SealedUpload, changed: bool = False
) -> Page:
    # formdata=None: after a stale apply the posted token must not win over the fresh one.
    form = ApplyForm(formdata=None, upload=seal(upload, signed_in_user().id))
    page = render_template(
        "planfiles/preview.html",
        plan=plan,
        diff=preview.diff,
        form=form,
        filename=upload.filename,
        changed=changed,
    )
    return page, 409 if changed else 200


def _split(problem: str) -> tuple[str, str]:
    """'areas[0].code: duplicate "X"' as (where, what)."""
    where, _sep, what = problem.partition(": ")
    return (where, what) if what else ("", where)
