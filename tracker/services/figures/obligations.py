"""Who owes which quarterly update, and when: the ground truth of attention and compliance.

A department owes an update on an action for a reporting period when all of these hold:
- it is assigned to the action (the lead or a participant, as assigned today);
- the period's quarter lies within the plan's fiscal years and the period has a row (a due date);
- a participant added after the action started (`action_participant.since_quarter`) owes from
  that quarter on; a participant removed owes nothing more (its updates stay in the history);
- the action is active in that quarter: from its start quarter for as long as it is open. Past
  its current target it stays active until done; it stops with the quarter of the report that
  made its current status (`progress.action_statuses`) completed or cancelled, or with the
  quarter in which it was retired (nothing is owed from the quarter after).

An owed update is *submitted* when it is in state submitted or accepted now: a returned or draft
update is not (it was sent back to be fixed), and a resubmission's time is what counts.
It is *on time* when submitted by the end of the due date in the application's time zone
(BABEL_DEFAULT_TIMEZONE, the zone `clock.today` uses); without a recorded time it is taken as on
time. A period is *past due* the day after its due date.

Everything is read with a fixed number of set-based queries; results are plain frozen data.
The state and submission time of each department's update are read from the update slots'
rollup (`slot_rollups`, kept in step with the updates), not from the updates themselves.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Select,
    String,
    and_,
    case,
    cast,
    literal,
    null,
    or_,
    select,
    union,
    union_all,
)
from sqlalchemy.orm import aliased

from tracker.cache import remember
from tracker.extensions import db
from tracker.fiscal import FiscalQuarter, quarter_of
from tracker.models import (
    Action,
    ActionStatus,
    Department,
    ObligationFigure,
    Plan,
    ReportingPeriod,
    StrategicArea,
    action_participant,
)
from tracker.models.base import UTCDateTime
from tracker.models.org import Bilingual
from tracker.services.calendar.periods import start_month
from tracker.services.errors import NotFound
from tracker.services.figures import progress
from tracker.services.figures.slot_rollups import COUNTED_STATES as COUNTED_STATES

OwedUpdates = Select[int, int, int, str | None, datetime | None]
FINISHED_STATUSES = frozenset({ActionStatus.COMPLETED.value, ActionStatus.CANCELLED.value})


@dataclass(frozen=True)
class PlanRef(Bilingual):
    """A plan as plain data (`|tr('title')` works on it)."""

    id: int
    slug: str
    title_en: str
    title_fr: str
    first_year: int
    last_year: int
    status: str

    @property
    def first_quarter(self) -> FiscalQuarter:
        """Q1 of the plan's first fiscal year."""
        return FiscalQuarter(self.first_year, 1)

    @property
    def last_quarter(self) -> FiscalQuarter:
        """Q4 of the plan's last fiscal year."""
        return FiscalQuarter(self.last_year, 4)


@dataclass(frozen=True)
class DepartmentRef(Bilingual):
    """A department as plain data (`|tr('name')` works on it)."""

    id: int
    acronym: str
    name_en: str
    name_fr: str
    acronym_fr: str | None = None


@dataclass(frozen=True)
class ActionRef(Bilingual):
    """An action as plain data, with its schedule (usable by `progress.expected_percent`)."""

    id: int
    code: str
    title_en: str
    title_fr: str
    lead: str  # acronym of the lead department
    start_quarter: FiscalQuarter
    baseline_target: FiscalQuarter
    current_target: FiscalQuarter
    retired_in: FiscalQuarter | None = None  # the quarter in which it was retired


@dataclass(frozen=True)
class PeriodRef:
    """A reporting period and the instant (UTC) its due date ends in the local time zone."""

    id: int
    quarter: FiscalQuarter
    due_on: date
    deadline: datetime

    def past_due(self, today: date) -> bool:
        """True once the due date is over."""
        return today > self.due_on


@dataclass(frozen=True)
class PlanScope:
    """A plan's actions, assigned departments, current statuses and opened periods."""

    plan: PlanRef
    actions: tuple[ActionRef, ...]  # plan order: area position, then action position
    departments: Mapping[int, DepartmentRef]  # every department assigned to an action
    statuses: Mapping[int, progress.ActionState]
    periods: tuple[PeriodRef, ...]  # opened by `today`, within the plan's years, in order

    def finished_in(self, action_id: int) -> FiscalQuarter | None:
        """The quarter whose report made the action completed or cancelled, if it is."""
        state = self.statuses.get(action_id)
        return state.quarter if state and state.status in FINISHED_STATUSES else None

    def last_active(self, action: ActionRef) -> FiscalQuarter | None:
        """The last quarter updates on `action` are owed for (None: while the plan runs)."""
        ends = [q for q in (self.finished_in(action.id), action.retired_in) if q is not None]
        return min(ends) if ends else None

    def active(self, action: ActionRef, quarter: FiscalQuarter) -> bool:
        """Whether updates on `action` are owed for `quarter`."""
        last = self.last_active(action)
        return action.start_quarter <= quarter and (last is None or quarter <= last)


def deadline_of(due_on: date) -> datetime:
    """The end of `due_on` in the application's time zone, as a UTC instant."""
    zone = ZoneInfo(str(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "UTC")))
    return datetime.combine(due_on + timedelta(days=1), time.min, zone).astimezone(UTC)


def load_scope(plan_id: int, today: date) -> PlanScope:
    """The plan's scope in five queries whatever its size; once per request and data version
    (a page's sections share it), kept until the data changes (`tracker.cache`)."""
    return remember(
        "plan-scope", (plan_id, today), lambda: _load_scope(plan_id, today), plan=plan_id
    )


def _load_scope(plan_id: int, today: date) -> PlanScope:
    plan = plan_ref(db.get_or_404(Plan, plan_id))
    lead = aliased(Department)
    rows = db.session.execute(
        select(Action, lead)
        .join(StrategicArea, StrategicArea.id == Action.area_id)
        .join(lead, lead.id == Action.lead_department_id)
        # A draft's action without its start or targets has no figures yet.
        .where(Action.plan_id == plan_id, Action.is_scheduled())
        .order_by(StrategicArea.position, Action.position, Action.code)
    ).all()
    departments = {d.id: department_ref(d) for _, d in rows}
    # Each participating department once (not once per action it takes part in).
    taking_part = (
        select(action_participant.c.department_id)
        .join(Action, Action.id == action_participant.c.action_id)
        .where(Action.plan_id == plan_id)
    )
    participants = db.session.scalars(select(Department).where(Department.id.in_(taking_part)))
    departments.update((d.id, department_ref(d)) for d in participants)
    actions = tuple(_action(a, d.acronym) for a, d in rows)
    return PlanScope(
        plan,
        actions,
        departments,
        progress.action_statuses([a.id for a in actions]),
        _periods(plan, today),
    )


def plan_row(slug: str) -> Plan:
    """The plan called `slug` (404 when there is none), without its tree."""
    plan = db.session.scalar(select(Plan).where(Plan.slug == slug))
    if plan is None:
        raise NotFound()
    return plan


def plan_departments(plan_id: int) -> list[DepartmentRef]:
    """Departments assigned to the plan's actions (leads and participants), by acronym; kept
    until the data changes (`tracker.cache`)."""
    return remember(
        "plan-departments", (plan_id,), lambda: _plan_departments(plan_id), plan=plan_id
    )


def _plan_departments(plan_id: int) -> list[DepartmentRef]:
    assigned = _assignments(plan_id).subquery()
    found = db.session.scalars(
        select(Department)
        .where(Department.id.in_(select(assigned.c.department_id)))
        .order_by(Department.acronym)
    )
    return [department_ref(d) for d in found]


def plan_ref(plan: Plan) -> PlanRef:
    """`plan` as plain data."""
    return PlanRef(
        plan.id,
        plan.slug,
        plan.title_en,
        plan.title_fr,
        plan.first_year,
        plan.last_year,
        plan.status,
    )


def department_ref(department: Department) -> DepartmentRef:
    """`department` as plain data."""
    return DepartmentRef(
        department.id,
        department.acronym,
        department.name_en,
        department.name_fr,
        department.acronym_fr,
    )


def _action(action: Action, lead: str) -> ActionRef:
    schedule = action.schedule
    assert schedule is not None  # the query keeps scheduled actions only
    return ActionRef(
        action.id,
        action.code,
        action.title_en,
        action.title_fr,
        lead,
        schedule.start_quarter,
        schedule.baseline_target,
        schedule.current_target,
        quarter_of(action.retired_at.date(), start_month()) if action.retired_at else None,
    )


def _periods(plan: PlanRef, today: date) -> tuple[PeriodRef, ...]:
    """Periods of the plan's years that have opened by `today`, oldest first."""
    periods = db.session.scalars(
        select(ReportingPeriod)
        .where(ReportingPeriod.quarter >= plan.first_quarter)
        .where(ReportingPeriod.quarter <= plan.last_quarter)
        .where(ReportingPeriod.opens_on <= today)
        .order_by(ReportingPeriod.quarter)
    )
    return tuple(PeriodRef(p.id, p.quarter, p.due_on, deadline_of(p.due_on)) for p in periods)


def assignments(plan_id: int) -> list[tuple[int, int | None, FiscalQuarter | None]]:
    """(action id, department id, since) of the plan's assignments, and of each of its actions
    (the department None: a draft's action without a lead yet)."""
    rows = db.session.execute(_assignments(plan_id, every=True))
    return [(a, d, FiscalQuarter.parse(since) if since else None) for a, d, since in rows]


def _assignments(plan_id: int, every: bool = False) -> CompoundSelect[int, int, str | None]:
    """(action_id, department_id, since) for every lead and participant of the plan's actions;
    `since`: the quarter a late participant owes from (NULL: from the action's start). With
    `every`, a row per lead and per participant (UNION ALL: no sort to drop the duplicates)."""
    leads = select(
        Action.id.label("action_id"),
        Action.lead_department_id.label("department_id"),
        cast(null(), String(7)).label("since"),
    )
    takes_part = select(
        action_participant.c.action_id,
        action_participant.c.department_id,
        cast(action_participant.c.since_quarter, String(7)).label("since"),
    ).join(Action, Action.id == action_participant.c.action_id)
    return (union_all if every else union)(
        leads.where(Action.plan_id == plan_id), takes_part.where(Action.plan_id == plan_id)
    )


def _active_until(scope: PlanScope) -> ColumnElement[str]:
    """Per action, the last quarter it is active in (the plan's last quarter when open)."""
    last = literal(str(scope.plan.last_quarter), String)
    finished = {a.id: str(q) for a in scope.actions if (q := scope.last_active(a)) is not None}
    if not finished:
        return last
    return case(
        {action_id: literal(q, String) for action_id, q in finished.items()},
        value=Action.id,
        else_=last,
    )


def owed_updates(
    scope: PlanScope, periods: Collection[PeriodRef], department_id: int | None = None
) -> OwedUpdates:
    """One row per owed update in `periods`: department_id, action_id, period_id, and the
    state and submission time of the department's update (None when it has none)."""
    assigned = _assignments(scope.plan.id).subquery()
    stmt = (
        select(
            assigned.c.department_id,
            Action.id.label("action_id"),
            ReportingPeriod.id.label("period_id"),
            ObligationFigure.state,
            ObligationFigure.submitted_at,
        )
        .select_from(assigned)
        .join(Action, Action.id == assigned.c.action_id)
        .join(
            ReportingPeriod,
            and_(
                ReportingPeriod.id.in_([p.id for p in periods]),
                ReportingPeriod.quarter >= Action.start_quarter,
                ReportingPeriod.quarter <= _active_until(scope),
                or_(
                    assigned.c.since.is_(None),
                    cast(ReportingPeriod.quarter, String(7)) >= assigned.c.since,
                ),
            ),
        )
        .outerjoin(
            ObligationFigure,
            and_(
                ObligationFigure.action_id == Action.id,
                ObligationFigure.department_id == assigned.c.department_id,
                ObligationFigure.period_id == ReportingPeriod.id,
            ),
        )
    )
    if department_id is not None:
        stmt = stmt.where(assigned.c.department_id == department_id)
    return stmt


def deadline_by_period(
    period_id: ColumnElement[int], periods: Sequence[PeriodRef]
) -> ColumnElement[datetime]:
    """An SQL expression: the deadline of the period whose id is in `period_id`."""
    if not periods:
        return literal(None, UTCDateTime())
    return case({p.id: literal(p.deadline, UTCDateTime()) for p in periods}, value=period_id)


def is_counted(state: str | None) -> bool:
    """Whether an update in `state` counts as submitted."""
    return state in COUNTED_STATES
