"""A plan's chart pages: the dashboard (the plan's home page), the roadmap and the trends.

The views hang on the plans blueprint (`tracker.plans.routes` imports this module at its end).
Any signed-in user may see them: the figures come from submitted and accepted updates only, so
no department ever sees another's drafts. Choices travel in the query string (GET forms, so a
view can be shared); a choice the plan does not offer answers 400 with a message.
"""

from __future__ import annotations

from typing import Any

from flask import request

from tracker.access import signed_in
from tracker.pages import cached_page
from tracker.plans.chart_forms import MilestoneTrendForm, PeriodForm, RoadmapForm
from tracker.plans.dashboard_charts import dashboard_charts
from tracker.plans.roadmap_chart import roadmap_chart
from tracker.plans.routes import bp
from tracker.plans.trend_charts import milestone_trend_chart, trend_charts
from tracker.services import clock, plans
from tracker.services.dashboard import plan_dashboard
from tracker.services.plan_frame import load_frame
from tracker.services.roadmap import build_roadmap
from tracker.services.trends import milestone_trend, progress_trends

Page = tuple[str, int]


@bp.route("/<slug>/")
@signed_in
def overview(slug: str) -> Page:
    today = clock.today()
    frame = load_frame(slug, today)
    form = PeriodForm(request.args)
    form.load_choices(frame)
    valid = form.validate()
    quarter = form.quarter() if valid else None

    def context() -> dict[str, Any]:
        dashboard = plan_dashboard(frame, quarter) if valid else None
        return {
            "overview": plans.plan_overview(slug, today),
            "form": form,
            "dashboard": dashboard,
            "charts": dashboard_charts(dashboard) if dashboard else [],
        }

    key = (slug, today, quarter) if valid else None
    return cached_page("plans/overview", key, context, plan=frame.plan), 200 if valid else 400


@bp.route("/<slug>/roadmap")
@signed_in
def roadmap(slug: str) -> Page:
    frame = load_frame(slug, clock.today())
    form = RoadmapForm(request.args)
    form.load_choices(frame)
    valid = form.validate()
    filters = form.filters() if valid else None

    def context() -> dict[str, Any]:
        found = build_roadmap(frame, filters) if filters else None
        return {"form": form, "roadmap": found, "chart": roadmap_chart(found) if found else None}

    key = (slug, frame.today, filters) if filters else None
    return cached_page("plans/roadmap", key, context, plan=frame.plan), 200 if valid else 400


@bp.route("/<slug>/trends")
@signed_in
def trends(slug: str) -> Page:
    frame = load_frame(slug, clock.today())
    form = MilestoneTrendForm(request.args)
    form.load_choices(frame)
    valid = form.validate()
    code = (form.action.data or None) if valid else None

    def context() -> dict[str, Any]:
        trend = milestone_trend(frame, code) if valid else None
        if trend and trend.action:
            form.action.data = trend.action.code
        return {
            "form": form,
            "charts": trend_charts(progress_trends(frame)),
            "trend": trend,
            "milestone_chart": milestone_trend_chart(trend) if trend else None,
        }

    key = (slug, frame.today, code) if valid else None
    return cached_page("plans/trends", key, context, plan=frame.plan), 200 if valid else 400
