"""Plan pages: the list and an action's page (the dashboard, roadmap and trends: charts.py)."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template

from tracker.access import signed_in
from tracker.services import plans

bp = Blueprint("plans", __name__, url_prefix="/plans")


@bp.route("/")
@signed_in
def index() -> str:
    return render_template("plans/index.html", plans=plans.list_plans())


@bp.route("/<slug>/actions/<code>")
@signed_in
def action(slug: str, code: str) -> str:
    detail = plans.action_detail(slug, code, date.today())
    return render_template(
        "plans/action.html", plan=detail.plan, action=detail.row.action, detail=detail
    )


# Views defined on this blueprint in their own modules (imported last: they import `bp`).
from tracker.plans import charts, monitoring  # noqa: E402, F401
