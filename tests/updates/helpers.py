"""A small world for the quarterly workflow tests: one plan, three departments, two actions.

Today is 2025-10-05: the current period is 2025-Q2 (open 2025-09-01, due 2025-10-15, locked
after 2025-10-30); 2025-Q1 is locked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, func, select

from tests.conftest import AuthActions, make_user, post_form
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
    Revision,
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
    from tracker.models import Role

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


def form_data(world: World, intent: str = "save", **overrides: Any) -> dict[str, Any]:
    """A complete, valid update form; `intent` is 'save' or 'send' (submit)."""
    m1, m2 = world.milestone_ids
    data: dict[str, Any] = {
        "status": "on_track",
        "percent_complete": "40",
        "forecast_completion": "2026-Q4",
        "milestones-0-milestone_id": str(m1),
        "milestones-0-forecast_on": "2026-03-15",
        "milestones-0-completed_on": "",
        "milestones-1-milestone_id": str(m2),
        "milestones-1-forecast_on": "2026-12-01",
        "milestones-1-completed_on": "",
        "accomplishments": "Designed the service.",
        "risks": "",
        "next_steps": "Build it.",
        "decrease_reason": "",
        "version": "0",
        intent: "1",
    }
    data.update(overrides)
    return data


def login(app: Flask, email: str) -> FlaskClient:
    """A new client signed in as `email`."""
    client = app.test_client()
    response = AuthActions(client).login(email)
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def post_update(client: FlaskClient, url: str, data: dict[str, Any]) -> Any:
    """POST the update form with a fresh CSRF token from the form page."""
    return post_form(client, url, data)


def the_update(app: Flask, world: World, department_id: int | None = None) -> ProgressUpdate | None:
    """The stored update of the world's action for the current period."""
    with app.app_context():
        update = db.session.scalar(
            select(ProgressUpdate).where(
                ProgressUpdate.action_id == world.action_id,
                ProgressUpdate.department_id == (department_id or world.department_id),
                ProgressUpdate.period_id == world.period_id,
            )
        )
        if update is not None:
            db.session.expunge(update)
        return update


def count(app: Flask, model: Any) -> int:
    with app.app_context():
        return int(db.session.scalar(select(func.count()).select_from(model)) or 0)


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


def revisions_of(app: Flask, update_id: int) -> list[Revision]:
    with app.app_context():
        rows = list(
            db.session.scalars(
                select(Revision).where(Revision.update_id == update_id).order_by(Revision.number)
            )
        )
        for row in rows:
            db.session.expunge(row)
        return rows


def set_period(app: Flask, period_id: int, **dates: date | None) -> None:
    with app.app_context():
        period = db.session.get(ReportingPeriod, period_id)
        assert period is not None
        for name, value in dates.items():
            setattr(period, name, value)
        db.session.commit()


class QueryCounter:
    """Counts SQL statements sent while active."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.count = 0

    def _on(self, *_args: Any) -> None:
        self.count += 1

    def __enter__(self) -> QueryCounter:
        with self.app.app_context():
            event.listen(db.engine, "before_cursor_execute", self._on)
        return self

    def __exit__(self, *_exc: Any) -> None:
        with self.app.app_context():
            event.remove(db.engine, "before_cursor_execute", self._on)
