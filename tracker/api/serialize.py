"""The JSON shapes of the API: plain dicts built from models and the services' dataclasses.

Dates are ISO 8601, quarters are written "2025-Q3", bilingual text is {"en": ..., "fr": ...}.
The shapes are described, field by field, in `tracker.api.openapi`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import url_for

from tracker.fiscal import FiscalQuarter
from tracker.models import (
    Action,
    ApiToken,
    Department,
    Milestone,
    Plan,
    ProgressUpdate,
    ReportingPeriod,
    User,
)
from tracker.services.calendar import periods
from tracker.services.figures import progress
from tracker.services.plans.reads import ActionDetail, ActionRow, Headline, PlanOverview
from tracker.vocab import MilestoneState

Json = dict[str, Any]


def bilingual(obj: object, field: str) -> Json:
    """{"en": ..., "fr": ...} for a model's `<field>_en` / `<field>_fr` columns."""
    return {"en": getattr(obj, f"{field}_en"), "fr": getattr(obj, f"{field}_fr")}


def quarter(value: FiscalQuarter | None) -> str | None:
    """A quarter as "2025-Q3"."""
    return str(value) if value is not None else None


def iso(value: date | datetime | None) -> str | None:
    """A date or a timestamp in ISO 8601."""
    return value.isoformat() if value is not None else None


def _round(value: float | None) -> float | None:
    return round(value, 1) if value is not None else None


def plan(item: Plan) -> Json:
    """A plan without its content."""
    return {
        "slug": item.slug,
        "title": bilingual(item, "title"),
        "summary": bilingual(item, "summary"),
        "first_year": item.first_year,
        "last_year": item.last_year,
        "status": item.status,
        "url": url_for("api.plan", slug=item.slug),
    }


def headline(figures: Headline) -> Json:
    """A plan's headline figures."""
    return {
        "actions": figures.actions,
        "completed": figures.completed,
        "on_track": figures.on_track,
        "at_risk_or_off_track": figures.at_risk_or_off_track,
        "slipped": figures.slipped,
        "not_reported": figures.not_reported,
        "flagged": figures.flagged,
        "average_percent": _round(figures.average_percent),
        "average_expected_percent": _round(figures.average_expected),
    }


def _current(row: ActionRow) -> Json | None:
    state = row.state
    if state is None:
        return None
    return {
        "status": state.status,
        "percent_complete": state.percent,
        "period": quarter(state.quarter),
        "state": state.state,
        "department": state.department,
    }


def _action_core(action: Action, row: ActionRow, slug: str) -> Json:
    milestones = [p for _, p in row.milestones]
    return {
        "code": action.code,
        "title": bilingual(action, "title"),
        "illustrative": action.illustrative,
        "lead_department": action.lead_department.acronym if action.lead_department else None,
        "participants": [d.acronym for d in action.participants],
        "start_quarter": quarter(action.start_quarter),
        "baseline_target": quarter(action.baseline_target),
        "current_target": quarter(action.current_target),
        "slippage_quarters": row.slippage,
        "expected_percent": _round(row.expected),
        "schedule_variance": _round(row.variance),
        "flag": row.flag,
        "current": _current(row),
        "milestone_counts": {
            "total": len(milestones),
            "done": sum(1 for p in milestones if p.state == MilestoneState.DONE),
            "late": sum(1 for p in milestones if p.state == MilestoneState.LATE),
            "slipped": progress.count_slipped(milestones),
        },
        "url": url_for("api.action", slug=slug, code=action.code),
    }


def plan_overview(overview: PlanOverview) -> Json:
    """A plan with its headline figures, areas and every action's current standing."""
    slug = overview.plan.slug
    return {
        **plan(overview.plan),
        "as_of": iso(overview.today),
        "headline": headline(overview.headline),
        "areas": [
            {
                "code": group.area.code,
                "position": group.area.position,
                "colour": group.area.colour,
                "name": bilingual(group.area, "name"),
                "goal": bilingual(group.area, "goal"),
                "actions": [_action_core(r.action, r, slug) for r in group.rows],
            }
            for group in overview.areas
        ],
    }


def _milestone(item: Milestone, state: progress.MilestoneProgress) -> Json:
    return {
        "code": item.code,
        "title": bilingual(item, "title"),
        "baseline_due": iso(state.baseline_due),
        "forecast_on": iso(state.forecast_on),
        "completed_on": iso(state.completed_on),
        "slippage_days": state.slippage_days,
        "state": state.state,
        "version": item.version,
    }


def action_detail(detail: ActionDetail) -> Json:
    """One action with its description, current standing and milestones."""
    action = detail.row.action
    return {
        **_action_core(action, detail.row, detail.plan.slug),
        "plan": detail.plan.slug,
        "area": action.area.code,
        "description": bilingual(action, "description"),
        "as_of": iso(detail.today),
        "expected_percent_by_milestones": _round(detail.expected_by_milestones),
        "milestones": [_milestone(m, p) for m, p in detail.row.milestones],
        "version": action.version,
    }


def period(item: ReportingPeriod, today: date, current: ReportingPeriod | None) -> Json:
    """A reporting period with its dates and its state today."""
    month = periods.start_month()
    return {
        "quarter": quarter(item.quarter),
        "label": {"en": item.quarter.label("en", month), "fr": item.quarter.label("fr", month)},
        "starts_on": iso(item.quarter.start_date(month)),
        "ends_on": iso(item.quarter.end_date(month)),
        "opens_on": iso(item.opens_on),
        "due_on": iso(item.due_on),
        "locks_on": iso(item.locks_on),
        "reopened_until": iso(item.reopened_until),
        "state": periods.state_of(item, today).value,
        "current": current is not None and current.id == item.id,
    }


def update(item: ProgressUpdate, slug: str) -> Json:
    """One progress update, narrative and milestone forecasts included."""
    forecasts = sorted(
        item.milestone_forecasts, key=lambda f: (f.milestone.position, f.milestone.code)
    )
    return {
        "id": item.id,
        "action": item.action.code,
        "action_url": url_for("api.action", slug=slug, code=item.action.code),
        "department": item.department.acronym,
        "period": quarter(item.period.quarter),
        "state": item.state,
        "status": item.status,
        "percent_complete": item.percent_complete,
        "forecast_completion": quarter(item.forecast_completion),
        "accomplishments": item.accomplishments,
        "risks": item.risks,
        "next_steps": item.next_steps,
        "decrease_reason": item.decrease_reason,
        "review_comment": item.review_comment,
        "milestones": [
            {
                "code": f.milestone.code,
                "forecast_on": iso(f.forecast_on),
                "completed_on": iso(f.completed_on),
            }
            for f in forecasts
        ],
        "version": item.version,
        "created_at": iso(item.created_at),
        "updated_at": iso(item.updated_at),
        "submitted_at": iso(item.submitted_at),
        "reviewed_at": iso(item.reviewed_at),
    }


def department(item: Department | None) -> Json | None:
    """A department's acronym and name."""
    if item is None:
        return None
    return {"acronym": item.acronym, "name": bilingual(item, "name")}


def me(user: User, token: ApiToken | None) -> Json:
    """The signed-in user and the token in use."""
    return {
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "role": user.role,
        "language": user.language,
        "department": department(user.department),
        "token": None
        if token is None
        else {
            "name": token.name,
            "created_at": iso(token.created_at),
            "expires_at": iso(token.expires_at),
        },
    }
