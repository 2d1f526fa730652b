"""The yearly review: the one place where a plan's baselines change.

A planner opens a review for a fiscal year (one per year, one open at a time), re-baselines
action targets and milestone due dates (each with a reason, in the change log), adds and
retires actions with the ordinary authoring services, and closes the review with an approval
note. A review that re-baselined anything leaves a new baseline version ("review 2017-18");
before the first such version the plan's original baselines are kept as version 0.
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select

from tracker.extensions import db
from tracker.fiscal import FiscalQuarter
from tracker.models import (
    Action,
    BaselineVersion,
    ChangeKind,
    Milestone,
    Plan,
    PlanChange,
    PlanReview,
    PlanStatus,
    ReviewState,
    User,
)
from tracker.services.audit.events import add_event
from tracker.services.calendar import clock
from tracker.services.errors import Conflict, NotFound
from tracker.services.plans import baselines, changes
from tracker.services.plans.actions import load_action, scheduled
from tracker.services.plans.edits import (
    FORM,
    Errors,
    PlanInvalid,
    check_version,
    commit,
    raise_if,
    writable_plan,
)
from tracker.services.plans.replanning import check_reason, check_target, find_milestone


def plan_reviews(plan_id: int) -> list[PlanReview]:
    """The plan's reviews, newest year first."""
    stmt = (
        select(PlanReview)
        .where(PlanReview.plan_id == plan_id)
        .order_by(PlanReview.fiscal_year.desc())
    )
    return list(db.session.scalars(stmt))


def get_review(plan_id: int, year: int) -> PlanReview:
    """The plan's review of fiscal year `year` (NotFound otherwise)."""
    review = db.session.scalar(
        select(PlanReview).where(PlanReview.plan_id == plan_id, PlanReview.fiscal_year == year)
    )
    if review is None:
        raise NotFound()
    return review


def review_changes(plan_id: int, review: PlanReview) -> list[PlanChange]:
    """The changes made to the plan while the review was open, oldest first (one query)."""
    stmt = select(PlanChange).where(
        PlanChange.plan_id == plan_id, PlanChange.at >= review.opened_at
    )
    if review.closed_at is not None:
        stmt = stmt.where(PlanChange.at <= review.closed_at)
    return list(db.session.scalars(stmt.order_by(PlanChange.at, PlanChange.id)))


def approval_note_language(plan_id: int, review: PlanReview) -> str | None:
    """The language the review's approval note was written in, which the change log's record
    of its closing keeps (the note is that record's reason); None while it is open."""
    if review.is_open:
        return None
    stmt = select(PlanChange.reason_language).where(
        PlanChange.plan_id == plan_id,
        PlanChange.kind == ChangeKind.REVIEW_CLOSED.value,
        PlanChange.new_value == changes.as_text(review.fiscal_year),
    )
    return db.session.scalar(stmt.order_by(PlanChange.at.desc()).limit(1))


def open_review(slug: str, year: int, actor: User) -> PlanReview:
    """Open the plan's review of fiscal year `year`."""
    plan = writable_plan(slug)
    errors: Errors = {}
    if plan.status != PlanStatus.ACTIVE.value:
        errors[FORM] = [_("Only an active plan is reviewed; a draft's baselines are its fields.")]
    elif not plan.first_year <= year <= plan.last_year:
        errors["fiscal_year"] = [_("Choose a fiscal year of the plan.")]
    elif any(r.is_open for r in plan_reviews(plan.id)):
        errors[FORM] = [_("Another review of this plan is open; close it first.")]
    elif any(r.fiscal_year == year for r in plan_reviews(plan.id)):
        errors["fiscal_year"] = [_("This fiscal year has already been reviewed.")]
    raise_if(errors)
    _keep_original(plan)
    review = PlanReview(plan_id=plan.id, fiscal_year=year, opened_by_id=actor.id)
    review.opened_at = clock.now()
    db.session.add(review)
    changes.record(plan, ChangeKind.REVIEW_OPENED, actor, field="review", new=year)
    add_event("plan.review_opened", actor=actor, obj=plan, detail={"fiscal_year": year})
    commit()
    return review


def _keep_original(plan: Plan) -> None:
    """Until a review has re-baselined, the baselines as they stand are the original: (re)take
    version 0 from them (a draft may have changed them since the last snapshot)."""
    found = baselines.versions(plan.id)
    if any(v.number > 0 for v in found):
        return
    for version in found:
        db.session.delete(version)
    db.session.flush()
    baselines.snapshot(plan, 0, made_at=plan.created_at)


def _open_review(plan: Plan) -> PlanReview:
    review = db.session.scalar(
        select(PlanReview).where(
            PlanReview.plan_id == plan.id, PlanReview.state == ReviewState.OPEN.value
        )
    )
    if review is None:
        raise PlanInvalid.one(
            FORM, _("Baselines change only in a yearly review: open one for this plan first.")
        )
    return review


def rebaseline_target(
    slug: str, code: str, target: FiscalQuarter, reason: str, version: int, actor: User
) -> Action:
    """Within the open review, set the action's baseline target quarter, with a reason."""
    plan = writable_plan(slug)
    review = _open_review(plan)
    action = load_action(plan, code)
    check_version(action, version)
    schedule = scheduled(action)
    errors: Errors = {}
    check_target(errors, target, schedule.baseline_target, schedule.start_quarter, current=False)
    check_reason(errors, reason)
    raise_if(errors)
    old = action.baseline_target
    changes.record(
        plan,
        ChangeKind.REBASELINED,
        actor,
        action=action,
        field="baseline_target",
        old=old,
        new=target,
        reason=reason.strip(),
    )
    action.baseline_target = target  # the current target (the forecast) stays as re-planned
    detail = {"from": str(old), "to": str(target), "reason": reason.strip(), "review": review.id}
    add_event("action.rebaselined", actor=actor, obj=action, detail=detail)
    commit(action)
    return action


def rebaseline_due(
    slug: str, code: str, milestone_id: int, due: date, reason: str, version: int, actor: User
) -> Milestone:
    """Within the open review, set a milestone's baseline due date, with a reason."""
    plan = writable_plan(slug)
    review = _open_review(plan)
    action = load_action(plan, code)
    milestone = find_milestone(action, milestone_id)
    check_version(milestone, version)
    errors: Errors = {}
    if due == milestone.baseline_due:
        errors["due"] = [_("This is already the baseline due date.")]
    check_reason(errors, reason)
    raise_if(errors)
    old = milestone.baseline_due
    changes.record(
        plan,
        ChangeKind.REBASELINED,
        actor,
        action=action,
        milestone=milestone,
        field="baseline_due",
        old=old,
        new=due,
        reason=reason.strip(),
    )
    milestone.baseline_due = due
    if milestone.current_due == due:
        milestone.current_due = None
    detail = {"from": old.isoformat(), "to": due.isoformat(), "reason": reason.strip()}
    add_event(
        "milestone.rebaselined", actor=actor, obj=milestone, detail={**detail, "review": review.id}
    )
    commit(milestone)
    return milestone


def _rebaselined_since(plan_id: int, review: PlanReview) -> bool:
    stmt = select(func.count(PlanChange.id)).where(
        PlanChange.plan_id == plan_id,
        PlanChange.kind == ChangeKind.REBASELINED.value,
        PlanChange.at >= review.opened_at,
    )
    return bool(db.session.scalar(stmt))


def close_review(slug: str, year: int, note: str, actor: User) -> PlanReview:
    """Close the open review with an approval note; a new baseline version when it re-baselined."""
    plan = writable_plan(slug)
    review = get_review(plan.id, year)
    if not review.is_open:
        raise Conflict("review closed")
    if not note.strip():
        raise PlanInvalid.one(
            "note", _("Give the approval note: who approved the review, and when.")
        )
    review.state = ReviewState.CLOSED.value
    review.closed_by_id = actor.id
    review.closed_at = clock.now()
    review.approval_note = note.strip()
    number = None
    if _rebaselined_since(plan.id, review):
        latest = db.session.scalar(
            select(func.max(BaselineVersion.number)).where(BaselineVersion.plan_id == plan.id)
        )
        number = (latest or 0) + 1
        baselines.snapshot(plan, number, review.id)
    changes.record(
        plan, ChangeKind.REVIEW_CLOSED, actor, field="review", new=year, reason=note.strip()
    )
    detail = {"fiscal_year": year, "baseline_version": number}
    add_event("plan.review_closed", actor=actor, obj=plan, detail=detail)
    commit()
    return review
