"""A small plan whose dashboard, roadmap and trend figures are worked out by hand in the tests.

Plan "cp" covers fiscal years 2024-25 and 2025-26; periods 2024-Q1..2024-Q4 exist; "today" is
2025-03-01, so all four periods have opened and 2024-Q1..Q3 have ended (the "as of" choices).
Departments LEAD and PART. Two areas:

SVC  S1  2024-Q1 .. baseline 2024-Q4, current 2025-Q2; lead LEAD, participant PART; milestone
         m1 due 2024-09-30.
         Q1 LEAD accepted on_track 20, forecast 2024-Q4, m1 forecast 2024-09-30
         Q2 LEAD accepted at_risk 40, forecast 2025-Q1, m1 forecast 2024-11-30
         Q3 LEAD accepted on_track 55 (no forecasts)
         Q3 PART submitted off_track 50, forecast 2025-Q2, m1 forecast 2025-01-31: the lead
            speaks for the action, so S1 is "on track 55" from Q3 on
         Q4 PART submitted on_track 60, on time (the lead's update still wins)
         Q4 LEAD draft completed 100 (never counts)
     S2  2024-Q2 .. 2025-Q4 (no slip); lead PART; no milestone.
         Q2 PART submitted not_started 0;  Q4 PART returned on_track 10 (never counts)
SEC  E1  2024-Q1 .. 2024-Q2; lead LEAD; milestone m3 due 2024-06-30, completed 2024-06-15.
         Q1 LEAD accepted on_track 60;  Q2 LEAD accepted completed 100, forecast 2024-Q2
     E2  2025-Q1 .. 2025-Q3; lead LEAD; no update.
     E3  2024-Q1 .. 2025-Q1; lead LEAD.  Q3 LEAD accepted cancelled 30.

`sized_plan` builds plans of any size over the same quarters for the chart pages' query counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from flask import Flask

from tests.factories import (
    ActionFactory,
    AreaFactory,
    DepartmentFactory,
    MilestoneFactory,
    PlanFactory,
    action_with_milestones,
    ensure_department,
    forecasts_for,
    period,
    plan_areas,
    update,
)
from tracker.extensions import db
from tracker.fiscal import FiscalQuarter
from tracker.models import Action, Department, ProgressUpdate, StrategicArea

Q = FiscalQuarter.parse
TODAY = date(2025, 3, 1)
SLUG = "cp"


@dataclass(frozen=True)
class Ids:
    """Database ids of the scenario's actions and milestones."""

    actions: dict[str, int]
    m1: int
    m3: int


def expected(start: date, end: date, at: date) -> float:
    """Linear expected percent, written out for the hand computations."""
    return 100.0 * (at - start).days / (end - start).days


def _action(area: StrategicArea, code: str, span: tuple[str, str, str], lead: Department) -> Action:
    start, baseline, current = span
    return ActionFactory(
        area=area,
        code=code,
        title_en=f"Action {code}",
        lead_department=lead,
        start_quarter=Q(start),
        baseline_target=Q(baseline),
        current_target=Q(current),
    )


def _report(
    action: Action,
    department: Department,
    quarter: str,
    state: str,
    reading: tuple[str, int],
    target: str | None = None,
    dates: dict[int, tuple[date | None, date | None]] | None = None,
    at: datetime | None = None,
) -> ProgressUpdate:
    status, percent = reading
    row = update(action, department, quarter, state, status, percent, dates)
    row.forecast_completion = Q(target) if target else None
    row.submitted_at = at
    db.session.flush()
    return row


def build(app: Flask) -> Ids:
    """Write the scenario and return its ids."""
    with app.app_context():
        for quarter in ("2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4"):
            period(quarter)
        lead, part = ensure_department("LEAD"), ensure_department("PART")
        plan = PlanFactory(slug=SLUG, title_en="Chart plan", first_year=2024, last_year=2025)
        svc = AreaFactory(plan=plan, code="SVC", name_en="Service", position=1, colour="#1f6fb2")
        sec = AreaFactory(plan=plan, code="SEC", name_en="Security", position=2, colour="#b3261e")
        s1 = _action(svc, "S1", ("2024-Q1", "2024-Q4", "2025-Q2"), lead)
        s1.participants.append(part)
        m1 = MilestoneFactory(
            action=s1, code="M1", title_en="Pilot", baseline_due=date(2024, 9, 30)
        )
        s2 = _action(svc, "S2", ("2024-Q2", "2025-Q4", "2025-Q4"), part)
        e1 = _action(sec, "E1", ("2024-Q1", "2024-Q2", "2024-Q2"), lead)
        m3 = MilestoneFactory(
            action=e1,
            code="M3",
            title_en="Rollout",
            baseline_due=date(2024, 6, 30),
            completed_on=date(2024, 6, 15),
        )
        e2 = _action(sec, "E2", ("2025-Q1", "2025-Q3", "2025-Q3"), lead)
        e3 = _action(sec, "E3", ("2024-Q1", "2025-Q1", "2025-Q1"), lead)
        db.session.flush()

        def pilot(on: date) -> dict[int, tuple[date | None, date | None]]:
            return {m1.id: (on, None)}

        _report(
            s1, lead, "2024-Q1", "accepted", ("on_track", 20), "2024-Q4", pilot(date(2024, 9, 30))
        )
        _report(
            s1, lead, "2024-Q2", "accepted", ("at_risk", 40), "2025-Q1", pilot(date(2024, 11, 30))
        )
        _report(s1, lead, "2024-Q3", "accepted", ("on_track", 55))
        _report(
            s1, part, "2024-Q3", "submitted", ("off_track", 50), "2025-Q2", pilot(date(2025, 1, 31))
        )
        on_time = datetime(2025, 3, 1, 15, 0, tzinfo=UTC)
        _report(s1, part, "2024-Q4", "submitted", ("on_track", 60), at=on_time)
        _report(s1, lead, "2024-Q4", "draft", ("completed", 100))
        _report(s2, part, "2024-Q2", "submitted", ("not_started", 0))
        _report(s2, part, "2024-Q4", "returned", ("on_track", 10))
        _report(e1, lead, "2024-Q1", "accepted", ("on_track", 60))
        done = {m3.id: (None, date(2024, 6, 15))}
        _report(e1, lead, "2024-Q2", "accepted", ("completed", 100), "2024-Q2", done)
        _report(e3, lead, "2024-Q3", "accepted", ("cancelled", 30))
        db.session.commit()
        actions = {"S1": s1, "S2": s2, "E1": e1, "E2": e2, "E3": e3}
        return Ids({code: a.id for code, a in actions.items()}, m1.id, m3.id)


def sized_plan(app: Flask, slug: str, size: int) -> None:
    """A plan with `size` actions over two areas and four quarters: participants, milestones,
    forecasts and updates in every workflow state."""
    states = ("accepted", "submitted", "draft", "returned")
    with app.app_context():
        lead, part = DepartmentFactory.create(), DepartmentFactory.create()
        areas = plan_areas(slug, 2024, 2025, count=2)
        for n in range(size):
            action, milestones = action_with_milestones(
                areas[n % 2],
                lead,
                [part],
                [date(2024, 9, 30), date(2025, 3, 31)],
                code=f"C{n}",
                start_quarter=FiscalQuarter(2024, 1),
                baseline_target=FiscalQuarter(2024, 4),
                current_target=FiscalQuarter(2025, 2),
            )
            for k in range(1, 5):
                dates = forecasts_for(milestones, date(2024, 12, k))
                row = update(
                    action, lead, f"2024-Q{k}", states[(n + k) % 4], "on_track", 10 * k, dates
                )
                row.forecast_completion = FiscalQuarter(2025, 1)
                update(action, part, f"2024-Q{k}", states[(n + k + 1) % 4], "at_risk", 5 * k)
        db.session.commit()
