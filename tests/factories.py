"""Test data builders (factory_boy) bound to the Flask-SQLAlchemy session."""

from __future__ import annotations

from datetime import date

import factory
from sqlalchemy import select

from tracker.extensions import db
from tracker.models import Action, Department, Milestone, Plan, StrategicArea
from tracker.services.fiscal import FiscalQuarter


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
    baseline_due = date(2026, 3, 31)
