"""A small plan whose fiscal year 2024-25 report figures are computed by hand (see below).

Plan "rep" (FY 2024 and 2025), today 2025-06-01, one area "SVC", departments LEAD and PART.

A1 (lead LEAD, participant PART): start 2024-Q1, baseline 2024-Q4, current 2025-Q2 (+2).
    Q1 LEAD accepted on_track 20; Q2 LEAD accepted on_track 40, PART accepted at_risk 35;
    Q3 LEAD accepted at_risk 50; Q4 PART *submitted* off_track 55 (late; pending: not
    counted), LEAD accepted on_track 60 -> year-end status on_track at 60 %, from LEAD in Q4
    (the lead speaks for the action: a participant's update never outranks the lead's).
    Expected at 2025-03-31: 364 days of 547 (2024-04-01 .. 2025-09-30) = 66.54 %.
    Milestones: M1 due 2024-09-30, done 2024-09-15 (met on time); M2 due 2024-12-31, done
    2025-01-20 per the Q4 update (late, +20 days: slipped, so "on track" is flagged);
    M3 due 2025-03-15, forecast 2025-06-30 (not completed, +107 days); M4 due next year.
A2 (lead LEAD): start 2024-Q2, baseline = current 2024-Q3. Q2 LEAD draft, Q3 LEAD returned:
    no accepted update at all.
Updates of the year: 5 accepted, 1 submitted, 1 returned, 1 draft (3 pending).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask import Flask

from tests.factories import (
    ActionFactory,
    AreaFactory,
    DepartmentFactory,
    MilestoneFactory,
    PlanFactory,
    period,
    update,
)
from tracker.extensions import db
from tracker.fiscal import FiscalQuarter
from tracker.models import Action, Department

Q = FiscalQuarter.parse
TODAY = "2025-06-01"
SLUG = "rep"
YEAR = 2024
EXPECTED_A1 = 100.0 * 364 / 547
LONG_FRENCH = (
    "Élaboration du modèle d'intégration, déploiement à l'échelle pangouvernementale et "
    "consultations auprès des ministères « partenaires » : ça avance, mais l'hôpital œuvre "
    "encore à la mise à niveau. "
)


def _on_time(quarter: str) -> datetime:
    return datetime.combine(period(quarter).due_on - timedelta(days=1), time(12), UTC)


def _late(quarter: str) -> datetime:
    return datetime.combine(period(quarter).due_on + timedelta(days=3), time(12), UTC)


def _report(
    action: Action,
    department: Department,
    quarter: str,
    state: str,
    status: str,
    percent: int,
    at: datetime | None,
    **fields: Any,
) -> None:
    row = update(action, department, quarter, state, status, percent, fields.pop("forecasts", None))
    row.submitted_at = at
    for name, value in fields.items():
        setattr(row, name, value)
    db.session.flush()


def build_plan(app: Flask, title_fr: str = "Plan des rapports") -> None:
    """Create the plan described in the module docstring and commit it."""
    app.config["TODAY"] = TODAY
    with app.app_context():
        for quarter in ("2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4", "2025-Q1"):
            period(quarter)
        lead = DepartmentFactory(acronym="LEAD", name_en="Lead Department")
        part = DepartmentFactory(acronym="PART", name_en="Partner Department")
        plan = PlanFactory(
            slug=SLUG,
            title_en="Reporting Plan",
            title_fr=title_fr,
            first_year=2024,
            last_year=2025,
            status="active",
        )
        area = AreaFactory(plan=plan, code="SVC", name_en="Service", goal_en="Serve well.")
        a1 = ActionFactory(
            area=area,
            code="A1",
            title_en="Modernise the web",
            title_fr=LONG_FRENCH[:200],
            lead_department=lead,
            start_quarter=Q("2024-Q1"),
            baseline_target=Q("2024-Q4"),
            current_target=Q("2025-Q2"),
        )
        a1.participants.append(part)
        a2 = ActionFactory(
            area=area,
            code="A2",
            title_en="Renew the network",
            lead_department=lead,
            start_quarter=Q("2024-Q2"),
            baseline_target=Q("2024-Q3"),
            current_target=Q("2024-Q3"),
        )
        MilestoneFactory(
            action=a1, code="M1", baseline_due=date(2024, 9, 30), completed_on=date(2024, 9, 15)
        )
        m2 = MilestoneFactory(action=a1, code="M2", baseline_due=date(2024, 12, 31))
        m3 = MilestoneFactory(action=a1, code="M3", baseline_due=date(2025, 3, 15))
        MilestoneFactory(action=a1, code="M4", baseline_due=date(2025, 8, 31))
        db.session.flush()
        q4 = {m2.id: (None, date(2025, 1, 20)), m3.id: (date(2025, 6, 30), None)}
        _report(a1, lead, "2024-Q1", "accepted", "on_track", 20, _on_time("2024-Q1"))
        _report(a1, lead, "2024-Q2", "accepted", "on_track", 40, _on_time("2024-Q2"))
        _report(a1, part, "2024-Q2", "accepted", "at_risk", 35, _on_time("2024-Q2"))
        _report(a1, lead, "2024-Q3", "accepted", "at_risk", 50, _on_time("2024-Q3"))
        _report(a1, part, "2024-Q4", "submitted", "off_track", 55, _late("2024-Q4"))
        _report(
            a1,
            lead,
            "2024-Q4",
            "accepted",
            "on_track",
            60,
            _on_time("2024-Q4"),
            forecasts=q4,
            accomplishments="=SUM(A1:A9) " + LONG_FRENCH,
            risks="Risque élevé",
        )
        _report(a2, lead, "2024-Q2", "draft", "on_track", 10, None)
        _report(a2, lead, "2024-Q3", "returned", "completed", 100, _on_time("2024-Q3"))
        db.session.commit()
