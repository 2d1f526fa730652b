"""Plan pages: the list and an action's page (the dashboard, roadmap and trends: charts.py)."""

from __future__ import annotations

from flask import render_template, request

from tracker.access import signed_in, signed_in_user
from tracker.models import Role
from tracker.pages import Content, cached_page
from tracker.plans import bp
from tracker.services.calendar import clock
from tracker.services.errors import NotFound
from tracker.services.plans import reads
from tracker.services.updates import history

# Who sees draft plans in the list (oversight reads them; departments never see them).
DRAFT_READERS = frozenset({Role.PLANNER, Role.ADMIN, Role.OVERSIGHT})


@bp.before_request
def hide_drafts() -> None:
    """A draft plan does not exist for departments: 404 on each of its pages."""
    slug = (request.view_args or {}).get("slug")
    user = signed_in_user()
    if slug and user.role == Role.DEPARTMENT and reads.is_draft(str(slug)):
        raise NotFound()


@bp.route("/")
@signed_in
def index() -> str:
    drafts = signed_in_user().role in DRAFT_READERS
    return render_template("plans/index.html", plans=reads.list_plans(include_drafts=drafts))


@bp.route("/<slug>/actions/<code>")
@signed_in
def action(slug: str, code: str) -> tuple[str, int]:
    today, viewer = clock.today(), signed_in_user()
    heading, plan = reads.get_action_and_plan(slug, code)

    def build() -> Content:
        detail = reads.action_detail(slug, code, today)
        return Content({"action": detail.action, "detail": detail})

    # The history shown depends on the viewer's department (department users see their own).
    key = (slug, code, today, viewer.department_id)
    return cached_page("plans/action", key, build, plan=plan, heading=heading)


@bp.route("/<slug>/actions/<code>/history")
@signed_in
def action_history(slug: str, code: str) -> str:
    """One quarter of an action's update history (`?period=2025-Q3`; the newest by default)."""
    action = reads.get_action(slug, code)
    shown = history.quarter_history(action, signed_in_user(), request.args.get("period") or None)
    return render_template(
        "plans/action_history.html", plan=action.area.plan, action=action, history=shown
    )
