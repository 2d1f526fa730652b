"""Reading plans for the pages: one plan with its areas, actions and milestones."""

from __future__ import annotations

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker.extensions import db
from tracker.models import Action, Plan, StrategicArea


def list_plans() -> list[Plan]:
    """Every plan, active first, newest first."""
    return list(db.session.scalars(select(Plan).order_by(Plan.status, Plan.first_year.desc())))


def get_plan_or_404(slug: str) -> Plan:
    """The plan with its areas, actions and milestones, in a fixed number of queries."""
    plan = db.session.scalar(
        select(Plan)
        .where(Plan.slug == slug)
        .options(
            selectinload(Plan.areas)
            .selectinload(StrategicArea.actions)
            .options(
                selectinload(Action.lead_department),
                selectinload(Action.participants),
                selectinload(Action.milestones),
            )
        )
    )
    if plan is None:
        abort(404)
    return plan


def get_action_or_404(plan: Plan, code: str) -> Action:
    """An action of `plan` by its code."""
    for area in plan.areas:
        for action in area.actions:
            if action.code == code:
                return action
    abort(404)
