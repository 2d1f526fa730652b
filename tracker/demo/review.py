"""The GC IT Strategic Plan's yearly review of 2017-18, as the demo's plan history.

The plan was "reviewed yearly"; the demo records one completed review that re-baselined three
actions whose delivery the review accepted as re-planned, so the change log and the two
baselines (original and "review 2017-18") show after `make run`. The rows are written with the
dates of that time, as the rest of the demo history is; the plan is archived today, so the
authoring services (which stamp the present and refuse archived plans) are not used.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from tracker.extensions import db
from tracker.fiscal import FiscalQuarter
from tracker.models import Action, ChangeKind, Plan, PlanChange, PlanReview, ReviewState, User
from tracker.services.audit.events import add_event
from tracker.services.plans import baselines

PLAN = "gc-it-strategic-plan-2016-2020"
YEAR = 2017
OPENED = datetime(2018, 1, 15, 14, 0, tzinfo=UTC)
CLOSED = datetime(2018, 3, 20, 15, 30, tzinfo=UTC)
PLAN_START = datetime(2016, 4, 1, 12, 0, tzinfo=UTC)
NOTE = (
    "Approved by the Enterprise Architecture Review Board on 20 March 2018 and endorsed by "
    "the Government of Canada CIO; the updated roadmap is published with the 2018 plan update."
)


@dataclass(frozen=True)
class Rebaseline:
    """One action the review re-baselined."""

    code: str
    target: FiscalQuarter
    reason: str


REBASELINED = (
    Rebaseline(
        "S1.2",
        FiscalQuarter(2018, 4),
        "The cloud framework agreements were re-tendered after industry consultation in "
        "2017; contract award moved to 2018-19.",
    ),
    Rebaseline(
        "M2.2",
        FiscalQuarter(2020, 1),
        "Workload migration is funded over a longer period; the last legacy data centres "
        "close in 2020-21.",
    ),
    Rebaseline(
        "W2.1",
        FiscalQuarter(2019, 4),
        "The email contract was amended in 2017-18; the remaining departments migrate in 2019-20.",
    ),
)


def seed_review(reviewer: User) -> bool:
    """Record the 2017-18 review of the GC plan unless the plan has a review; True if written."""
    plan = db.session.scalar(select(Plan).where(Plan.slug == PLAN))
    if plan is None or db.session.scalar(
        select(PlanReview.id).where(PlanReview.plan_id == plan.id)
    ):
        return False
    actions = {
        a.code: a for a in db.session.scalars(select(Action).where(Action.plan_id == plan.id))
    }
    for version in baselines.versions(plan.id):
        db.session.delete(version)
    db.session.flush()
    baselines.snapshot(plan, 0, made_at=PLAN_START)
    review = PlanReview(
        plan_id=plan.id,
        fiscal_year=YEAR,
        state=ReviewState.CLOSED.value,
        opened_by_id=reviewer.id,
        opened_at=OPENED,
        closed_by_id=reviewer.id,
        closed_at=CLOSED,
        approval_note=NOTE,
    )
    db.session.add(review)
    db.session.flush()
    _change(plan, reviewer, ChangeKind.REVIEW_OPENED, OPENED, new=str(YEAR))
    for day, change in enumerate(REBASELINED, start=1):
        action = actions[change.code]
        at = OPENED + timedelta(days=7 * day)
        _change(
            plan,
            reviewer,
            ChangeKind.REBASELINED,
            at,
            action=action,
            old=str(action.baseline_target),
            new=str(change.target),
            reason=change.reason,
        )
        action.baseline_target = change.target
    baselines.snapshot(plan, 1, review.id, made_at=CLOSED)
    _change(plan, reviewer, ChangeKind.REVIEW_CLOSED, CLOSED, new=str(YEAR), reason=NOTE)
    add_event("plan.review_closed", actor_label="demo", obj=plan, detail={"fiscal_year": YEAR})
    return True


def _change(
    plan: Plan,
    actor: User,
    kind: ChangeKind,
    at: datetime,
    *,
    action: Action | None = None,
    old: str = "",
    new: str = "",
    reason: str = "",
) -> None:
    db.session.add(
        PlanChange(
            plan_id=plan.id,
            action_id=action.id if action else None,
            action_code=action.code if action else "",
            kind=kind.value,
            field="baseline_target" if action else "review",
            old_value=old,
            new_value=new,
            reason=reason,
            user_id=actor.id,
            user_label=actor.email,
            at=at,
            fiscal_year=YEAR,
        )
    )
