"""Department-scoped queries behind the update pages: assignments, periods, predecessors."""

from __future__ import annotations

from datetime import UTC, datetime, time

from sqlalchemy import ColumnElement, Select, or_, select
from sqlalchemy.orm import contains_eager

from tracker.extensions import db
from tracker.fiscal import FiscalQuarter
from tracker.models import (
    Action,
    Plan,
    PlanStatus,
    ProgressUpdate,
    ReportingPeriod,
    StrategicArea,
    User,
    WorkflowState,
    action_participant,
)
from tracker.services.calendar.periods import start_month
from tracker.services.errors import Forbidden, NotFound


def department_of(user: User) -> int:
    """The user's department id (403 for users without one)."""
    if user.department_id is None:
        raise Forbidden()
    return user.department_id


def assigned_actions(department_id: int, quarter: FiscalQuarter | None = None) -> Select[Action]:
    """Actions of active plans that the department leads or takes part in (not retired ones:
    a retired action asks for no more updates; its history stays on the action's page). With
    `quarter`, only participations that had begun by then (a participant added in the
    browser reports from the next period to open), and actions retired in that quarter or
    later still count (as in `figures.obligations`)."""
    takes_part = select(action_participant.c.action_id).where(
        action_participant.c.department_id == department_id
    )
    live: ColumnElement[bool] = Action.retired_at.is_(None)
    if quarter is not None:
        since = action_participant.c.since_quarter
        takes_part = takes_part.where(or_(since.is_(None), since <= quarter))
        begins = datetime.combine(quarter.start_date(start_month()), time.min, UTC)
        live = or_(live, Action.retired_at >= begins)
    return (
        select(Action)
        .join(Action.area)
        .join(StrategicArea.plan)
        .where(Plan.status == PlanStatus.ACTIVE.value, live)
        .where(or_(Action.lead_department_id == department_id, Action.id.in_(takes_part)))
        .options(contains_eager(Action.area).contains_eager(StrategicArea.plan))
    )


def get_period(text: str) -> ReportingPeriod:
    """The reporting period of a quarter written like '2025-Q3'."""
    try:
        quarter = FiscalQuarter.parse(text)
    except ValueError:
        raise NotFound() from None
    period = db.session.scalar(select(ReportingPeriod).where(ReportingPeriod.quarter == quarter))
    if period is None:
        raise NotFound()
    return period


def previous_update(
    action_id: int, department_id: int, quarter: FiscalQuarter, accepted_only: bool
) -> ProgressUpdate | None:
    """The department's latest update on the action before `quarter` (accepted ones only?)."""
    stmt = (
        select(ProgressUpdate)
        .join(ProgressUpdate.period)
        .where(
            ProgressUpdate.action_id == action_id,
            ProgressUpdate.department_id == department_id,
            ReportingPeriod.quarter < quarter,
        )
        .options(contains_eager(ProgressUpdate.period))  # forecasts load when read
        .order_by(ReportingPeriod.quarter.desc())
        .limit(1)
    )
    if accepted_only:
        stmt = stmt.where(ProgressUpdate.state == WorkflowState.ACCEPTED.value)
    return db.session.scalar(stmt)
