"""A plan's areas and actions as plain data, for its overview (the dashboard's tables and the
API's plan).

`plan_outline` reads the areas, the actions, their leads, participants and milestones in five
queries of a few hundred rows, without the relationship collections of `reads.get_plan`
(which the plan's editing pages need): filling them costs more than the overview's figures,
9,900 participant entries alone for 100 actions of 100 departments.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select

from tracker.extensions import db
from tracker.fiscal import FiscalQuarter, Schedule
from tracker.models import Action, Department, Milestone, StrategicArea
from tracker.models.org import Bilingual
from tracker.services.plans import participants


@dataclass(frozen=True)
class ActionItem(Bilingual):
    """An action with what the overview shows of it, under the names `Action` gives them."""

    id: int
    code: str
    title_en: str
    title_fr: str
    illustrative: bool
    lead_department: Department | None
    participants: tuple[Department, ...]  # by acronym
    start_quarter: FiscalQuarter | None
    baseline_target: FiscalQuarter | None
    current_target: FiscalQuarter | None
    milestones: tuple[Milestone, ...]  # in plan order

    @property
    def schedule(self) -> Schedule | None:
        """The action's start and targets; None while one is not set (only in a draft)."""
        return Schedule.of(self.start_quarter, self.baseline_target, self.current_target)


def plan_outline(plan_id: int) -> list[tuple[StrategicArea, list[ActionItem]]]:
    """The plan's areas, each with its actions, in plan order (as `reads.get_plan` orders
    them: by position)."""
    in_plan = select(Action.id).where(Action.plan_id == plan_id)
    areas = db.session.scalars(
        select(StrategicArea)
        .where(StrategicArea.plan_id == plan_id)
        .order_by(StrategicArea.position, StrategicArea.id)
    ).all()
    led = select(Action.lead_department_id).where(Action.plan_id == plan_id)
    leads = {d.id: d for d in db.session.scalars(select(Department).where(Department.id.in_(led)))}
    taking_part = participants.participants_by_action(plan_id, lambda department: department)
    milestones: dict[int, list[Milestone]] = defaultdict(list)
    for milestone in db.session.scalars(
        select(Milestone)
        .where(Milestone.action_id.in_(in_plan))
        .order_by(Milestone.action_id, Milestone.position, Milestone.id)
    ):
        milestones[milestone.action_id].append(milestone)
    actions: dict[int, list[ActionItem]] = defaultdict(list)
    for row in db.session.execute(
        select(
            Action.id,
            Action.area_id,
            Action.code,
            Action.title_en,
            Action.title_fr,
            Action.illustrative,
            Action.lead_department_id,
            Action.start_quarter,
            Action.baseline_target,
            Action.current_target,
        )
        .where(Action.plan_id == plan_id)
        .order_by(Action.area_id, Action.position, Action.id)
    ):
        actions[row.area_id].append(
            ActionItem(
                row.id,
                row.code,
                row.title_en,
                row.title_fr,
                row.illustrative,
                leads.get(row.lead_department_id) if row.lead_department_id else None,
                tuple(taking_part.get(row.id, ())),
                row.start_quarter,
                row.baseline_target,
                row.current_target,
                tuple(milestones[row.id]),
            )
        )
    return [(area, actions[area.id]) for area in areas]
