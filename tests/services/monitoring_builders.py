"""Builders shared by the attention and compliance tests (use inside an app context)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from flask import Flask
from sqlalchemy import event

from tests.factories import (
    ActionFactory,
    AreaFactory,
    DepartmentFactory,
    MilestoneFactory,
    PlanFactory,
)
from tests.plans.builders import period, update
from tracker.extensions import db
from tracker.models import Action, Department, Plan, ProgressUpdate
from tracker.services.fiscal import FiscalQuarter

Q = FiscalQuarter.parse
QUARTERS = ("2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1")


def report(
    action: Action,
    department: Department,
    quarter: str,
    state: str,
    at: datetime | None = None,
    status: str = "on_track",
    percent: int = 0,
    forecasts: dict[int, tuple[date | None, date | None]] | None = None,
) -> ProgressUpdate:
    """A progress update with an explicit submission time."""
    row = update(action, department, quarter, state, status, percent, forecasts)
    row.submitted_at = at
    db.session.flush()
    return row


def sized_plan(slug: str, size: int) -> Plan:
    """A plan with `size` actions and `size` departments, each action led by one department
    with the next one taking part, a milestone each and updates in every state."""
    for quarter in QUARTERS:
        period(quarter)
    plan = PlanFactory(slug=slug, first_year=2025, last_year=2026)
    area = AreaFactory(plan=plan)
    departments = [DepartmentFactory() for _ in range(size)]
    states = ("submitted", "accepted", "draft", "returned")
    for n in range(size):
        action = ActionFactory(area=area, code=f"C{n}", lead_department=departments[n])
        action.participants.append(departments[(n + 1) % size])
        milestone = MilestoneFactory(action=action, baseline_due=date(2025, 9, 30))
        for k, quarter in enumerate(QUARTERS[:3]):
            state = states[(n + k) % len(states)]
            report(
                action,
                departments[n],
                quarter,
                state,
                datetime.fromisoformat("2025-07-01T12:00:00+00:00"),
                "on_track",
                10 * k,
                {milestone.id: (None, None)},
            )
    db.session.commit()
    return plan


@contextmanager
def counted(app: Flask) -> Iterator[list[str]]:
    """Collect the SQL statements run inside the block."""
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)
