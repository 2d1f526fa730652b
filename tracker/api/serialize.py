"""The API's read answers (`tracker.api.read_bodies`) built from models and the services' rows.

Stored vocabulary values (strings) become their enums here, quarters are written "2025-Q3";
the models say what each field is and the OpenAPI document shows them.
"""

from __future__ import annotations

from datetime import date

from flask import url_for

from tracker.api import read_bodies as body
from tracker.fiscal import FiscalQuarter
from tracker.models import (
    ActionStatus,
    ApiToken,
    Department,
    Milestone,
    Plan,
    PlanStatus,
    ProgressUpdate,
    ReportingPeriod,
    Role,
    User,
    WorkflowState,
)
from tracker.services.calendar import periods
from tracker.services.figures import progress
from tracker.services.plans.reads import ActionDetail, ActionRow, Headline, Listed, PlanOverview
from tracker.vocab import MilestoneState, ScheduleFlag


def bilingual(obj: object, field: str) -> body.Bilingual:
    """{"en": ..., "fr": ...} for a model's `<field>_en` / `<field>_fr` columns."""
    return body.Bilingual(en=getattr(obj, f"{field}_en"), fr=getattr(obj, f"{field}_fr"))


def quarter(value: FiscalQuarter | None) -> str | None:
    """A quarter as "2025-Q3"."""
    return str(value) if value is not None else None


def _round(value: float | None) -> float | None:
    return round(value, 1) if value is not None else None


def _plan_fields(item: Plan) -> dict[str, object]:
    return {
        "slug": item.slug,
        "title": bilingual(item, "title"),
        "summary": bilingual(item, "summary"),
        "first_year": item.first_year,
        "last_year": item.last_year,
        "status": PlanStatus(item.status),
        "url": url_for("api.plan", slug=item.slug),
    }


def plan(item: Plan) -> body.Plan:
    """A plan without its content."""
    return body.Plan.model_validate(_plan_fields(item))


def headline(figures: Headline) -> body.Headline:
    """A plan's headline figures."""
    return body.Headline(
        actions=figures.actions,
        completed=figures.completed,
        on_track=figures.on_track,
        at_risk_or_off_track=figures.at_risk_or_off_track,
        slipped=figures.slipped,
        not_reported=figures.not_reported,
        flagged=figures.flagged,
        average_percent=_round(figures.average_percent),
        average_expected_percent=_round(figures.average_expected),
    )


def _current(row: ActionRow) -> body.CurrentStatus | None:
    state = row.state
    if state is None:
        return None
    return body.CurrentStatus(
        status=ActionStatus(state.status),
        percent_complete=state.percent,
        period=str(state.quarter),
        state=WorkflowState(state.state),
        department=state.department,
    )


def _action_core(action: Listed, row: ActionRow, slug: str) -> dict[str, object]:
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
        "expected_percent": round(row.expected, 1),
        "schedule_variance": _round(row.variance),
        "flag": ScheduleFlag(row.flag) if row.flag else None,
        "current": _current(row),
        "milestone_counts": body.MilestoneCounts(
            total=len(milestones),
            done=sum(1 for p in milestones if p.state == MilestoneState.DONE),
            late=sum(1 for p in milestones if p.state == MilestoneState.LATE),
            slipped=progress.count_slipped(milestones),
        ),
        "url": url_for("api.action", slug=slug, code=action.code),
    }


def plan_overview(overview: PlanOverview) -> body.PlanDetail:
    """A plan with its headline figures, areas and every action's current standing."""
    slug = overview.plan.slug
    return body.PlanDetail.model_validate(
        {
            **_plan_fields(overview.plan),
            "as_of": overview.today,
            "headline": headline(overview.headline),
            "areas": [
                body.Area(
                    code=group.area.code,
                    position=group.area.position,
                    colour=group.area.colour,
                    name=bilingual(group.area, "name"),
                    goal=bilingual(group.area, "goal"),
                    actions=[
                        body.ActionSummary.model_validate(_action_core(r.action, r, slug))
                        for r in group.rows
                    ],
                )
                for group in overview.areas
            ],
        }
    )


def _milestone(item: Milestone, state: progress.MilestoneProgress) -> body.Milestone:
    return body.Milestone(
        code=item.code,
        title=bilingual(item, "title"),
        baseline_due=state.baseline_due,
        forecast_on=state.forecast_on,
        completed_on=state.completed_on,
        slippage_days=state.slippage_days,
        state=MilestoneState(state.state),
        version=item.version,
    )


def action_detail(detail: ActionDetail) -> body.ActionDetail:
    """One action with its description, current standing and milestones."""
    action = detail.action
    return body.ActionDetail.model_validate(
        {
            **_action_core(action, detail.row, detail.plan.slug),
            "plan": detail.plan.slug,
            "area": action.area.code,
            "description": bilingual(action, "description"),
            "as_of": detail.today,
            "expected_percent_by_milestones": _round(detail.expected_by_milestones),
            "milestones": [_milestone(m, p) for m, p in detail.row.milestones],
            "version": action.version,
        }
    )


def period(item: ReportingPeriod, today: date, current: ReportingPeriod | None) -> body.Period:
    """A reporting period with its dates and its state today."""
    month = periods.start_month()
    return body.Period(
        quarter=str(item.quarter),
        label=body.Bilingual(
            en=item.quarter.label("en", month), fr=item.quarter.label("fr", month)
        ),
        starts_on=item.quarter.start_date(month),
        ends_on=item.quarter.end_date(month),
        opens_on=item.opens_on,
        due_on=item.due_on,
        locks_on=item.locks_on,
        reopened_until=item.reopened_until,
        state=periods.state_of(item, today),
        current=current is not None and current.id == item.id,
    )


def update(item: ProgressUpdate, slug: str) -> body.Update:
    """One progress update, narrative and milestone forecasts included."""
    forecasts = sorted(
        item.milestone_forecasts, key=lambda f: (f.milestone.position, f.milestone.code)
    )
    return body.Update(
        id=item.id,
        action=item.action.code,
        action_url=url_for("api.action", slug=slug, code=item.action.code),
        department=item.department.acronym,
        period=str(item.period.quarter),
        state=WorkflowState(item.state),
        status=ActionStatus(item.status),
        percent_complete=item.percent_complete,
        forecast_completion=quarter(item.forecast_completion),
        accomplishments=item.accomplishments,
        risks=item.risks,
        next_steps=item.next_steps,
        decrease_reason=item.decrease_reason,
        review_comment=item.review_comment,
        milestones=[
            body.MilestoneForecast(
                code=f.milestone.code, forecast_on=f.forecast_on, completed_on=f.completed_on
            )
            for f in forecasts
        ],
        version=item.version,
        created_at=item.created_at,
        updated_at=item.updated_at,
        submitted_at=item.submitted_at,
        reviewed_at=item.reviewed_at,
    )


def department(item: Department | None) -> body.Department | None:
    """A department's acronym and name."""
    if item is None:
        return None
    return body.Department(acronym=item.acronym, name=bilingual(item, "name"))


def me(user: User, token: ApiToken | None) -> body.Me:
    """The signed-in user and the token in use."""
    return body.Me(
        id=user.id,
        email=user.email,
        name=user.name,
        role=Role(user.role),
        language=user.language,
        department=department(user.department),
        token=None
        if token is None
        else body.TokenInUse(
            name=token.name, created_at=token.created_at, expires_at=token.expires_at
        ),
    )
