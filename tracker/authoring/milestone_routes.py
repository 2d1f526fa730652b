"""An action's milestones: add, edit, move, re-plan the due date with a reason, retire or
delete. Planners and admins only."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from tracker.access import roles, signed_in_user
from tracker.authoring import bp
from tracker.authoring.action_forms import MilestoneForm, ReplanDueForm
from tracker.authoring.action_routes import _edit_page as action_page
from tracker.authoring.forms import ConfirmForm, ReasonForm
from tracker.authoring.outcome import Conflict, attempt, conflict, flash_outcome
from tracker.authoring.routes import PLANNERS, Page, _step
from tracker.models import Action, Milestone
from tracker.services.errors import NotFound
from tracker.services.plans import milestones, reads, replanning


def _find(slug: str, code: str, milestone_id: int) -> tuple[Action, Milestone]:
    action = reads.get_action(slug, code)
    found = next((m for m in action.milestones if m.id == milestone_id), None)
    if found is None:
        raise NotFound()
    return action, found


@bp.route("/<slug>/actions/<code>/milestones", methods=["POST"])
@roles(*PLANNERS)
def add_milestone(slug: str, code: str) -> Page | Response:
    form = MilestoneForm(prefix="milestone")
    if form.validate() and attempt(
        form, lambda: milestones.add_milestone(slug, code, form.to_fields(), signed_in_user())
    ):
        flash(_("The milestone is added."), "success")
        return redirect(url_for(".edit_action", slug=slug, code=code, _anchor="milestones"))
    return action_page(reads.get_action(slug, code), 400, milestone_form=form)


def _page(
    action: Action,
    milestone: Milestone,
    status: int = 200,
    stale: Conflict | None = None,
    form: MilestoneForm | None = None,
    replan: ReplanDueForm | None = None,
    retire: ReasonForm | None = None,
) -> Page:
    version = {"version": milestone.version}
    page = render_template(
        "authoring/milestone_edit.html",
        plan=action.area.plan,
        action=action,
        milestone=milestone,
        forecasts=milestones.forecast_count(milestone),
        stale=stale,
        form=form or MilestoneForm.of(milestone),
        replan=replan
        or ReplanDueForm(prefix="replan", formdata=None, data={"due": milestone.due_on, **version}),
        retire=retire or ReasonForm(prefix="retire", formdata=None, data=version),
        delete=ConfirmForm(prefix="delete", formdata=None, data=version),
    )
    return page, status


@bp.route("/<slug>/actions/<code>/milestones/<int:milestone_id>/edit", methods=["GET", "POST"])
@roles(*PLANNERS)
def edit_milestone(slug: str, code: str, milestone_id: int) -> Page | Response:
    action, milestone = _find(slug, code, milestone_id)
    if not (form := MilestoneForm()).is_submitted():
        return _page(action, milestone)
    outcome = form.validate() and attempt(
        form,
        lambda: milestones.edit_milestone(
            slug, code, milestone_id, form.to_fields(), form.version_number(), signed_in_user()
        ),
    )
    if outcome is True:
        flash(_("The milestone is saved."), "success")
        return redirect(url_for(".edit_action", slug=slug, code=code, _anchor="milestones"))
    action, milestone = _find(slug, code, milestone_id)
    if outcome:
        stale = conflict(form, MilestoneForm.of(milestone), action.plan_id, code)
        return _page(action, milestone, 409, stale, form=form)
    return _page(action, milestone, 400, form=form)


@bp.route("/<slug>/actions/<code>/milestones/<int:milestone_id>/replan", methods=["POST"])
@roles(*PLANNERS)
def replan_milestone(slug: str, code: str, milestone_id: int) -> Page | Response:
    form = ReplanDueForm(prefix="replan")
    outcome = form.validate() and attempt(
        form,
        lambda: replanning.move_due(
            slug,
            code,
            milestone_id,
            form.due.data,
            form.reason.data or "",
            form.version_number(),
            signed_in_user(),
        ),
    )
    if outcome is True:
        flash(
            _("The due date is moved; the change and its reason are in the change log."), "success"
        )
        return redirect(url_for(".edit_action", slug=slug, code=code, _anchor="milestones"))
    action, milestone = _find(slug, code, milestone_id)
    stale = conflict(form, None, action.plan_id, code) if outcome else None
    if stale:
        form.version.data = str(milestone.version)
    return _page(action, milestone, 409 if stale else 400, stale, replan=form)


@bp.route("/<slug>/actions/<code>/milestones/<int:milestone_id>/move", methods=["POST"])
@roles(*PLANNERS)
def move_milestone(slug: str, code: str, milestone_id: int) -> Response:
    milestones.move_milestone(slug, code, milestone_id, _step(), signed_in_user())
    return redirect(
        url_for(".edit_action", slug=slug, code=code, _anchor=f"milestone-{milestone_id}")
    )


@bp.route("/<slug>/actions/<code>/milestones/<int:milestone_id>/retire", methods=["POST"])
@roles(*PLANNERS)
def retire_milestone(slug: str, code: str, milestone_id: int) -> Page | Response:
    form = ReasonForm(prefix="retire")
    outcome = form.validate() and attempt(
        form,
        lambda: milestones.retire_milestone(
            slug,
            code,
            milestone_id,
            form.reason.data or "",
            form.version_number(),
            signed_in_user(),
        ),
    )
    if outcome is False:
        action, milestone = _find(slug, code, milestone_id)
        return _page(action, milestone, 400, retire=form)
    flash_outcome(form, outcome, _("The milestone is retired. Its history stays readable."))
    return redirect(url_for(".edit_action", slug=slug, code=code, _anchor="milestones"))


@bp.route("/<slug>/actions/<code>/milestones/<int:milestone_id>/delete", methods=["POST"])
@roles(*PLANNERS)
def delete_milestone(slug: str, code: str, milestone_id: int) -> Response:
    form = ConfirmForm(prefix="delete")
    outcome = form.validate() and attempt(
        form,
        lambda: milestones.delete_milestone(
            slug, code, milestone_id, form.version_number(), signed_in_user()
        ),
    )
    flash_outcome(form, outcome, _("The milestone is deleted."))
    return redirect(url_for(".edit_action", slug=slug, code=code, _anchor="milestones"))
