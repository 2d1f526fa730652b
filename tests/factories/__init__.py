"""Test data builders: factory_boy factories bound to the Flask-SQLAlchemy session, and the plan
pieces, reporting periods and progress updates that the feature worlds assemble.

The worlds themselves, one module per domain: `updates` (the quarterly workflow), `api`,
`reports` (a yearly report computed by hand), `charts` (the chart scenario) and `monitoring`
(the attention and compliance plans).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

import factory
from sqlalchemy import select

from tracker.extensions import db
from tracker.fiscal import FiscalQuarter
from tracker.models import (
    Action,
    Department,
    Milestone,
    MilestoneForecast,
    Plan,
    ProgressUpdate,
    ReportingPeriod,
    StrategicArea,
)
from tracker.services.calendar.periods import default_dates

MILESTONE_DUE = date(2026, 3, 31)


class BaseFactory(factory.alchemy.SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "flush"


class DepartmentFactory(BaseFactory):
    class Meta:
        model = Department

    acronym = factory.Sequence(lambda n: f"D{n:03d}")
    name_en = factory.LazyAttribute(lambda o: f"Department {o.acronym}")
    name_fr = factory.LazyAttribute(lambda o: f"Ministère {o.acronym}")


def ensure_department(acronym: str) -> Department:
    """The department with `acronym`, created if missing."""
    found = db.session.scalar(select(Department).where(Department.acronym == acronym))
    if found is None:
        found = DepartmentFactory(acronym=acronym)
        db.session.commit()
    return found


class PlanFactory(BaseFactory):
    class Meta:
        model = Plan

    slug = factory.Sequence(lambda n: f"plan-{n}")
    title_en = factory.Sequence(lambda n: f"Plan {n}")
    title_fr = factory.Sequence(lambda n: f"Plan {n} (fr)")
    first_year = 2025
    last_year = 2027
    status = "active"


class AreaFactory(BaseFactory):
    class Meta:
        model = StrategicArea

    plan = factory.SubFactory(PlanFactory)
    code = factory.Sequence(lambda n: f"AREA{n}")
    position = factory.Sequence(lambda n: n)
    colour = "#1f6fb2"
    name_en = factory.Sequence(lambda n: f"Area {n}")
    name_fr = factory.Sequence(lambda n: f"Domaine {n}")


class ActionFactory(BaseFactory):
    class Meta:
        model = Action

    area = factory.SubFactory(AreaFactory)
    plan_id = factory.LazyAttribute(lambda o: o.area.plan.id)
    code = factory.Sequence(lambda n: f"A{n}")
    position = factory.Sequence(lambda n: n)
    title_en = factory.Sequence(lambda n: f"Action {n}")
    title_fr = factory.Sequence(lambda n: f"Mesure {n}")
    lead_department = factory.SubFactory(DepartmentFactory)
    start_quarter = FiscalQuarter(2025, 1)
    baseline_target = FiscalQuarter(2026, 4)
    current_target = FiscalQuarter(2026, 4)


class MilestoneFactory(BaseFactory):
    class Meta:
        model = Milestone

    action = factory.SubFactory(ActionFactory)
    code = factory.Sequence(lambda n: f"M{n}")
    position = factory.Sequence(lambda n: n)
    title_en = factory.Sequence(lambda n: f"Milestone {n}")
    title_fr = factory.Sequence(lambda n: f"Jalon {n}")
    baseline_due = MILESTONE_DUE


# --- plan pieces (use inside an app context) ------------------------------------------------


def plan_areas(slug: str, first_year: int, last_year: int, count: int = 1) -> list[StrategicArea]:
    """`count` new areas of plan `slug`; the plan is created over those fiscal years if missing."""
    plan = db.session.scalar(select(Plan).where(Plan.slug == slug))
    if plan is None:
        plan = PlanFactory.create(slug=slug, first_year=first_year, last_year=last_year)
    return [AreaFactory.create(plan=plan) for _ in range(count)]


def action_with_milestones(
    area: StrategicArea,
    lead: Department,
    participants: Sequence[Department] = (),
    dues: Sequence[date] = (),
    **fields: Any,
) -> tuple[Action, list[Milestone]]:
    """An action of `area` led by `lead`, `participants` taking part, and a milestone per due
    date (in order); `fields` override the ActionFactory defaults."""
    action = ActionFactory.create(
        area=area, lead_department=lead, participants=list(participants), **fields
    )
    return action, [MilestoneFactory.create(action=action, baseline_due=due) for due in dues]


def forecasts_for(
    milestones: Iterable[Milestone], forecast_on: date | None
) -> dict[int, tuple[date | None, date | None]]:
    """An update's milestone forecasts: every milestone expected on `forecast_on`, none done."""
    return {m.id: (forecast_on, None) for m in milestones}


# --- reporting periods and progress updates (use inside an app context) ------------------


def period(quarter: str) -> ReportingPeriod:
    """The reporting period of `quarter` ('2025-Q1'), created with default dates if missing."""
    q = FiscalQuarter.parse(quarter)
    found = db.session.scalar(select(ReportingPeriod).where(ReportingPeriod.quarter == q))
    if found is None:
        opens, due, locks = default_dates(q, 4)
        found = ReportingPeriod(quarter=q, opens_on=opens, due_on=due, locks_on=locks)
        db.session.add(found)
        db.session.flush()
    return found


def update(
    action: Action,
    department: Department,
    quarter: str,
    state: str,
    status: str = "on_track",
    percent: int = 0,
    forecasts: dict[int, tuple[date | None, date | None]] | None = None,
) -> ProgressUpdate:
    """A progress update with optional milestone forecasts {milestone_id: (forecast, completed)}."""
    row = ProgressUpdate(
        action_id=action.id,
        department_id=department.id,
        period_id=period(quarter).id,
        state=state,
        status=status,
        percent_complete=percent,
    )
    db.session.add(row)
    db.session.flush()
    for milestone_id, (forecast_on, completed_on) in (forecasts or {}).items():
        db.session.add(
            MilestoneForecast(
                update_id=row.id,
                milestone_id=milestone_id,
                forecast_on=forecast_on,
                completed_on=completed_on,
            )
        )
    db.session.flush()
    return row
