"""Who did what and when in the demo's history: its setting, workflow steps, times, bulk writes.

The steps follow the update workflow: a department saves a draft and submits it (event
`saved`, `submitted`), a planner accepts or returns it (`accepted`, `returned`), and every step
leaves a numbered revision holding a full snapshot, as `revisions.snapshot_of` writes it.
`history.py` draws what each update says and calls `plan_steps` for its steps; imports run that
way only.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, cast

from sqlalchemy import Table, insert

from tracker.extensions import db
from tracker.fiscal import FiscalQuarter
from tracker.models import (
    Base,
    MilestoneForecast,
    Plan,
    ProgressUpdate,
    ReportingPeriod,
    Revision,
    User,
)
from tracker.models import WorkflowState as WS
from tracker.services.figures import rollups

MISSING_RATE = 0.05  # a department skipped the whole quarter
LATE_RATE = 0.12  # a department submitted the whole quarter after the due date
RETURNED_RATE = 0.06  # a planner sent the update back once before accepting it
NEVER_SUBMITTED_RATE = 0.02  # a draft that was never submitted
LIVE_STATES: tuple[WS | None, ...] = (None, WS.DRAFT, WS.SUBMITTED, WS.RETURNED, WS.ACCEPTED)
LIVE_WEIGHTS = (25, 20, 25, 10, 20)  # None: not started yet (no update at all)
EVENTS = {
    WS.DRAFT: ("saved",),
    WS.SUBMITTED: ("submitted",),
    WS.RETURNED: ("submitted", "returned"),
    WS.ACCEPTED: ("submitted", "accepted"),
}
STATE_OF = {"saved": WS.DRAFT, "submitted": WS.SUBMITTED, "returned": WS.RETURNED}
STATE_OF["accepted"] = WS.ACCEPTED
REVIEWS = ("returned", "accepted")


@dataclass(frozen=True)
class Step:
    """One save or review of an update, as its revision records it."""

    event: str
    author_id: int
    at: datetime
    comment: str = ""

    @property
    def state(self) -> WS:
        """The workflow state the step leaves the update in."""
        return STATE_OF[self.event]


@dataclass(frozen=True)
class Setting:
    """A plan and what its history is written with."""

    plan: Plan
    periods: Mapping[FiscalQuarter, ReportingPeriod]
    reporters: Mapping[int, User]  # department id -> the account that reports for it
    reviewer: User
    today: date
    now: datetime
    start_month: int
    live: FiscalQuarter | None = None  # the plan in progress: the quarter being reported now
    lead_only: bool = False
    showcase: frozenset[int] = frozenset()  # departments whose live quarter shows every state


@dataclass
class Draft:
    """One progress update to insert: its columns, milestone dates and workflow steps."""

    values: dict[str, Any]
    forecasts: list[dict[str, Any]]
    steps: list[Step] = field(default_factory=list)


@dataclass(frozen=True)
class Reporter:
    """One department's reports on one action, as far as their workflow steps depend on it."""

    setting: Setting
    department: str  # acronym: a whole quarter is missing or late for all its actions at once
    reporter_id: int
    slot: int | None  # a showcase account's turn in the live quarter's cycle of states
    rng: random.Random  # shared with the narrator: the draws must keep their order


def _department_quarter(slug: str, acronym: str, q: FiscalQuarter) -> tuple[bool, bool]:
    """(missing, late) for a department's whole quarter: the same for all its actions."""
    rng = random.Random(f"{slug}:{acronym}:{q}")
    return rng.random() < MISSING_RATE, rng.random() < LATE_RATE


def _events(r: Reporter, q: FiscalQuarter, required: bool) -> tuple[list[str], bool]:
    """The events of the update on q (empty: no update) and whether it came in late.

    `required`: the lead's completion report or explained decrease, never missing.
    """
    s, rng = r.setting, r.rng
    if s.live == q:
        if r.slot is not None:  # the demo's own department accounts get every state in turn
            final = LIVE_STATES[r.slot % len(LIVE_STATES)]
        else:
            final = rng.choices(LIVE_STATES, weights=LIVE_WEIGHTS)[0]
        if final is None:
            return [], False
        return (["saved"] if rng.random() < 0.5 else []) + list(EVENTS[final]), False
    missing, late = _department_quarter(s.plan.slug, r.department, q)
    if missing and not s.lead_only and not required:
        return [], False
    late = late and s.periods[q].due_on < s.today
    first = ["saved"] if rng.random() < 0.4 else []
    roll = rng.random()
    if roll < NEVER_SUBMITTED_RATE and not required:
        return ["saved"], False
    if roll < NEVER_SUBMITTED_RATE + RETURNED_RATE:
        return [*first, "submitted", "returned", "saved", "submitted", "accepted"], late
    return [*first, "submitted", "accepted"], late


def _at(day: date, rng: random.Random, hour: int = 13) -> datetime:
    """A time on `day` between 13:00 and 19:40 UTC: office hours in Ottawa."""
    return datetime.combine(day, time(hour), UTC) + timedelta(minutes=rng.randint(0, 400))


def _times(
    rng: random.Random, period: ReportingPeriod, events: list[str], late: bool, cap: datetime
) -> list[datetime]:
    """Increasing times for the events, all before `cap` (now, or the period's lock)."""
    due_end = min(datetime.combine(period.due_on, time(20), UTC), cap)
    t = _at(period.opens_on + timedelta(days=rng.randint(0, 10)), rng)
    times, submitted = [], False
    for i, event in enumerate(events):
        if event == "submitted" and not submitted:
            submitted = True
            if late:
                t = _at(period.due_on + timedelta(days=rng.randint(2, 6)), rng)
            elif i and due_end > t:
                t += (due_end - t) * rng.uniform(0.05, 0.9)
        elif i:
            t += timedelta(days=1, minutes=rng.randint(5, 300))
        times.append(t)
    if times[-1] <= cap:
        return times
    # The live quarter is still being reported: squeeze its steps in before now.
    start = min(times[0], cap - timedelta(hours=len(times)))
    span = (times[-1] - times[0]) or timedelta(seconds=1)
    return [start + (x - times[0]) * ((cap - start) / span) for x in times]


def plan_steps(
    r: Reporter, q: FiscalQuarter, required: bool, review_comment: Callable[[], str]
) -> list[Step]:
    """The workflow steps of the department's update on q (empty: none was filed).

    `review_comment` writes a planner's comment when one sends the update back.
    """
    events, late = _events(r, q, required)
    if not events:
        return []
    s, period = r.setting, r.setting.periods[q]
    cap = min(s.now - timedelta(minutes=5), datetime.combine(period.locks_on, time(20), UTC))
    times = _times(r.rng, period, events, late, cap)
    steps = []
    for event, at in zip(events, times, strict=True):
        author = s.reviewer.id if event in REVIEWS else r.reporter_id
        comment = review_comment() if event == "returned" else ""
        steps.append(Step(event, author, at, comment))
    return steps


def _stamp(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def finish(draft: Draft, period: ReportingPeriod) -> list[dict[str, Any]]:
    """Fill the update's who/when columns from its steps; return its revisions' snapshots."""
    v = draft.values
    v.update(submitted_at=None, submitted_by_id=None, reviewed_at=None, reviewed_by_id=None)
    v.update(created_at=draft.steps[0].at, created_by_id=draft.steps[0].author_id)
    comment, snapshots = "", []
    milestones = sorted(draft.forecasts, key=lambda f: f["milestone_id"])
    for number, step in enumerate(draft.steps, start=1):
        if step.event in REVIEWS:
            v.update(reviewed_at=step.at, reviewed_by_id=step.author_id)
            comment = step.comment
        else:
            v.update(updated_at=step.at, updated_by_id=step.author_id)
        if step.event == "submitted":
            v.update(submitted_at=step.at, submitted_by_id=step.author_id)
        v.update(state=step.state.value, review_comment=comment, version=number)
        snapshots.append(_snapshot(v, period, milestones))
    return snapshots


def _snapshot(
    v: dict[str, Any], period: ReportingPeriod, ms: list[dict[str, Any]]
) -> dict[str, Any]:
    keys = (
        *("action_id", "department_id", "version", "state", "status", "percent_complete"),
        *("accomplishments", "risks", "next_steps", "decrease_reason", "review_comment"),
        *("narrative_language", "review_comment_language"),
    )
    snap: dict[str, Any] = {k: v[k] for k in keys}
    snap.update(period=str(period.quarter), forecast_completion=str(v["forecast_completion"]))
    snap["milestones"] = [
        {
            "milestone_id": m["milestone_id"],
            "forecast_on": m["forecast_on"].isoformat() if m["forecast_on"] else None,
            "completed_on": m["completed_on"].isoformat() if m["completed_on"] else None,
        }
        for m in ms
    ]
    snap.update(submitted_by_id=v["submitted_by_id"], reviewed_by_id=v["reviewed_by_id"])
    snap.update(submitted_at=_stamp(v["submitted_at"]), reviewed_at=_stamp(v["reviewed_at"]))
    return snap


def write_drafts(drafts: list[Draft], periods: dict[int, ReportingPeriod]) -> int:
    """Insert the updates, their milestone dates and revisions in bulk (the caller commits)."""
    if not drafts:
        return 0
    snapshots = [finish(d, periods[d.values["period_id"]]) for d in drafts]
    # Core inserts: faster, and the ORM's would reset the version counter to 1 on every row.
    table = _table(ProgressUpdate)
    stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    ids = db.session.scalars(stmt, [d.values for d in drafts]).all()
    forecasts = [
        {"update_id": i, **f} for i, d in zip(ids, drafts, strict=True) for f in d.forecasts
    ]
    revisions = [
        {
            "update_id": update_id,
            "number": n,
            "state": step.state.value,
            "event": step.event,
            "snapshot": snap,
            "author_id": step.author_id,
            "created_at": step.at,
        }
        for update_id, d, snaps in zip(ids, drafts, snapshots, strict=True)
        for n, (step, snap) in enumerate(zip(d.steps, snaps, strict=True), start=1)
    ]
    db.session.execute(insert(_table(MilestoneForecast)), forecasts)
    db.session.execute(insert(_table(Revision)), revisions)
    # Core inserts bypass the listener that keeps the rollups: recompute the actions written.
    rollups.refresh_bypassed(db.session(), {d.values["action_id"] for d in drafts})
    return len(ids)


def _table(model: type[Base]) -> Table:
    return cast(Table, model.__table__)
