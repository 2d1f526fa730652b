"""Which update counts for an action: the one rule, written once, as SQL.

An action's *counted update* as of a quarter is chosen among its updates in a counted workflow
state whose period's quarter is on or before that quarter:

1. the lead department's updates first: the lead answers for the action, so a participant's
   report (say "off track" for its part) never stands as the action's status while the lead
   has a counted update; participants' updates count only while the lead has none;
2. then by workflow state, in the caller's order: accepted before submitted, so an accepted
   update of an older quarter beats a newer submitted one (the action's status is its latest
   accepted update's, else its latest submitted one's); drafts and returned updates never count;
3. then the newest quarter;
4. then the newest row (the highest id).

The yearly report counts accepted updates only: the same rule with `states=ACCEPTED_ONLY`.
A caller may narrow the candidates (`extra`, e.g. "names a forecast completion"), ask for the
choice as of several quarters at once (trends) or within each quarter only (`in_quarter`: the
report's quarterly statuses, the milestone trend).

Every figure that says where an action stands builds on `counted_updates`: the dashboard,
roadmap, trends, compliance, attention, the plan and action pages, the API and the yearly report
(tests/services/test_counted_rule.py checks that they agree). The query walks each action's
periods from the newest with one index probe each, so its cost does not grow with the history.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence

from sqlalchemy import (
    ColumnElement,
    ScalarSelect,
    Select,
    Subquery,
    case,
    func,
    literal,
    select,
    true,
    union_all,
)
from sqlalchemy.orm import aliased

from tracker.fiscal import FiscalQuarter
from tracker.models import Action, ProgressUpdate, ReportingPeriod
from tracker.models.base import QuarterType
from tracker.vocab import WorkflowState

# A condition on progress updates, given the entity to build it on (the table or an alias).
Condition = Callable[[type[ProgressUpdate]], ColumnElement[bool]]

COUNTED = (WorkflowState.ACCEPTED, WorkflowState.SUBMITTED)
ACCEPTED_ONLY = (WorkflowState.ACCEPTED,)
AsOf = Sequence[FiscalQuarter] | Select[FiscalQuarter]


def _points(as_of: AsOf) -> Subquery:
    """The as-of quarters as a one-column table `quarter`."""
    if isinstance(as_of, Select):
        return as_of.subquery("as_of")
    rows = [select(literal(q, QuarterType()).label("quarter")) for q in dict.fromkeys(as_of)]
    if len(rows) == 1:
        return rows[0].subquery("as_of")
    return union_all(*rows).subquery("as_of")


def _latest_period(
    state: WorkflowState,
    points: Subquery | None,
    in_quarter: bool,
    extra: Condition | None,
    lead_only: bool = False,
) -> ScalarSelect[int]:
    """For the enclosing query's action and as-of quarter: the newest period (up to that
    quarter, or of that quarter) holding one of its updates in `state` that meets `extra`
    (with `lead_only`, one of its lead department's)."""
    lead = [ProgressUpdate.department_id == Action.lead_department_id] if lead_only else []
    exists = (
        select(ProgressUpdate.id)
        .where(
            ProgressUpdate.action_id == Action.id,
            ProgressUpdate.period_id == ReportingPeriod.id,
            ProgressUpdate.state == state.value,
            *lead,
            *([extra(ProgressUpdate)] if extra else []),
        )
        .correlate(Action, ReportingPeriod)
        .exists()
    )
    stmt = select(ReportingPeriod.id).where(exists)
    if points is not None:
        stmt = stmt.correlate(Action, points)
        limit = points.c.quarter
        within = (
            ReportingPeriod.quarter == limit if in_quarter else ReportingPeriod.quarter <= limit
        )
        stmt = stmt.where(within)
    else:
        stmt = stmt.correlate(Action)
    return stmt.order_by(ReportingPeriod.quarter.desc()).limit(1).scalar_subquery()


def counted_updates(
    action_ids: Collection[int],
    as_of: AsOf | None = None,
    *,
    states: Sequence[WorkflowState] = COUNTED,
    in_quarter: bool = False,
    extra: Condition | None = None,
) -> Subquery:
    """(action_id, as_of, update_id): each action's counted update as of each quarter of
    `as_of` (quarters, or a select of one column of them; None: as of now, and the `as_of`
    column is NULL), among the updates in `states` (in order of preference) that meet `extra`;
    with `in_quarter`, among the updates of that very quarter. Actions without any are absent.
    Cost: a few index probes per action and as-of quarter."""
    points = _points(as_of) if as_of is not None else None
    # The lead's periods by state, then anyone's: the first found decides (rules 1 and 2).
    ordered = [(s, True) for s in states] + [(s, False) for s in states]
    latest = [_latest_period(s, points, in_quarter, extra, lead) for s, lead in ordered]
    period: ColumnElement[int] = func.coalesce(*latest)
    pairs = zip(latest[:-1], ordered, strict=False)
    state: ColumnElement[str] = case(
        *((found.is_not(None), s.value) for found, (s, _lead) in pairs),
        else_=ordered[-1][0].value,
    )
    quarter = points.c.quarter if points is not None else literal(None, QuarterType())
    best = select(
        Action.id.label("action_id"),
        Action.lead_department_id.label("lead"),
        quarter.label("as_of"),
        period.label("period_id"),
        state.label("state"),
    ).where(Action.id.in_(action_ids))
    if points is not None:
        best = best.join_from(Action, points, true())
    chosen = best.subquery("best")
    row = aliased(ProgressUpdate)
    row_extra = [extra(row)] if extra else []

    def newest(*also: ColumnElement[bool]) -> ScalarSelect[int]:
        return (
            select(func.max(row.id))
            .where(
                row.action_id == chosen.c.action_id,
                row.period_id == chosen.c.period_id,
                row.state == chosen.c.state,
                *row_extra,
                *also,
            )
            .scalar_subquery()
        )

    update_id = func.coalesce(newest(row.department_id == chosen.c.lead), newest())
    return (
        select(chosen.c.action_id, chosen.c.as_of, update_id.label("update_id"))
        .where(chosen.c.period_id.is_not(None))
        .subquery("counted")
    )
