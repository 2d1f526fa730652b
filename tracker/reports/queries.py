"""The set-based reads behind a report snapshot: a fixed number of Core selects returning tuples.

Only accepted updates count, chosen by the one counted-update rule
(`tracker.services.figures.counted` with `states=ACCEPTED_ONLY`): a quarter's status is the
action's counted update within that quarter (the lead department's first, then the newest); an
action's year-end status is its counted update as of the year's last quarter (latest quarter,
the lead's first, then the newest), which is what the dashboard shows for that quarter whenever
the action has an accepted update.
"""

from __future__ import annotations

import functools
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, Subquery, func, select

from tracker.extensions import db
from tracker.fiscal import FiscalQuarter, Schedule, quarters_of_year
from tracker.models import (
    Action,
    Department,
    Milestone,
    MilestoneForecast,
    ProgressUpdate,
    ReportingPeriod,
    StrategicArea,
)
from tracker.services.figures import counted


@dataclass(frozen=True)
class AcceptedUpdate:
    """The accepted update that gives an action its status for a quarter or the year end."""

    id: int
    action_id: int
    quarter: FiscalQuarter
    status: str
    percent: int | None
    department: str


@dataclass(frozen=True)
class AreaData:
    id: int
    code: str
    name_en: str
    name_fr: str
    goal_en: str
    goal_fr: str
    colour: str


@dataclass(frozen=True)
class ActionData:
    """An action's identity and schedule (usable by `progress.expected_percent`)."""

    id: int
    area_id: int
    code: str
    title_en: str
    title_fr: str
    lead: str
    start_quarter: FiscalQuarter
    baseline_target: FiscalQuarter
    current_target: FiscalQuarter


@dataclass(frozen=True)
class MilestoneData:
    id: int
    action_id: int
    code: str
    title_en: str
    title_fr: str
    baseline_due: date
    completed_on: date | None


def areas(plan_id: int) -> list[AreaData]:
    """The plan's strategic areas in plan order."""
    rows = db.session.execute(
        select(
            StrategicArea.id,
            StrategicArea.code,
            StrategicArea.name_en,
            StrategicArea.name_fr,
            StrategicArea.goal_en,
            StrategicArea.goal_fr,
            StrategicArea.colour,
        )
        .where(StrategicArea.plan_id == plan_id)
        .order_by(StrategicArea.position, StrategicArea.code)
    )
    return [AreaData(*row) for row in rows]


def actions(plan_id: int) -> list[ActionData]:
    """The plan's actions in plan order: area position, then action position."""
    rows = db.session.execute(
        select(
            Action.id,
            Action.area_id,
            Action.code,
            Action.title_en,
            Action.title_fr,
            Department.acronym,
            Action.start_quarter,
            Action.baseline_target,
            Action.current_target,
        )
        .join(Department, Department.id == Action.lead_department_id)
        .join(StrategicArea, StrategicArea.id == Action.area_id)
        # A draft's action without its start or targets has no figures yet.
        .where(Action.plan_id == plan_id, Action.is_scheduled())
        .order_by(StrategicArea.position, StrategicArea.code, Action.position, Action.code)
    )
    return [
        ActionData(*row[:6], s.start_quarter, s.baseline_target, s.current_target)
        for row in rows
        if (s := Schedule.of(*row[6:])) is not None
    ]


def periods_between(first: FiscalQuarter, last: FiscalQuarter) -> Select[int]:
    """Ids of the reporting periods of quarters first..last, as a subquery.

    Filtering updates on `period_id IN (...)` lets the database use the (period, state) index
    instead of scanning every update of every year."""
    return select(ReportingPeriod.id).where(
        ReportingPeriod.quarter >= first, ReportingPeriod.quarter <= last
    )


def year_quarters(year: int) -> tuple[FiscalQuarter, FiscalQuarter]:
    """The first and last quarter of fiscal year `year`."""
    return FiscalQuarter(year, 1), FiscalQuarter(year, 4)


@functools.lru_cache(maxsize=512)
def parse_quarter(text: str) -> FiscalQuarter:
    """A quarter from its stored text, cached (a year's rows hold a handful of quarters)."""
    return FiscalQuarter.parse(text)


def _accepted(chosen: Subquery) -> list[AcceptedUpdate]:
    """The updates a `counted.counted_updates` subquery chose, with their as-of quarter."""
    rows = db.session.execute(
        select(
            ProgressUpdate.id,
            ProgressUpdate.action_id,
            ReportingPeriod.quarter,
            ProgressUpdate.status,
            ProgressUpdate.percent_complete,
            Department.acronym,
        )
        .select_from(chosen)
        .join(ProgressUpdate, ProgressUpdate.id == chosen.c.update_id)
        .join(ReportingPeriod, ReportingPeriod.id == ProgressUpdate.period_id)
        .join(Department, Department.id == ProgressUpdate.department_id)
    )
    return [AcceptedUpdate(*row) for row in rows]


def quarterly_accepted(action_ids: Collection[int], year: int) -> list[AcceptedUpdate]:
    """The accepted update that sets each action's status in each quarter of `year`: the
    counted update (`counted`, accepted only) within that quarter."""
    if not action_ids:
        return []
    quarters = quarters_of_year(year)
    chosen = counted.counted_updates(
        action_ids, quarters, states=counted.ACCEPTED_ONLY, in_quarter=True
    )
    return _accepted(chosen)


def year_end_accepted(action_ids: Collection[int], year: int) -> list[AcceptedUpdate]:
    """Each action's counted update (`counted`, accepted only) as of the last quarter of
    `year`: its status at the end of the year, from that year or an earlier one."""
    if not action_ids:
        return []
    chosen = counted.counted_updates(
        action_ids, [FiscalQuarter(year, 4)], states=counted.ACCEPTED_ONLY
    )
    return _accepted(chosen)


def forecasts(update_ids: Collection[int]) -> list[tuple[int, int, date | None, date | None]]:
    """(update id, milestone id, forecast_on, completed_on) of the given updates."""
    if not update_ids:
        return []
    rows = db.session.execute(
        select(
            MilestoneForecast.update_id,
            MilestoneForecast.milestone_id,
            MilestoneForecast.forecast_on,
            MilestoneForecast.completed_on,
        ).where(MilestoneForecast.update_id.in_(update_ids))
    )
    return [(u, m, forecast_on, done) for u, m, forecast_on, done in rows]


def narratives(update_ids: Collection[int]) -> dict[int, tuple[str, str, str]]:
    """Update id -> (accomplishments, risks, the language they were written in)."""
    if not update_ids:
        return {}
    rows = db.session.execute(
        select(
            ProgressUpdate.id,
            ProgressUpdate.accomplishments,
            ProgressUpdate.risks,
            ProgressUpdate.narrative_language,
        ).where(ProgressUpdate.id.in_(update_ids))
    )
    return {update_id: (done, risks, lang or "") for update_id, done, risks, lang in rows}


def state_counts(plan_id: int, year: int) -> dict[str, int]:
    """The year's updates of the plan by workflow state, as they are now."""
    rows = db.session.execute(
        select(ProgressUpdate.state, func.count())
        .join(ReportingPeriod, ReportingPeriod.id == ProgressUpdate.period_id)
        .join(Action, Action.id == ProgressUpdate.action_id)
        .where(
            Action.plan_id == plan_id,
            ProgressUpdate.period_id.in_(periods_between(*year_quarters(year))),
        )
        .group_by(ProgressUpdate.state)
    )
    return {state: count for state, count in rows}


def milestones(plan_id: int) -> list[MilestoneData]:
    """Every milestone of the plan, by action then position."""
    rows = db.session.execute(
        select(
            Milestone.id,
            Milestone.action_id,
            Milestone.code,
            Milestone.title_en,
            Milestone.title_fr,
            Milestone.baseline_due,
            Milestone.completed_on,
        )
        .join(Action, Action.id == Milestone.action_id)
        .where(Action.plan_id == plan_id)
        .order_by(Milestone.action_id, Milestone.position, Milestone.code)
    )
    return [MilestoneData(*row) for row in rows]
