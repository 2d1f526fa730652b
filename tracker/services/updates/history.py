"""An action's update history as its pages show it: a bounded slice, and the way to the rest.

An action gathers one update per department per quarter, so its whole history grows with both
(about 4,000 updates after ten years of a hundred departments). The action page therefore shows
only the latest quarters, and the history page one quarter at a time; both list every quarter
that has updates, with their counts, so nothing is out of reach. Each runs three queries whatever
the amount of data: the quarters with their counts, the updates shown, their revisions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, joinedload, load_only

from tracker.extensions import db
from tracker.fiscal import FiscalQuarter
from tracker.models import Action, Department, ProgressUpdate, ReportingPeriod, Revision, User
from tracker.services.errors import NotFound
from tracker.services.updates.revisions import visible_to

# The action page shows the latest quarters whose updates fit in this many rows (ten years of
# one department's reports), and always at least the latest quarter, whatever its size.
SHOWN_UPDATES = 40


@dataclass(frozen=True)
class PeriodCount:
    """A reporting period and how many of the action's updates in it the viewer may read."""

    period_id: int
    quarter: FiscalQuarter
    updates: int


@dataclass(frozen=True)
class UpdateHistory:
    """One update (with its period and department) and its revisions, oldest first."""

    update: ProgressUpdate
    revisions: list[Revision]


@dataclass(frozen=True)
class History:
    """The updates shown of an action's history, and every quarter that has some."""

    rows: list[UpdateHistory]
    shown: list[PeriodCount]  # the quarters whose updates are in `rows`, newest first
    periods: list[PeriodCount]  # every quarter with an update the viewer may read, newest first

    @property
    def total(self) -> int:
        """Every update of the action the viewer may read."""
        return sum(p.updates for p in self.periods)

    @property
    def complete(self) -> bool:
        """True when `rows` holds the whole history."""
        return len(self.shown) == len(self.periods)

    @property
    def newer(self) -> PeriodCount | None:
        """The oldest quarter with updates that is newer than those shown."""
        newer = [p for p in self.periods if self.shown and p.quarter > self.shown[0].quarter]
        return newer[-1] if newer else None

    @property
    def older(self) -> PeriodCount | None:
        """The newest quarter with updates that is older than those shown."""
        older = [p for p in self.periods if self.shown and p.quarter < self.shown[-1].quarter]
        return older[0] if older else None


def _periods(action: Action, viewer: User) -> list[PeriodCount]:
    """The quarters with updates on `action` the viewer may read, newest first, with counts."""
    rows = db.session.execute(
        select(ReportingPeriod.id, ReportingPeriod.quarter, func.count(ProgressUpdate.id))
        .join(ProgressUpdate, ProgressUpdate.period_id == ReportingPeriod.id)
        .where(ProgressUpdate.action_id == action.id, visible_to(viewer))
        .group_by(ReportingPeriod.id, ReportingPeriod.quarter)
        .order_by(ReportingPeriod.quarter.desc())
    )
    return [PeriodCount(period_id, quarter, count) for period_id, quarter, count in rows]


def _latest(periods: Sequence[PeriodCount], limit: int) -> list[PeriodCount]:
    """The newest quarters whose updates add up to at most `limit`; at least the newest one."""
    shown: list[PeriodCount] = []
    for period in periods:
        if shown and sum(p.updates for p in shown) + period.updates > limit:
            break
        shown.append(period)
    return shown


def _load(action: Action, viewer: User, shown: Sequence[PeriodCount]) -> list[UpdateHistory]:
    """The viewer's updates on `action` in the `shown` quarters, newest quarter first, then by
    department, each with its revisions and their authors (two queries)."""
    if not shown:
        return []
    updates = list(
        db.session.scalars(
            select(ProgressUpdate)
            .join(ProgressUpdate.period)
            .join(ProgressUpdate.department)
            .where(
                ProgressUpdate.action_id == action.id,
                ProgressUpdate.period_id.in_([p.period_id for p in shown]),
                visible_to(viewer),
            )
            .options(
                contains_eager(ProgressUpdate.period), contains_eager(ProgressUpdate.department)
            )
            .order_by(ReportingPeriod.quarter.desc(), Department.acronym)
        )
    )
    found: dict[int, list[Revision]] = defaultdict(list)
    for revision in db.session.scalars(
        select(Revision)
        .where(Revision.update_id.in_([u.id for u in updates]))
        .options(
            # Not the snapshots: they are large, and the comparison page reads them.
            load_only(Revision.update_id, Revision.number, Revision.state, Revision.created_at),
            joinedload(Revision.author).load_only(User.name),
        )
        .order_by(Revision.update_id, Revision.number)
    ):
        found[revision.update_id].append(revision)
    return [UpdateHistory(update, found[update.id]) for update in updates]


def history_for(action: Action, viewer: User) -> History:
    """The action page's history: the latest quarters' updates the viewer may read, as many
    whole quarters as fit in SHOWN_UPDATES rows (at least the latest), with their revisions."""
    periods = _periods(action, viewer)
    shown = _latest(periods, SHOWN_UPDATES)
    return History(_load(action, viewer, shown), shown, periods)


def quarter_history(action: Action, viewer: User, period: str | None) -> History:
    """One quarter's updates on `action` the viewer may read, with their revisions (the newest
    quarter when `period` is None; 404 for a quarter in which the viewer may read none)."""
    periods = _periods(action, viewer)
    if period is None:
        shown = periods[:1]
    else:
        try:
            quarter = FiscalQuarter.parse(period)
        except ValueError:
            raise NotFound() from None
        shown = [p for p in periods if p.quarter == quarter]
        if not shown:
            raise NotFound()
    return History(_load(action, viewer, shown), shown, periods)
