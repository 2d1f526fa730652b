"""Rollups: where each action stands as of each reporting period, kept in step with the data.

`action_figure` holds, per action and reporting period, the action's counted update as of the
period's quarter and its latest accepted forecast completion, both chosen by the one rule of
`counted` (`fresh_rows` calls its builder). The pages read them (`progress.action_statuses`,
`roadmap.standings`...), so what a page costs depends on the actions it shows, not on years
of history.

They are derived data, written in the transaction that moves them: a listener
(`rollup_writes`) notes, at each flush, the progress updates whose counted state may change
(anything but a draft staying a draft), the actions whose lead department changes and the new
reporting periods, and once the flush has written them recomputes those actions' rows from the
source rows (from the touched quarter on) and replaces them: the rest of the transaction, and
its commit, read rollups that agree with its writes. On PostgreSQL a transaction-scoped
advisory lock per action, taken before recomputing, makes two departments submitting on one
action at once recompute one after the other, the second from the first's committed rows (READ
COMMITTED: each statement reads what has committed when it starts): no rollup is lost. SQLite
writers are serialised by BEGIN IMMEDIATE (`tracker.db`).

`rebuild` recomputes them from history (`flask figures rebuild`), `differences` compares them
with a fresh computation (`flask figures check`); both cover the update slots' rollup
(`slot_rollups`, what compliance and attention read) too.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Row,
    Select,
    Subquery,
    and_,
    delete,
    func,
    insert,
    literal,
    select,
    union_all,
)
from sqlalchemy.orm import Session, aliased

from tracker.extensions import db
from tracker.fiscal import FiscalQuarter
from tracker.models import (
    Action,
    ActionFigure,
    Department,
    ObligationFigure,
    ObligationTally,
    Plan,
    ProgressUpdate,
    ReportingPeriod,
)
from tracker.models.base import QuarterType
from tracker.services.figures import counted, slot_rollups

# A row of `standing_rows`: the columns of COLUMNS, then the two acronyms.
StandingRow = Row[*tuple[Any, ...]]
# The advisory lock namespace of rollup writers (PostgreSQL: pg_advisory_xact_lock(key, id)).
LOCK_SPACE = 20_812
# Actions recomputed per statement by `rebuild` and `differences`.
CHUNK = 500
COLUMNS = (
    "action_id",
    "period_id",
    "quarter",
    "update_id",
    "state",
    "status",
    "percent",
    "update_quarter",
    "department_id",
    "forecast_update_id",
    "forecast_completion",
    "forecast_quarter",
    "forecast_department_id",
)


def names_target(update: type[ProgressUpdate]) -> ColumnElement[bool]:
    """The update names a forecast completion quarter."""
    return update.forecast_completion.is_not(None)


def _renamed(subquery: Subquery, name: str) -> Subquery:
    return select(*subquery.c).subquery(name)


def fresh_rows(action_ids: Collection[int], since: FiscalQuarter | None = None) -> Select[Any]:
    """The rollup rows of `action_ids` (for the periods of `since` and later), computed from
    the progress updates with the counted-update builder; columns in the order of COLUMNS."""
    periods = select(ReportingPeriod.quarter)
    if since is not None:
        periods = periods.where(ReportingPeriod.quarter >= since)
    # Both subqueries are called "counted": named apart here.
    status = _renamed(counted.counted_updates(action_ids, periods), "status")
    forecast = _renamed(
        counted.counted_updates(
            action_ids, periods, states=counted.ACCEPTED_ONLY, extra=names_target
        ),
        "forecast",
    )
    period, chosen, chosen_period = (
        aliased(ReportingPeriod),
        aliased(ProgressUpdate),
        aliased(ReportingPeriod),
    )
    named, named_period = aliased(ProgressUpdate), aliased(ReportingPeriod)
    return (
        select(
            status.c.action_id,
            period.id,
            period.quarter,
            chosen.id,
            chosen.state,
            chosen.status,
            chosen.percent_complete,
            chosen_period.quarter,
            chosen.department_id,
            named.id,
            named.forecast_completion,
            named_period.quarter,
            named.department_id,
        )
        .select_from(status)
        .join(period, period.quarter == status.c.as_of)
        .join(chosen, chosen.id == status.c.update_id)
        .join(chosen_period, chosen_period.id == chosen.period_id)
        .outerjoin(
            forecast,
            and_(forecast.c.action_id == status.c.action_id, forecast.c.as_of == status.c.as_of),
        )
        .outerjoin(named, named.id == forecast.c.update_id)
        .outerjoin(named_period, named_period.id == named.period_id)
    )


def _lock(session: Session, action_ids: Sequence[int]) -> None:
    """PostgreSQL: wait for any other transaction recomputing these actions to end (in id
    order, so that two writers never wait for each other)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for action_id in sorted(action_ids):
        session.execute(select(func.pg_advisory_xact_lock(LOCK_SPACE, action_id)))


def refresh(session: Session, action_ids: Collection[int], since: FiscalQuarter | None) -> None:
    """Replace the rollup rows of `action_ids` from quarter `since` on (None: all) with rows
    recomputed from the progress updates, in the session's transaction."""
    ids = sorted(set(action_ids))
    if not ids:
        return
    _lock(session, ids)
    gone = delete(ActionFigure).where(ActionFigure.action_id.in_(ids))
    if since is not None:
        gone = gone.where(ActionFigure.quarter >= since)
    session.execute(gone.execution_options(synchronize_session=False))
    columns = [getattr(ActionFigure, c) for c in COLUMNS]
    session.execute(insert(ActionFigure).from_select(columns, fresh_rows(ids, since)))


def refresh_bypassed(
    session: Session, action_ids: Collection[int], since: FiscalQuarter | None = None
) -> None:
    """Both rollups of `action_ids` recomputed (the action rows from quarter `since` on), and
    the slot tally of their plans, after Core inserts or deletes of their updates, which the
    listener of `rollup_writes` does not see; in the session's transaction."""
    refresh(session, action_ids, since)
    slot_rollups.refresh_actions(session, sorted(set(action_ids)))
    plans = session.scalars(select(Action.plan_id).where(Action.id.in_(action_ids)).distinct())
    slot_rollups.recount_tallies(session, list(plans))


def _action_ids(plan_slug: str | None) -> list[int]:
    stmt = select(Action.id).order_by(Action.id)
    if plan_slug is not None:
        stmt = stmt.join(Plan, Plan.id == Action.plan_id).where(Plan.slug == plan_slug)
    return list(db.session.scalars(stmt))


def chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def rebuild(plan_slug: str | None = None) -> int:
    """Recompute every rollup row (of the plan called `plan_slug`) from history, and the slot
    tally of the plans, and commit; the number of rows written (action rollups and update
    slots together, the tally aside)."""
    ids = _action_ids(plan_slug)
    if plan_slug is None:  # rows of actions that no longer exist cascade; nothing else stays
        db.session.execute(delete(ActionFigure))
        db.session.execute(delete(ObligationFigure))
        db.session.execute(delete(ObligationTally))
    for chunk in chunks(ids):
        refresh_bypassed(db.session(), chunk)
    count = 0
    for table in (ActionFigure, ObligationFigure):
        written = select(func.count()).select_from(table)
        if plan_slug is not None:
            written = written.where(table.action_id.in_(ids))
        count += db.session.scalar(written) or 0
    db.session.commit()
    return count


def differences(plan_slug: str | None = None) -> list[str]:
    """Each difference between the stored rollups (of the plan called `plan_slug`) and a fresh
    computation from the progress updates, as a line of text; none when they agree."""
    found: list[str] = []
    for chunk in chunks(_action_ids(plan_slug)):
        stored_rows = db.session.execute(
            select(*(getattr(ActionFigure, c) for c in COLUMNS)).where(
                ActionFigure.action_id.in_(chunk)
            )
        )
        stored = {(r[0], r[1]): tuple(r) for r in stored_rows}
        fresh = {(r[0], r[1]): tuple(r) for r in db.session.execute(fresh_rows(chunk))}
        for key in sorted(stored.keys() | fresh.keys()):
            found.extend(_describe(key, stored.get(key), fresh.get(key)))
        found.extend(slot_rollups.differences(db.session(), chunk))
    plans = select(Plan.id)
    if plan_slug is not None:
        plans = plans.where(Plan.slug == plan_slug)
    found.extend(slot_rollups.tally_differences(db.session(), list(db.session.scalars(plans))))
    if plan_slug is None:
        for table in (ActionFigure, ObligationFigure):
            orphans = db.session.scalar(
                select(func.count())
                .select_from(table)
                .where(table.action_id.not_in(select(Action.id)))
            )
            if orphans:
                found.append(f"{orphans} {table.__tablename__} rows of actions that do not exist")
    return found


def _describe(
    key: tuple[int, int], stored: tuple[Any, ...] | None, fresh: tuple[Any, ...] | None
) -> list[str]:
    where = f"action {key[0]}, period {key[1]}"
    return slot_rollups.describe(where, COLUMNS, stored, fresh, "no counted update")


# Reading them.


def _asked(quarters: Sequence[FiscalQuarter | None]) -> Subquery:
    """(asked, effective): each of `quarters` (None: now) and the quarter of the latest
    reporting period on or before it. Where an action stands as of a quarter is where it
    stands as of that period, since every update belongs to a period."""
    rows = []
    for quarter in dict.fromkeys(quarters):
        latest = select(func.max(ReportingPeriod.quarter))
        if quarter is not None:
            latest = latest.where(ReportingPeriod.quarter <= quarter)
        asked = literal(quarter, QuarterType()).label("asked")
        rows.append(select(asked, latest.scalar_subquery().label("effective")))
    return (rows[0] if len(rows) == 1 else union_all(*rows)).subquery("asked")


def standing_rows(
    action_ids: Collection[int], quarters: Sequence[FiscalQuarter | None]
) -> dict[FiscalQuarter | None, list[StandingRow]]:
    """The rollup rows of `action_ids` as of each of `quarters` (None: now), with the acronyms
    of the counted update's department (`acronym`) and the forecast's (`forecast_acronym`);
    one query whatever the history."""
    found: dict[FiscalQuarter | None, list[StandingRow]] = {q: [] for q in quarters}
    if not action_ids or not quarters:
        return found
    asked = _asked(quarters)
    department, forecaster = aliased(Department), aliased(Department)
    rows = db.session.execute(
        select(
            *(getattr(ActionFigure, c) for c in COLUMNS),
            department.acronym.label("acronym"),
            forecaster.acronym.label("forecast_acronym"),
            asked.c.asked,
        )
        .select_from(asked)
        .join(ActionFigure, ActionFigure.quarter == asked.c.effective)
        .join(department, department.id == ActionFigure.department_id)
        .outerjoin(forecaster, forecaster.id == ActionFigure.forecast_department_id)
        .where(ActionFigure.action_id.in_(action_ids))
    )
    for row in rows:
        found[row.asked].append(row)
    return found


def percent_rows(
    action_ids: Collection[int], period_ids: Sequence[int]
) -> dict[int, list[StandingRow]]:
    """`action_id`, `status` and `percent` of the rollup rows of `action_ids` for each of the
    periods `period_ids`, by period id: what an average of reported percents needs, without
    the other columns and the joins of `standing_rows` (the trends read 40 periods of 100
    actions, 4,000 rows); one query."""
    found: dict[int, list[StandingRow]] = {p: [] for p in period_ids}
    if not action_ids or not period_ids:
        return found
    rows = db.session.execute(
        select(
            ActionFigure.period_id,
            ActionFigure.action_id,
            ActionFigure.status,
            ActionFigure.percent,
        ).where(ActionFigure.period_id.in_(period_ids), ActionFigure.action_id.in_(action_ids))
    )
    for row in rows:
        found[row.period_id].append(row)
    return found
