"""Planners' review: the queue of submitted updates, one update beside the last accepted one."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from tracker.access import roles, signed_in_user
from tracker.models import Role, WorkflowState
from tracker.pages import Content, cached_page, choices_of
from tracker.review import bp
from tracker.review.forms import DecisionForm, QueueFilterForm
from tracker.services.updates import review, revisions
from tracker.services.updates.rules import UpdateConflict, UpdateInvalid, UpdateNotEditable
from tracker.updates.presenters import compare

Page = str | tuple[str, int]


@bp.route("/")
@roles(Role.PLANNER, Role.ADMIN)
def queue() -> Page:
    def build() -> Content:
        form = QueueFilterForm(request.args)
        valid = form.validate()
        queue = review.review_queue(form.filters() if valid else review.QueueFilters())
        form.fill_choices(queue)
        return Content({"form": form, "queue": queue}, valid)

    return cached_page("review/queue", (), build, choices_of(QueueFilterForm))


@bp.route("/<int:update_id>")
@roles(Role.PLANNER, Role.ADMIN)
def show(update_id: int) -> str:
    view = review.get_review(update_id)
    form = DecisionForm(version=str(view.update.version))
    return _page(view, form)


@bp.route("/<int:update_id>", methods=["POST"])
@roles(Role.PLANNER, Role.ADMIN)
def decide(update_id: int) -> Page | Response:
    form = DecisionForm()
    if not form.validate():
        return _show(update_id, form, 400)
    comment = form.comment.data or ""
    try:
        result = review.decide_update(
            signed_in_user(), update_id, form.version_number(), form.decision(), comment
        )
    except UpdateInvalid as error:
        form.comment.errors = [*form.comment.errors, *error.errors.get("comment", [])]
        return _show(update_id, form, 400)
    except UpdateNotEditable as error:
        flash(error.message, "error")
        return _show(update_id, form, 409)
    except UpdateConflict as error:
        flash(_changed_by(error.update.id), "error")
        return _show(update_id, form, 409)
    if result.update.state == WorkflowState.ACCEPTED.value:
        flash(_("The update is accepted."), "success")
    else:
        flash(_("The update is returned to the department with your comment."), "success")
    return redirect(url_for(".queue"))


def _show(update_id: int, form: DecisionForm, status: int) -> tuple[str, int]:
    view = review.get_review(update_id)
    form.version.data = str(view.update.version)
    return _page(view, form), status


def _page(view: review.ReviewView, form: DecisionForm) -> str:
    rows = compare(view.old, view.new, view.update.action.milestones, workflow=False)
    return render_template("review/show.html", view=view, form=form, rows=rows)


def _changed_by(update_id: int) -> str:
    last = revisions.latest_revision(update_id)
    who = last.author.name if last and last.author else _("someone")
    when = format_datetime(last.created_at, "medium") if last else ""
    return str(
        _(
            "Changed by %(who)s at %(when)s since you opened it. Check it again before deciding.",
            who=who,
            when=when,
        )
    )
