"""Who takes part in an action besides its lead, and from which reporting period.

A participant added to an action of an active plan owes updates from the next reporting period
to open, not for quarters already open or past; one removed stops owing updates, and what it
reported stays in the action's history (updates are kept per department).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import date
from typing import TypeVar

from sqlalchemy import String, cast, delete, func, insert, select
from sqlalchemy.orm.attributes import flag_modified

from tracker.extensions import db
from tracker.fiscal import FiscalQuarter, quarter_of
from tracker.models import (
    Action,
    ChangeKind,
    Department,
    Plan,
    PlanStatus,
    ReportingPeriod,
    User,
    action_participant,
)
from tracker.services.calendar import clock
from tracker.services.calendar.periods import start_month
from tracker.services.plans import changes

T = TypeVar("T")


def next_open_quarter(today: date) -> FiscalQuarter:
    """The quarter of the next reporting period to open after `today`."""
    found = db.session.scalar(
        select(ReportingPeriod.quarter)
        .where(ReportingPeriod.opens_on > today)
        .order_by(ReportingPeriod.quarter)
        .limit(1)
    )
    return found or quarter_of(today, start_month()).next()


def participants_by_action(plan_id: int, value: Callable[[Department], T]) -> dict[int, list[T]]:
    """`value` of each participant (besides the lead) of each action of the plan `plan_id`, in
    acronym order, by action id; actions without any are absent. One row per department, with
    the ids of its actions joined by the database, and `value` asked once per department: 100
    actions of 100 departments have 9,900 participant pairs, which as result rows (or as
    Department rows through the relationship) cost more than everything else a plan page
    reads."""
    pairs = action_participant.c
    rows = db.session.execute(
        select(Department, func.aggregate_strings(cast(pairs.action_id, String), ","))
        .join(action_participant, pairs.department_id == Department.id)
        .where(pairs.action_id.in_(select(Action.id).where(Action.plan_id == plan_id)))
        .group_by(Department.id)
    ).all()
    found: dict[int, list[T]] = defaultdict(list)
    for department, joined in sorted(rows, key=lambda row: row[0].acronym):
        shown = value(department)
        for action_id in joined.split(","):
            found[int(action_id)].append(shown)
    return found


def set_participants(
    plan: Plan, action: Action, wanted: Sequence[Department], actor: User, new: bool = False
) -> bool:
    """Make `wanted` the action's participants, recording the change; False when unchanged.
    `new`: the action is being added (no one can have read its participants yet)."""
    current = {} if new else {d.id: d for d in action.participants}
    wanted_ids = {d.id for d in wanted}
    added = [d for d in wanted if d.id not in current]
    removed = [d for d in current.values() if d.id not in wanted_ids]
    if not added and not removed:
        return False
    since = None if plan.status == PlanStatus.DRAFT.value else next_open_quarter(clock.today())
    if removed:
        db.session.execute(
            delete(action_participant).where(
                action_participant.c.action_id == action.id,
                action_participant.c.department_id.in_([d.id for d in removed]),
            )
        )
    if added:
        db.session.execute(
            insert(action_participant),
            [
                {"action_id": action.id, "department_id": d.id, "since_quarter": since}
                for d in added
            ],
        )
    changes.record(
        plan,
        ChangeKind.PARTICIPANTS_CHANGED,
        actor,
        action=action,
        field="participants",
        old=", ".join(sorted(current[i].acronym for i in current)),
        new=", ".join(sorted(d.acronym for d in wanted))
        + (f" ({since})" if since and added else ""),
    )
    db.session.expire(action, ["participants"])
    if new:
        return True
    # The rows above are not the action's columns: bump its version so that a planner who
    # read the old participants gets a conflict rather than silently undoing this change.
    flag_modified(action, "code")
    return True
