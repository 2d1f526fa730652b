"""The JSON API's re-planning: moving an action's current target quarter or a milestone's
current due date, with a reason, as read at a version. Planners and admins, with a read and
write token. Each calls the service the authoring pages call (`services.plans.replanning`), so
the same rules, messages, audit events, change log rows and cache invalidation apply.
"""

from __future__ import annotations

from flask import jsonify, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from tracker.access import signed_in_user
from tracker.api.declare import Link, operation
from tracker.api.plan_bodies import ActionTargets, DueMove, MilestoneDue, TargetMove
from tracker.api.problems import FieldError, problem
from tracker.api.serialize import quarter
from tracker.extensions import db
from tracker.fiscal import FiscalQuarter
from tracker.models import Action, Milestone, Plan, Role
from tracker.services.errors import NotFound
from tracker.services.plans import replanning
from tracker.services.plans.edits import FORM, PlanInvalid, StaleEdit

PLANNERS = (Role.PLANNER, Role.ADMIN)
ACTION_RULE = "/plans/<slug>/actions/<code>"
SAME = tuple((f"path.{name}", f"$request.path.{name}") for name in ("slug", "code", "milestone"))
VERSION = (("version", "$response.body#/version"),)


def _refusal(error: PlanInvalid | StaleEdit) -> Response:
    """The problem for a refusal: a stale version or a refusal of the whole change is 409
    (with the version now stored), a field's rule is 422 naming the body's field."""
    if isinstance(error, StaleEdit):
        return problem(409, None, current_version=error.current.version)
    if FORM in error.errors:
        return problem(409, "; ".join(error.errors[FORM]))
    found = [FieldError(name, m) for name, messages in error.errors.items() for m in messages]
    return problem(422, None, found)


def _targets(action: Action, slug: str) -> Response:
    found = ActionTargets(
        plan=slug,
        code=action.code,
        start_quarter=quarter(action.start_quarter),
        baseline_target=quarter(action.baseline_target),
        current_target=quarter(action.current_target),
        version=action.version,
        url=url_for("api.action", slug=slug, code=action.code),
    )
    return jsonify(found.model_dump(mode="json"))


@operation(
    "POST",
    f"{ACTION_RULE}/target",
    "Move the action's current target quarter, with a reason, as read at `version` (its "
    "baseline changes only in a yearly review).",
    response=ActionTargets,
    body=TargetMove,
    errors=(404, 409),
    roles=PLANNERS,
    links=(Link("MoveTheTargetAgain", "move_target", SAME[:2], VERSION),),
)
def move_target(slug: str, code: str, body: TargetMove) -> Response:
    try:
        action = replanning.move_target(
            slug,
            code,
            FiscalQuarter.parse(body.target),
            body.reason,
            body.version,
            signed_in_user(),
        )
    except (PlanInvalid, StaleEdit) as error:
        return _refusal(error)
    return _targets(action, slug)


def _milestone_id(slug: str, code: str, milestone: str) -> int:
    found = db.session.scalar(
        select(Milestone.id)
        .join(Action, Action.id == Milestone.action_id)
        .join(Plan, Plan.id == Action.plan_id)
        .where(Plan.slug == slug, Action.code == code, Milestone.code == milestone)
    )
    if found is None:
        raise NotFound()
    return found


@operation(
    "POST",
    f"{ACTION_RULE}/milestones/<milestone>/due",
    "Move the milestone's current due date, with a reason, as read at `version` (its baseline "
    "changes only in a yearly review).",
    response=MilestoneDue,
    body=DueMove,
    errors=(404, 409),
    roles=PLANNERS,
    links=(Link("MoveTheDueDateAgain", "move_due", SAME, VERSION),),
)
def move_due(slug: str, code: str, milestone: str, body: DueMove) -> Response:
    milestone_id = _milestone_id(slug, code, milestone)
    try:
        moved = replanning.move_due(
            slug, code, milestone_id, body.due, body.reason, body.version, signed_in_user()
        )
    except (PlanInvalid, StaleEdit) as error:
        return _refusal(error)
    found = MilestoneDue(
        plan=slug,
        action=code,
        code=moved.code,
        baseline_due=moved.baseline_due,
        due_on=moved.due_on,
        version=moved.version,
    )
    return jsonify(found.model_dump(mode="json"))
