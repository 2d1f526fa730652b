"""Builders shared by the attention and compliance tests (use inside an app context)."""

from __future__ import annotations

from datetime import date, datetime

from tests.factories import DepartmentFactory, action_with_milestones, forecasts_for, plan_areas
from tests.plans.builders import period, update
from tracker.extensions import db
from tracker.fiscal import FiscalQuarter
from tracker.models import Action, Department, Plan, ProgressUpdate

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
    [area] = plan_areas(slug, 2025, 2026)
    departments = [DepartmentFactory.create() for _ in range(size)]
    states = ("submitted", "accepted", "draft", "returned")
    for n in range(size):
        lead, part = departments[n], departments[(n + 1) % size]
        action, milestones = action_with_milestones(
            area, lead, [part], [date(2025, 9, 30)], code=f"C{n}"
        )
        for k, quarter in enumerate(QUARTERS[:3]):
            state = states[(n + k) % len(states)]
            report(
                action,
                lead,
                quarter,
                state,
                datetime.fromisoformat("2025-07-01T12:00:00+00:00"),
                "on_track",
                10 * k,
                forecasts_for(milestones, None),
            )
    db.session.commit()
    return area.plan
