"""The quarterly workflow's world (tests/updates, tests/review): one plan, three departments,
two actions, a user of every kind.

Today is 2025-10-05: the current period is 2025-Q2 (open 2025-09-01, due 2025-10-15, locked
after 2025-10-30); 2025-Q1 is locked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import Flask

from tests.conftest import make_user
from tests.factories import (
    ActionFactory,
    AreaFactory,
    MilestoneFactory,
    PlanFactory,
    ensure_department,
)
from tracker.extensions import db
from tracker.fiscal import FiscalQuarter
from tracker.models import (
    MilestoneForecast,
    ProgressUpdate,
    ReportingPeriod,
    Role,
    WorkflowState,
)
from tracker.services.calendar import periods

TODAY = "2025-10-05"
QUARTER = "2025-Q2"
PREVIOUS = "2025-Q1"
DEPT_EMAIL = "dept@example.gc.ca"
DEPT2_EMAIL = "dept2@example.gc.ca"
OTHER_EMAIL = "other@example.gc.ca"
PARTNER_EMAIL = "partner@example.gc.ca"
PLANNER_EMAIL = "planner@example.gc.ca"
ADMIN_EMAIL = "admin@example.gc.ca"
OVERSIGHT_EMAIL = "oversight@example.gc.ca"


@dataclass(frozen=True)
class World:
    plan_slug: str
    action_id: int
    action_code: str
    other_action_id: int
    milestone_ids: tuple[int, int]
    period_id: int
    previous_period_id: int
    department_id: int
    other_department_id: int
    user_ids: dict[str, int]

    @property
    def form_url(self) -> str:
        return f"/updates/{QUARTER}/actions/{self.action_id}"

    @property
    def other_form_url(self) -> str:
        return f"/updates/{QUARTER}/actions/{self.other_action_id}"


def build_world(app: Flask) -> World:
    """Create the plan, periods, departments and users; set today to TODAY."""
    app.config["TODAY"] = TODAY
    users = {
        DEPT_EMAIL: make_user(app, Role.DEPARTMENT, DEPT_EMAIL, department="ACR"),
        DEPT2_EMAIL: make_user(app, Role.DEPARTMENT, DEPT2_EMAIL, department="ACR"),
        OTHER_EMAIL: make_user(app, Role.DEPARTMENT, OTHER_EMAIL, department="OTH"),
        PARTNER_EMAIL: make_user(app, Role.DEPARTMENT, PARTNER_EMAIL, department="PAR"),
        PLANNER_EMAIL: make_user(app, Role.PLANNER, PLANNER_EMAIL),
        ADMIN_EMAIL: make_user(app, Role.ADMIN, ADMIN_EMAIL),
        OVERSIGHT_EMAIL: make_user(app, Role.OVERSIGHT, OVERSIGHT_EMAIL),
    }
    with app.app_context():
        acr, oth, par = (ensure_department(a) for a in ("ACR", "OTH", "PAR"))
        plan = PlanFactory(first_year=2025, last_year=2027)
        area = AreaFactory(plan=plan, code="S")
        action = ActionFactory(area=area, code="S1.1", lead_department=acr, participants=[par])
        other = ActionFactory(area=area, code="S1.2", lead_department=oth)
        m1 = MilestoneFactory(action=action, code="M1", baseline_due=date(2026, 3, 31))
        m2 = MilestoneFactory(action=action, code="M2", baseline_due=date(2026, 12, 31))
        MilestoneFactory(action=other, code="M1")
        found = periods.ensure_periods(2024, 2027)
        by_quarter = {str(p.quarter): p for p in found}
        db.session.commit()
        return World(
            plan_slug=plan.slug,
            action_id=action.id,
            action_code=action.code,
            other_action_id=other.id,
            milestone_ids=(m1.id, m2.id),
            period_id=by_quarter[QUARTER].id,
            previous_period_id=by_quarter[PREVIOUS].id,
            department_id=acr.id,
            other_department_id=oth.id,
            user_ids=users,
        )


def add_update(
    app: Flask,
    world: World,
    period_id: int,
    state: WorkflowState = WorkflowState.ACCEPTED,
    percent: int = 60,
    status: str = "on_track",
    action_id: int | None = None,
    department_id: int | None = None,
    **fields: Any,
) -> int:
    """Store an update directly (history the services would refuse to write today)."""
    with app.app_context():
        update = ProgressUpdate(
            action_id=action_id or world.action_id,
            department_id=department_id or world.department_id,
            period_id=period_id,
            state=state.value,
            status=status,
            percent_complete=percent,
            forecast_completion=FiscalQuarter(2026, 4),
            **fields,
        )
        update.milestone_forecasts.append(
            MilestoneForecast(milestone_id=world.milestone_ids[0], forecast_on=date(2026, 2, 1))
        )
        db.session.add(update)
        db.session.commit()
        return update.id


def set_period(app: Flask, period_id: int, **dates: date | None) -> None:
    with app.app_context():
        period = db.session.get(ReportingPeriod, period_id)
        assert period is not None
        for name, value in dates.items():
            setattr(period, name, value)
        db.session.commit()
