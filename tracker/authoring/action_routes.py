"""An action's pages: add one, edit its fields and departments, move it, re-plan its target
with a reason, retire or delete it. Planners and admins only."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from tracker.access import roles, signed_in_user
from tracker.authoring import bp
from tracker.authoring.action_forms import ActionForm, MilestoneForm, ReplanTargetForm
from tracker.authoring.forms import ConfirmForm, ReasonForm, department_options
from tracker.authoring.outcome import Conflict, attempt, conflict, flash_outcome
from tracker.authoring.routes import PLANNERS, Page, _step
from tracker.models import Action, Plan
from tracker.services.plans import actions, reads, replanning


def _action_form(plan: Plan, form: ActionForm | None = None) -> ActionForm:
    form = form or ActionForm()
    form.load_choices(plan, department_options())
    return form


@bp.route("/<slug>/actions/new", methods=["GET", "POST"])
@roles(*PLANNERS)
def new_action(slug: str) -> Page | Response:
    plan = reads.get_plan(slug)
    area = request.args.get("area", "")
    form = _action_form(
        plan,
        ActionForm()
        if request.method == "POST"
        else ActionForm(formdata=None, data={"area_code": area}),
    )
    if form.validate_on_submit() and attempt(
        form, lambda: actions.add_action(slug, form.to_fields(), signed_in_user())
    ):
        flash(_("The action is added. Add its milestones below."), "success")
        return redirect(url_for(".edit_action", slug=slug, code=form.code.data))
    page = render_template("authoring/action_new.html", plan=plan, form=form)
    return page, 400 if form.errors else 200


def _edit_page(
    action: Action, status: int = 200, stale: Conflict | None = None, **forms: Any
) -> Page:
    plan = action.area.plan
    defaults: dict[str, Any] = {
        "form": lambda: _action_form(plan, ActionForm.of(action)),
        "replan": lambda: ReplanTargetForm(
            prefix="replan",
            formdata=None,
            data={"target": str(action.current_target), "version": action.version},
        ),
        "milestone_form": lambda: MilestoneForm(prefix="milestone", formdata=None),
        "retire": lambda: ReasonForm(
            prefix="retire", formdata=None, data={"version": action.version}
        ),
        "delete": lambda: ConfirmForm(
            prefix="delete", formdata=None, data={"version": action.version}
        ),
    }
    shown = {name: forms.get(name) or make() for name, make in defaults.items()}
    shown["replan"].target.choices = shown["form"].baseline_target.choices[1:]
    page = render_template(
        "authoring/action_edit.html",
        plan=plan,
        action=action,
        updates=actions.update_count(action),
        stale=stale,
        **shown,
    )
    return page, status


@bp.route("/<slug>/actions/<code>/edit", methods=["GET", "POST"])
@roles(*PLANNERS)
def edit_action(slug: str, code: str) -> Page | Response:
    action = reads.get_action(slug, code)
    if request.method == "GET":
        return _edit_page(action)
    form = _action_form(action.area.plan)
    outcome = form.validate() and attempt(
        form,
        lambda: actions.edit_action(
            slug, code, form.to_fields(), form.version_number(), signed_in_user()
        ),
    )
    if outcome is True:
        flash(_("The action is saved."), "success")
        return redirect(url_for(".edit_action", slug=slug, code=form.code.data))
    action = reads.get_action(slug, code)
    if outcome:
        saved = _action_form(action.area.plan, ActionForm.of(action))
        return _edit_page(action, 409, conflict(form, saved, action.plan_id, code), form=form)
    return _edit_page(action, 400, form=form)


@bp.route("/<slug>/actions/<code>/replan", methods=["POST"])
@roles(*PLANNERS)
def replan_action(slug: str, code: str) -> Page | Response:
    form = ReplanTargetForm(prefix="replan")
    outcome = form.validate() and attempt(
        form,
        lambda: replanning.move_target(
            slug,
            code,
            form.quarter(),
            form.reason.data or "",
            form.version_number(),
            signed_in_user(),
        ),
    )
    if outcome is True:
        flash(_("The target is moved; the change and its reason are in the change log."), "success")
        return redirect(url_for(".edit_action", slug=slug, code=code))
    action = reads.get_action(slug, code)
    stale = conflict(form, None, action.plan_id, code) if outcome else None
    if stale:
        form.version.data = str(action.version)
    return _edit_page(action, 409 if stale else 400, stale, replan=form)


@bp.route("/<slug>/actions/<code>/move", methods=["POST"])
@roles(*PLANNERS)
def move_action(slug: str, code: str) -> Response:
    actions.move_action(slug, code, _step(), signed_in_user())
    return redirect(url_for(".edit_plan", slug=slug, _anchor=f"action-{code}"))


@bp.route("/<slug>/actions/<code>/retire", methods=["POST"])
@roles(*PLANNERS)
def retire_action(slug: str, code: str) -> Page | Response:
    form = ReasonForm(prefix="retire")
    outcome = form.validate() and attempt(
        form,
        lambda: actions.retire_action(
            slug, code, form.reason.data or "", form.version_number(), signed_in_user()
        ),
    )
    if outcome is False:
        return _edit_page(reads.get_action(slug, code), 400, retire=form)
    flash_outcome(form, outcome, _("The action is retired. Its history stays readable."))
    return redirect(url_for(".edit_action", slug=slug, code=code))


@bp.route("/<slug>/actions/<code>/delete", methods=["POST"])
@roles(*PLANNERS)
def delete_action(slug: str, code: str) -> Response:
    form = ConfirmForm(prefix="delete")
    outcome = form.validate() and attempt(
        form, lambda: actions.delete_action(slug, code, form.version_number(), signed_in_user())
    )
    flash_outcome(form, outcome, _("The action is deleted."))
    if outcome is True:
        return redirect(url_for(".edit_plan", slug=slug, _anchor="actions"))
    return redirect(url_for(".edit_action", slug=slug, code=code))
