"""Starting a plan from another: `/plans/<slug>/copy` (planners and admins)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from tracker.access import roles, signed_in_user
from tracker.authoring import bp
from tracker.authoring.forms import CopyForm
from tracker.authoring.outcome import attempt
from tracker.models import Role
from tracker.services.plans import copying, reads

Page = str | tuple[str, int]


@bp.route("/<slug>/copy", methods=["GET", "POST"])
@roles(Role.PLANNER, Role.ADMIN)
def copy_plan(slug: str) -> Page | Response:
    source = reads.get_plan(slug)
    form = CopyForm(data={"first_year": source.last_year + 1, "last_year": source.last_year + 4})
    if form.validate_on_submit():
        new = form.to_copy()
        if attempt(form, lambda: copying.copy_plan(slug, new, signed_in_user())):
            flash(_("The plan is copied into a new draft."), "success")
            return redirect(url_for(".edit_plan", slug=new.slug))
    page = render_template("authoring/plan_copy.html", plan=source, form=form)
    return page, 400 if form.errors or form.form_errors else 200
