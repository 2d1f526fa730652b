"""The yearly review's pages: open a review, re-baseline actions and milestones with a reason,
close it with an approval note; once closed, a read-only summary. Planners and admins only
(oversight reads the outcome in the change log and the baseline versions on the roadmap)."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from tracker.access import roles, signed_in_user
from tracker.authoring import bp
from tracker.authoring.action_forms import quarter_choices
from tracker.authoring.display import shown_value, year_label
from tracker.authoring.forms import year_choices
from tracker.authoring.outcome import attempt, flash_outcome
from tracker.authoring.review_forms import (
    CloseReviewForm,
    OpenReviewForm,
    RebaselineDueForm,
    RebaselineTargetForm,
)
from tracker.authoring.routes import PLANNERS, Page
from tracker.models import Plan, PlanReview
from tracker.services.plans import reads, reviews


def target_form(plan: Plan, action: Any, form: RebaselineTargetForm | None = None) -> Any:
    """The re-baseline form of one action (prefixed by its code: many on one page)."""
    data = {"target": str(action.baseline_target), "version": action.version}
    form = form or RebaselineTargetForm(prefix=f"t-{action.code}", formdata=None, data=data)
    form.target.choices = quarter_choices(plan)
    return form


def due_form(milestone: Any, form: RebaselineDueForm | None = None) -> Any:
    """The re-baseline form of one milestone."""
    data = {"due": milestone.baseline_due, "version": milestone.version}
    return form or RebaselineDueForm(prefix=f"m-{milestone.id}", formdata=None, data=data)


def _review_page(plan: Plan, review: PlanReview, status: int = 200, **failed: Any) -> Page:
    page = render_template(
        "authoring/review.html",
        plan=plan,
        review=review,
        target_form=lambda action: target_form(plan, action, failed.get(f"t-{action.code}")),
        due_form=lambda m: due_form(m, failed.get(f"m-{m.id}")),
        close_form=failed.get("close") or CloseReviewForm(formdata=None),
        made=reviews.review_changes(plan.id, review),
        note_language=reviews.approval_note_language(plan.id, review),
        shown_value=shown_value,
        year_label=year_label,
    )
    return page, status


@bp.route("/<slug>/reviews/new", methods=["GET", "POST"])
@roles(*PLANNERS)
def new_review(slug: str) -> Page | Response:
    plan = reads.get_plan(slug)
    form = OpenReviewForm()
    form.fiscal_year.choices = year_choices(plan.first_year, plan.last_year)
    if form.validate_on_submit():
        year = form.year()
        if attempt(form, lambda: reviews.open_review(slug, year, signed_in_user())):
            flash(_("The review is open: re-baseline what it changes, then close it."), "success")
            return redirect(url_for(".review", slug=slug, year=year))
    page = render_template("authoring/review_new.html", plan=plan, form=form)
    return page, 400 if form.errors else 200


@bp.route("/<slug>/reviews/<int:year>")
@roles(*PLANNERS)
def review(slug: str, year: int) -> Page:
    plan = reads.get_plan(slug)
    return _review_page(plan, reviews.get_review(plan.id, year))


@bp.route("/<slug>/reviews/<int:year>/actions/<code>", methods=["POST"])
@roles(*PLANNERS)
def rebaseline_action(slug: str, code: str, year: int) -> Page | Response:
    form = RebaselineTargetForm(prefix=f"t-{code}")
    outcome = form.validate() and attempt(
        form,
        lambda: reviews.rebaseline_target(
            slug,
            code,
            form.quarter(),
            form.reason.data or "",
            form.version_number(),
            signed_in_user(),
        ),
    )
    if outcome is False:
        plan = reads.get_plan(slug)
        return _review_page(plan, reviews.get_review(plan.id, year), 400, **{f"t-{code}": form})
    flash_outcome(
        form, outcome, _("The baseline target is changed; the reason is in the change log.")
    )
    return redirect(url_for(".review", slug=slug, year=year, _anchor=f"action-{code}"))


@bp.route(
    "/<slug>/reviews/<int:year>/actions/<code>/milestones/<int:milestone_id>", methods=["POST"]
)
@roles(*PLANNERS)
def rebaseline_milestone(slug: str, code: str, year: int, milestone_id: int) -> Page | Response:
    form = RebaselineDueForm(prefix=f"m-{milestone_id}")
    outcome = form.validate() and attempt(
        form,
        lambda: reviews.rebaseline_due(
            slug,
            code,
            milestone_id,
            form.day(),
            form.reason.data or "",
            form.version_number(),
            signed_in_user(),
        ),
    )
    if outcome is False:
        plan = reads.get_plan(slug)
        failed = {f"m-{milestone_id}": form}
        return _review_page(plan, reviews.get_review(plan.id, year), 400, **failed)
    flash_outcome(
        form, outcome, _("The baseline due date is changed; the reason is in the change log.")
    )
    return redirect(url_for(".review", slug=slug, year=year, _anchor=f"action-{code}"))


@bp.route("/<slug>/reviews/<int:year>/close", methods=["POST"])
@roles(*PLANNERS)
def close_review(slug: str, year: int) -> Page | Response:
    form = CloseReviewForm()
    if form.validate() and attempt(
        form,
        lambda: reviews.close_review(slug, year, form.note.data or "", signed_in_user()),
    ):
        flash(_("The review is closed and approved."), "success")
        return redirect(url_for(".review", slug=slug, year=year))
    plan = reads.get_plan(slug)
    return _review_page(plan, reviews.get_review(plan.id, year), 400, close=form)
