"""A plan's chart pages: the dashboard (the plan's home page), the roadmap and the trends.

The views hang on the plans blueprint (`tracker.plans.routes` imports this module at its end).
Any signed-in user may see them: the figures come from submitted and accepted updates only, so
no department ever sees another's drafts. Choices travel in the query string (GET forms, so a
view can be shared); a choice the plan does not offer answers 400 with a message.
"""

from __future__ import annotations

from typing import TypeVar

from flask import request

from tracker.access import signed_in
from tracker.pages import Content, cached_page, choices_of
from tracker.plans import bp
from tracker.plans.chart_forms import MilestoneTrendForm, PeriodForm, RoadmapForm
from tracker.plans.dashboard_charts import dashboard_charts
from tracker.plans.roadmap_chart import roadmap_chart
from tracker.plans.trend_charts import milestone_trend_chart, trend_charts
from tracker.services.calendar import clock
from tracker.services.figures.dashboard import plan_dashboard
from tracker.services.figures.frame import PlanFrame, load_frame
from tracker.services.figures.obligations import plan_row
from tracker.services.figures.roadmap import build_roadmap
from tracker.services.figures.trends import milestone_trend, progress_trends
from tracker.services.plans import reads

Page = tuple[str, int]
ChartForm = TypeVar("ChartForm", PeriodForm, RoadmapForm, MilestoneTrendForm)


def _filled(form_class: type[ChartForm], frame: PlanFrame) -> tuple[ChartForm, bool]:
    """The page's GET form from the query string, its choices from the plan, and whether the
    choices are valid."""
    form = form_class(request.args)
    form.load_choices(frame)
    return form, form.validate()


@bp.route("/<slug>/")
@signed_in
def overview(slug: str) -> Page:
    today = clock.today()

    def build() -> Content:
        frame = load_frame(slug, today)
        form, valid = _filled(PeriodForm, frame)
        dashboard = plan_dashboard(frame, form.quarter()) if valid else None
        return Content(
            {
                "overview": reads.plan_overview(slug, today),
                "form": form,
                "dashboard": dashboard,
                "charts": dashboard_charts(dashboard) if dashboard else [],
            },
            valid,
        )

    key = (slug, today)
    return cached_page("plans/overview", key, build, choices_of(PeriodForm), plan=plan_row(slug))


@bp.route("/<slug>/roadmap")
@signed_in
def roadmap(slug: str) -> Page:
    today = clock.today()

    def build() -> Content:
        frame = load_frame(slug, today)
        form, valid = _filled(RoadmapForm, frame)
        found = build_roadmap(frame, form.filters()) if valid else None
        chart = roadmap_chart(found) if found else None
        return Content({"form": form, "roadmap": found, "chart": chart}, valid)

    choices = choices_of(RoadmapForm)
    return cached_page("plans/roadmap", (slug, today), build, choices, plan=plan_row(slug))


@bp.route("/<slug>/trends")
@signed_in
def trends(slug: str) -> Page:
    today = clock.today()

    def build() -> Content:
        frame = load_frame(slug, today)
        form, valid = _filled(MilestoneTrendForm, frame)
        trend = milestone_trend(frame, form.action.data or None) if valid else None
        if trend and trend.action:
            form.action.data = trend.action.code
        return Content(
            {
                "form": form,
                "charts": trend_charts(progress_trends(frame)),
                "trend": trend,
                "milestone_chart": milestone_trend_chart(trend) if trend else None,
            },
            valid,
        )

    choices = choices_of(MilestoneTrendForm)
    return cached_page("plans/trends", (slug, today), build, choices, plan=plan_row(slug))
