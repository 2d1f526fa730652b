"""The roadmap: every action's baseline and forecast span, milestones, filters and "as of".

Rules (the page says them in words too):
- an action's *forecast target* is the forecast completion quarter of its latest accepted update
  that names one (latest quarter, the lead department's first, then the newest); without such an
  update it is the action's current target. The plan does not keep a history of its targets, so
  "as of" a past quarter the forecast target is read from the accepted updates up to that quarter;
- the status is `progress.action_statuses` (latest accepted, else latest submitted), up to the
  as-of quarter when one is chosen; drafts and returned updates never count;
- a milestone is done when completed by the as-of date (plan or accepted forecast), late when its
  baseline date has passed by then, otherwise upcoming; it is drawn at its completion date, else
  its accepted forecast date, else its baseline date;
- *moved* is the forecast target now minus the forecast target as of the chosen quarter;
- the baseline compared with is the latest baseline version (the one in force at the as-of
  quarter's end when one is chosen) or the original one (`plans.baselines`); an action or
  milestone that version does not hold (added later) shows its own baseline.
Queries: five for the frame, then six (seven with "as of"), whatever the plan's size.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Protocol

from sqlalchemy import select

from tracker.cache import remember
from tracker.extensions import db
from tracker.fiscal import FiscalQuarter, quarter_of
from tracker.models import (
    Milestone,
    MilestoneForecast,
    WorkflowState,
)
from tracker.models.org import Bilingual
from tracker.services.calendar.periods import start_month
from tracker.services.figures import progress, rollups
from tracker.services.figures.frame import NO_REPORT, ActionInfo, AreaInfo, PlanFrame
from tracker.services.figures.obligations import PeriodRef
from tracker.services.plans import baselines


class Targeted(Protocol):
    """An action (model or `ActionInfo`) with its baseline and current target."""

    @property
    def id(self) -> int: ...

    @property
    def baseline_target(self) -> FiscalQuarter: ...

    @property
    def current_target(self) -> FiscalQuarter: ...


@dataclass(frozen=True)
class Forecast:
    """A forecast completion quarter and the accepted update that named it."""

    target: FiscalQuarter
    quarter: FiscalQuarter  # the quarter the update reported on
    department: str


def forecast_targets(
    action_ids: Collection[int], up_to: FiscalQuarter | None = None
) -> dict[int, Forecast]:
    """Each action's latest accepted forecast completion (up to quarter `up_to`), from the
    rollups."""
    return standings(action_ids, up_to).forecasts


@dataclass(frozen=True)
class Standing:
    """Where actions stand as of a quarter (or now): status and forecast target."""

    states: dict[int, progress.ActionState]  # `progress.action_statuses`
    forecasts: dict[int, Forecast]  # `forecast_targets`


def standings(action_ids: Collection[int], as_of: FiscalQuarter | None = None) -> Standing:
    """`progress.action_statuses` and `forecast_targets` as of quarter `as_of` (None: now),
    from the rollups (`rollups.standing_rows`: two queries whatever the history)."""
    if not action_ids:
        return Standing({}, {})
    rows = rollups.standing_rows(action_ids, [as_of])[as_of]
    return Standing(
        {row.action_id: progress.state_of(row) for row in rows},
        {
            row.action_id: Forecast(
                row.forecast_completion, row.forecast_quarter, row.forecast_acronym
            )
            for row in rows
            if row.forecast_update_id is not None
        },
    )


def target_of(action: Targeted, forecasts: dict[int, Forecast]) -> FiscalQuarter:
    """The forecast target: the accepted forecast when there is one, else the current target."""
    found = forecasts.get(action.id)
    return found.target if found else action.current_target


def forecast_slipped(action: Targeted, forecasts: dict[int, Forecast]) -> bool:
    """Whether the action is forecast past its baseline target: the one meaning of "slipped"
    that the dashboard, the roadmap and the plan's headline count."""
    return target_of(action, forecasts) > action.baseline_target


@dataclass(frozen=True)
class RoadmapFilters:
    """What the roadmap shows: None means every area, department, status, year; live."""

    area: str | None = None
    department: str | None = None
    status: str | None = None
    year: int | None = None
    as_of: FiscalQuarter | None = None
    original: bool = False  # compare with the original baseline (else the latest)


@dataclass(frozen=True)
class RoadmapMilestone(Bilingual):
    code: str
    title_en: str
    title_fr: str
    baseline_due: date
    forecast_on: date | None
    completed_on: date | None
    state: str  # MilestoneState.DONE / LATE / UPCOMING
    at: date  # where the chart draws it


@dataclass(frozen=True)
class RoadmapRow:
    """One action on the roadmap, as of the chosen quarter (or now)."""

    action: ActionInfo
    area: AreaInfo
    status: str  # an ActionStatus value, or NO_REPORT
    percent: int | None
    target: FiscalQuarter  # forecast target as of the chosen quarter (or now)
    source: Forecast | None  # None: the action's current target
    now_target: FiscalQuarter
    milestones: tuple[RoadmapMilestone, ...]
    baseline: FiscalQuarter  # the baseline target compared with (original or latest)

    @property
    def moved(self) -> int:
        """Quarters the forecast target moved since the as-of quarter (positive = later)."""
        return self.now_target - self.target

    @property
    def slippage(self) -> int:
        """Quarters from the baseline target to the forecast target (positive = late)."""
        return self.target - self.baseline


@dataclass(frozen=True)
class Roadmap:
    frame: PlanFrame
    filters: RoadmapFilters
    as_of: PeriodRef | None
    on: date  # the date statuses and milestones are read at: the as-of quarter's end, or today
    rows: tuple[RoadmapRow, ...]  # after the filters
    total: int  # actions before the filters
    first: FiscalQuarter  # the time axis
    last: FiscalQuarter

    def groups(self) -> list[tuple[AreaInfo, list[RoadmapRow]]]:
        """The rows by area, in plan order (areas without a row left out)."""
        found: dict[int, tuple[AreaInfo, list[RoadmapRow]]] = {}
        for row in self.rows:
            found.setdefault(row.area.id, (row.area, []))[1].append(row)
        return list(found.values())

    @property
    def moved_later(self) -> int:
        return sum(1 for r in self.rows if r.moved > 0) if self.as_of else 0

    @property
    def moved_earlier(self) -> int:
        return sum(1 for r in self.rows if r.moved < 0) if self.as_of else 0


def past_periods(frame: PlanFrame) -> list[PeriodRef]:
    """Periods whose quarter has ended by the frame's today: the "as of" choices."""
    month = start_month()
    return [p for p in frame.periods if p.quarter.end_date(month) < frame.today]


def _milestone_rows(
    action_ids: Sequence[int], states: dict[int, progress.ActionState]
) -> dict[int, list[tuple[Milestone, MilestoneForecast | None]]]:
    """Milestones by action id with the forecast of the action's accepted status update."""
    accepted = [s.update_id for s in states.values() if s.state == WorkflowState.ACCEPTED]
    forecasts: dict[int, MilestoneForecast] = {}
    if accepted:
        for f in db.session.scalars(
            select(MilestoneForecast).where(MilestoneForecast.update_id.in_(accepted))
        ):
            forecasts[f.milestone_id] = f
    found: dict[int, list[tuple[Milestone, MilestoneForecast | None]]] = defaultdict(list)
    if action_ids:
        for m in db.session.scalars(
            select(Milestone)
            .where(Milestone.action_id.in_(action_ids))
            .order_by(Milestone.action_id, Milestone.position, Milestone.code)
        ):
            found[m.action_id].append((m, forecasts.get(m.id)))
    return found


def _milestone(m: Milestone, f: MilestoneForecast | None, on: date, due: date) -> RoadmapMilestone:
    """A milestone as it stood on `on`, against baseline date `due`: a completion after that
    date had not happened yet."""
    completed = m.completed_on or (f.completed_on if f else None)
    if completed is not None and completed > on:
        completed = None
    forecast_on = f.forecast_on if f else None
    p = progress.milestone_progress(m, forecast_on, completed, on)
    at = completed or forecast_on or due
    return RoadmapMilestone(
        m.code, m.title_en, m.title_fr, due, forecast_on, completed, p.state, at
    )


def _keep(row: RoadmapRow, f: RoadmapFilters) -> bool:
    """Whether the row passes the filters (a year keeps actions whose spans touch it)."""
    a = row.action
    end = max(row.baseline, row.target, row.now_target)
    return (
        (f.area is None or row.area.code == f.area)
        and (f.department is None or f.department in a.departments)
        and (f.status is None or row.status == f.status)
        and (f.year is None or a.start_quarter.year <= f.year <= end.year)
    )


def _axis(
    frame: PlanFrame, rows: Sequence[RoadmapRow], year: int | None
) -> tuple[FiscalQuarter, FiscalQuarter]:
    """The quarters the time axis spans: the year filtered on, else the plan and every span."""
    if year is not None:
        return FiscalQuarter(year, 1), FiscalQuarter(year, 4)
    month = start_month()
    first, last = frame.plan.first_quarter, frame.plan.last_quarter
    for r in rows:
        first = min(first, r.action.start_quarter)
        last = max(last, r.baseline, r.target, r.now_target)
        for m in r.milestones:
            first = min(first, quarter_of(m.at, month))
            last = max(last, quarter_of(m.at, month))
    return FiscalQuarter(first.year, 1), FiscalQuarter(last.year, 4)


def build_roadmap(frame: PlanFrame, filters: RoadmapFilters) -> Roadmap:
    """The roadmap of `frame`'s plan with `filters` applied (as of a past quarter if asked);
    kept until the data changes (`tracker.cache`)."""
    key = (frame.plan.id, frame.today, filters)
    return remember("roadmap", key, lambda: _roadmap(frame, filters), plan=frame.plan.id)


def _roadmap(frame: PlanFrame, filters: RoadmapFilters) -> Roadmap:
    as_of = frame.period(filters.as_of) if filters.as_of else None
    if filters.as_of is not None and as_of is None:
        raise ValueError(f"no reporting period {filters.as_of} in this plan")
    on = as_of.quarter.end_date(start_month()) if as_of else frame.today
    ids = frame.action_ids
    standing = standings(ids, as_of.quarter if as_of else None)
    states, then = standing.states, standing.forecasts
    now = forecast_targets(ids) if as_of else then
    milestones = _milestone_rows(ids, states)
    moment = datetime.combine(on, time.max, UTC) if as_of else None
    compared = baselines.baselines(frame.plan.id, original=filters.original, as_of=moment)
    areas = {a.id: a for a in frame.areas}
    rows = []
    for action in frame.actions:
        state = states.get(action.id)
        rows.append(
            RoadmapRow(
                action,
                areas[action.area_id],
                state.status if state else NO_REPORT,
                state.percent if state else None,
                target_of(action, then),
                then.get(action.id),
                target_of(action, now),
                tuple(
                    _milestone(m, f, on, compared.due(m.id, m.baseline_due))
                    for m, f in milestones[action.id]
                ),
                compared.target(action.id, action.baseline_target),
            )
        )
    kept = [r for r in rows if _keep(r, filters)]
    first, last = _axis(frame, kept, filters.year)
    return Roadmap(frame, filters, as_of, on, tuple(kept), len(rows), first, last)
