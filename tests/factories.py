"""Test data builders (factory_boy) bound to the Flask-SQLAlchemy session, the plan pieces the
feature builders assemble, and the SQL statement counter the query-count tests read them with."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from typing import Any

import factory
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, select

from tracker.extensions import db
from tracker.fiscal import FiscalQuarter
from tracker.models import Action, Department, Milestone, Plan, StrategicArea

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


# --- query counts ---------------------------------------------------------------------------


@contextmanager
def counted(app: Flask) -> Iterator[list[str]]:
    """Collect the SQL statements run inside the block."""
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(str(args[2]))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def queries(app: Flask, client: FlaskClient, url: str) -> int:
    """How many statements one GET of `url` runs, its body read to the end (a streamed CSV
    queries as it goes), after a warm-up request for connections and caches."""
    client.get(url)
    with counted(app) as statements:
        response = client.get(url)
        assert response.status_code == 200, url
        response.get_data()
    return len(statements)
