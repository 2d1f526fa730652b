"""A plan as plain frozen data for the dashboard, roadmap and trends pages.

`load_frame` reads the plan, its areas, its actions with their lead department, the
participants and the reporting periods in five queries whatever the plan's size. The periods
are those of the plan's fiscal years that have opened by `today` (as on the compliance page).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from tracker.cache import remember
from tracker.extensions import db
from tracker.fiscal import FiscalQuarter
from tracker.models import (
    Action,
    ActionStatus,
    Department,
    ReportingPeriod,
    StrategicArea,
)
from tracker.models.org import Bilingual
from tracker.services.figures.obligations import (
    PeriodRef,
    PlanRef,
    deadline_of,
    plan_ref,
    plan_row,
)
from tracker.services.plans import participants

# The status of an action without any submitted or accepted update (yet, or as of a quarter).
NO_REPORT = "no_report"
# Statuses in the order charts stack and tables list them: done first, then by concern.
STATUS_ORDER: tuple[str, ...] = (
    ActionStatus.COMPLETED.value,
    ActionStatus.ON_TRACK.value,
    ActionStatus.AT_RISK.value,
    ActionStatus.OFF_TRACK.value,
    ActionStatus.ON_HOLD.value,
    ActionStatus.NOT_STARTED.value,
    ActionStatus.CANCELLED.value,
    NO_REPORT,
)


@dataclass(frozen=True)
class AreaInfo(Bilingual):
    """A strategic area as plain data (`|tr('name')` works on it)."""

    id: int
    code: str
    position: int
    colour: str
    name_en: str
    name_fr: str


@dataclass(frozen=True)
class ActionInfo(Bilingual):
    """An action as plain data with its schedule and the acronyms of its departments."""

    id: int
    code: str
    title_en: str
    title_fr: str
    area_id: int
    lead: str
    participants: tuple[str, ...]
    start_quarter: FiscalQuarter
    baseline_target: FiscalQuarter
    current_target: FiscalQuarter

    @property
    def departments(self) -> tuple[str, ...]:
        """The lead first, then the participants."""
        return (self.lead, *self.participants)


@dataclass(frozen=True)
class PlanFrame:
    """A plan's areas and actions (plan order) and its opened periods (oldest first)."""

    plan: PlanRef
    areas: tuple[AreaInfo, ...]
    actions: tuple[ActionInfo, ...]
    periods: tuple[PeriodRef, ...]
    today: date

    @property
    def action_ids(self) -> list[int]:
        """Ids of every action of the plan."""
        return [a.id for a in self.actions]

    def actions_of(self, area: AreaInfo) -> list[ActionInfo]:
        """The actions of `area`, in plan order."""
        return [a for a in self.actions if a.area_id == area.id]

    def period(self, quarter: FiscalQuarter) -> PeriodRef | None:
        """The opened period of `quarter`, if there is one."""
        return next((p for p in self.periods if p.quarter == quarter), None)

    def departments(self) -> list[str]:
        """Acronyms of every department assigned to an action, sorted."""
        return sorted({d for a in self.actions for d in a.departments})


def _areas(plan_id: int) -> tuple[AreaInfo, ...]:
    found = db.session.scalars(
        select(StrategicArea)
        .where(StrategicArea.plan_id == plan_id)
        .order_by(StrategicArea.position, StrategicArea.code)
    )
    return tuple(AreaInfo(a.id, a.code, a.position, a.colour, a.name_en, a.name_fr) for a in found)


def _actions(plan_id: int) -> tuple[ActionInfo, ...]:
    # Participant acronyms by action id, sorted.
    acronyms = participants.participants_by_action(plan_id, lambda d: d.acronym)
    rows = db.session.execute(
        select(Action, Department.acronym)
        .join(StrategicArea, StrategicArea.id == Action.area_id)
        .join(Department, Department.id == Action.lead_department_id)
        # A draft's action without its start or targets has no figures yet.
        .where(Action.plan_id == plan_id, Action.is_scheduled())
        .order_by(StrategicArea.position, StrategicArea.code, Action.position, Action.code)
    )
    return tuple(
        ActionInfo(
            a.id,
            a.code,
            a.title_en,
            a.title_fr,
            a.area_id,
            lead,
            tuple(acronyms.get(a.id, ())),
            s.start_quarter,
            s.baseline_target,
            s.current_target,
        )
        for a, lead in rows
        if (s := a.schedule) is not None
    )


def _periods(plan: PlanRef, today: date) -> tuple[PeriodRef, ...]:
    found = db.session.scalars(
        select(ReportingPeriod)
        .where(ReportingPeriod.quarter >= plan.first_quarter)
        .where(ReportingPeriod.quarter <= plan.last_quarter)
        .where(ReportingPeriod.opens_on <= today)
        .order_by(ReportingPeriod.quarter)
    )
    return tuple(PeriodRef(p.id, p.quarter, p.due_on, deadline_of(p.due_on)) for p in found)


def load_frame(slug: str, today: date) -> PlanFrame:
    """The plan called `slug` as plain data (404 when there is none), in five queries; kept
    until its tree changes (`tracker.cache`): progress updates leave it as it is."""
    return remember(
        "frame", (slug, today), lambda: _load_frame(slug, today), plan_slug=slug, tree=True
    )


def _load_frame(slug: str, today: date) -> PlanFrame:
    plan = plan_ref(plan_row(slug))
    return PlanFrame(plan, _areas(plan.id), _actions(plan.id), _periods(plan, today), today)
