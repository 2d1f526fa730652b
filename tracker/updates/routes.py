"""A department's quarter, its update form, and the comparison of two revisions."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from tracker.access import roles, signed_in, signed_in_user
from tracker.models import Action, Role, User
from tracker.pages import Content, cached_page
from tracker.services.calendar import clock
from tracker.services.updates import history, revisions, save
from tracker.services.updates.quarter import department_quarter
from tracker.services.updates.rules import (
    UpdateConflict,
    UpdateInvalid,
    UpdateNotEditable,
)
from tracker.updates import Page, bp, presenters
from tracker.updates.forms import UpdateForm
from tracker.urls import query_int


@bp.app_context_processor
def history_helper() -> dict[str, Any]:
    """`update_history(action)` for the action page's history section."""
    return {"update_history": _history}


def _history(action: Action) -> history.History:
    if not current_user.is_authenticated:
        return history.History([], [], [])
    return history.history_for(action, signed_in_user())


@bp.route("/")
@roles(Role.DEPARTMENT)
def index() -> Page:
    user = signed_in_user()

    def build() -> Content:
        page = department_quarter(user, request.args.get("period") or None)
        return Content({"page": page, "department": user.department})

    key = (user.department_id, clock.today())
    return cached_page("updates/index", key, build, ("period",))


@bp.route("/<quarter>/actions/<int:action_id>", methods=["GET", "POST"])
@roles(Role.DEPARTMENT)
def edit(quarter: str, action_id: int) -> Page | Response:
    user = signed_in_user()
    ctx = save.load_context(user, quarter, action_id)
    if request.method == "GET":
        version = ctx.update.version if ctx.update else 0
        return _form_page(ctx, UpdateForm(data=UpdateForm.initial(save.prefill(ctx), version)))
    form = UpdateForm()
    form.prepare(ctx.window, ctx.action.milestones)
    if not form.validate():
        return _form_page(ctx, form, 400)
    submit = bool(form.send.data)
    try:
        save.save_update(
            user,
            quarter,
            action_id,
            form.to_input(),
            form.version_number(),
            submit=submit,
            context=ctx,
        )
    except UpdateInvalid as error:
        form.add_errors(error.errors)
        return _form_page(ctx, form, 400)
    except UpdateConflict:
        return _conflict_page(user, quarter, action_id, form)
    except UpdateNotEditable:  # the page says why; the typed values are shown, not lost
        return _form_page(save.load_context(user, quarter, action_id), form, 409, unsaved=True)
    if submit:
        flash(_("Your update is submitted for review."), "success")
        return redirect(url_for(".index", period=quarter))
    flash(_("Your draft is saved."), "success")
    return redirect(url_for(".edit", quarter=quarter, action_id=action_id))


def _titles(ctx: save.UpdateContext) -> dict[str, str]:
    return {str(m.id): presenters.milestone_name(m) for m in ctx.action.milestones}


def _form_page(
    ctx: save.UpdateContext, form: UpdateForm, status: int = 200, unsaved: bool = False
) -> Page:
    form.prepare(ctx.window, ctx.action.milestones)
    snapshot = revisions.snapshot_of(ctx.update) if ctx.update else None
    typed = revisions.snapshot_with_input({}, form.to_input()) if unsaved else None
    page = render_template(
        "updates/form.html",
        ctx=ctx,
        form=form,
        reason=ctx.read_only_reason(),
        summary=form.summary(_titles(ctx)),
        titles=_titles(ctx),
        values=presenters.describe(snapshot, ctx.action.milestones) if snapshot else [],
        unsaved=presenters.describe(typed, ctx.action.milestones, workflow=False) if typed else [],
    )
    return page, status


def _conflict_page(user: User, quarter: str, action_id: int, form: UpdateForm) -> Page:
    ctx = save.load_context(user, quarter, action_id)
    if ctx.update is None:  # pragma: no cover - a conflict always has a stored update
        abort(409)
    theirs = revisions.snapshot_of(ctx.update)
    yours = revisions.snapshot_with_input(theirs, form.to_input())
    form.version.data = str(ctx.update.version)
    form.prepare(ctx.window, ctx.action.milestones)
    page = render_template(
        "updates/conflict.html",
        ctx=ctx,
        form=form,
        last=revisions.latest_revision(ctx.update.id),
        rows=presenters.compare(theirs, yours, ctx.action.milestones, workflow=False),
        reason=ctx.read_only_reason(),
        summary=[],
        titles=_titles(ctx),
    )
    return page, 409


@bp.route("/<int:update_id>/compare")
@signed_in
def compare(update_id: int) -> str:
    first, second = query_int("a", low=1), query_int("b", low=1)
    c = revisions.compare_revisions(update_id, first, second, signed_in_user())
    rows = presenters.compare(c.old.snapshot, c.new.snapshot, c.update.action.milestones)
    return render_template("updates/compare.html", c=c, rows=rows)
