"""The JSON API's writes: a department's update (draft, submission, a whole quarter) and the
planners' review. Each calls the service the pages call, so the same rules, messages, audit
events and cache invalidation apply; the services' refusals become problems here.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify
from sqlalchemy import select
from werkzeug.wrappers import Response

from tracker.access import signed_in_user
from tracker.api import serialize
from tracker.api.bodies import (
    ItemOutcome,
    ItemWarning,
    QuarterBody,
    QuarterResult,
    ReviewBody,
    SubmitBody,
    UpdateBody,
    UpdateFields,
)
from tracker.api.declare import Link, operation
from tracker.api.problems import FieldError, problem
from tracker.api.read_bodies import Update
from tracker.extensions import db
from tracker.models import Action, Plan, ProgressUpdate, Role, StrategicArea
from tracker.services.errors import NotFound
from tracker.services.spreadsheets import batch
from tracker.services.spreadsheets.columns import ImportRefused
from tracker.services.updates import review, save
from tracker.services.updates.rules import (
    MilestoneInput,
    UpdateConflict,
    UpdateError,
    UpdateInput,
    UpdateInvalid,
    UpdateNotEditable,
)

UPDATE_RULE = "/plans/<slug>/actions/<code>/updates/<quarter>"
TEXTS = ("accomplishments", "risks", "next_steps", "decrease_reason")
DEPARTMENT = (Role.DEPARTMENT,)
PLANNERS = (Role.PLANNER, Role.ADMIN)
SAME_UPDATE = tuple(
    (f"path.{name}", f"$request.path.{name}") for name in ("slug", "code", "quarter")
)
VERSION = (("version", "$response.body#/version"),)


class FieldsInvalid(Exception):
    """The body names things that do not exist (a milestone code, a quarter)."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("invalid fields")
        self.errors = errors


def _action_id(slug: str, code: str) -> int:
    found = db.session.scalar(
        select(Action.id)
        .join(Action.area)
        .join(StrategicArea.plan)
        .where(Plan.slug == slug, Action.code == code)
    )
    if found is None:
        raise NotFound()
    return found


def _update_json(update: ProgressUpdate) -> Response:
    return jsonify(serialize.update(update, update.action.area.plan.slug).model_dump(mode="json"))


def _refusal(error: UpdateError, ctx: save.UpdateContext | None = None) -> Response:
    """The problem for a service's refusal; milestone ids in field names become codes."""
    if isinstance(error, UpdateConflict):
        return problem(409, None, current_version=error.update.version)
    if isinstance(error, UpdateNotEditable):
        return problem(409, error.message)
    assert isinstance(error, UpdateInvalid)
    found = []
    for key, messages in error.errors.items():
        name = batch.field_name(key, ctx) if ctx else key
        found += [FieldError(name, m) for m in messages]
    return problem(422, None, found)


def _input(body: UpdateFields, ctx: save.UpdateContext) -> UpdateInput:
    """The body as the service's input; every milestone of the action, dated or not."""
    entries = [(m.code, m.forecast_on, m.completed_on) for m in body.milestones]
    dates, problems = batch.read_milestones(ctx, entries)
    forecast, wrong_quarter = batch.read_quarter(body.forecast_completion)
    if problems or wrong_quarter:
        raise FieldsInvalid([FieldError(name, m) for name, m in problems + wrong_quarter])
    return UpdateInput(
        status=body.status,
        percent_complete=body.percent_complete,
        forecast_completion=forecast,
        milestones=tuple(
            MilestoneInput(m.id, *dates.get(m.id, (None, None))) for m in ctx.action.milestones
        ),
        **{name: getattr(body, name) for name in TEXTS},
    )


@operation(
    "PUT",
    UPDATE_RULE,
    "Create or change your department's draft update on an action for a reporting period.",
    response=Update,
    body=UpdateBody,
    errors=(404, 409),
    roles=DEPARTMENT,
    links=(
        Link("SubmitTheDraft", "submit_update", SAME_UPDATE, VERSION),
        Link("ChangeTheDraftAgain", "save_update", SAME_UPDATE, VERSION),
    ),
)
def save_update(slug: str, code: str, quarter: str, body: UpdateBody) -> Response:
    user = signed_in_user()
    ctx = save.load_context(user, quarter, _action_id(slug, code))
    try:
        data = _input(body, ctx)
        result = save.save_update(
            user, quarter, ctx.action.id, data, body.version, submit=False, context=ctx
        )
    except FieldsInvalid as error:
        return problem(422, None, error.errors)
    except UpdateError as error:
        return _refusal(error, ctx)
    return _update_json(result.update)


@operation(
    "POST",
    f"{UPDATE_RULE}/submit",
    "Submit your department's draft for review, as read at `version`.",
    response=Update,
    body=SubmitBody,
    errors=(404, 409),
    roles=DEPARTMENT,
    links=(
        Link("ReviewIt", "review_update", (("path.update_id", "$response.body#/id"),), VERSION),
    ),
)
def submit_update(slug: str, code: str, quarter: str, body: SubmitBody) -> Response:
    user = signed_in_user()
    ctx = save.load_context(user, quarter, _action_id(slug, code))
    if ctx.update is None:
        raise NotFound()
    try:
        result = save.save_update(
            user,
            quarter,
            ctx.action.id,
            save.input_of(ctx.update),
            body.version,
            submit=True,
            context=ctx,
        )
    except UpdateError as error:
        return _refusal(error, ctx)
    return _update_json(result.update)


@operation(
    "POST",
    "/periods/<quarter>/updates",
    "Save your department's updates for a whole quarter as drafts: every item, or none.",
    response=QuarterResult,
    body=QuarterBody,
    errors=(404, 409),
    roles=DEPARTMENT,
)
def save_quarter(quarter: str, body: QuarterBody) -> Response:
    items = [
        batch.ItemInput(
            plan=item.plan,
            action=item.action,
            status=item.status,
            percent_complete=item.percent_complete,
            forecast_completion=item.forecast_completion,
            texts={name: getattr(item, name) for name in TEXTS},
            milestones=tuple((m.code, m.forecast_on, m.completed_on) for m in item.milestones),
        )
        for item in body.items
    ]
    try:
        record = batch.import_items(signed_in_user(), quarter, items)
    except batch.ItemsRefused as error:
        found = [FieldError(f"items[{e.index}].{e.field}", e.message) for e in error.errors]
        return problem(422, None, found)
    except ImportRefused as error:
        return problem(error.status, error.message)
    return jsonify(_quarter_result(record).model_dump(mode="json"))


def _quarter_result(record: dict[str, Any]) -> QuarterResult:
    """The answer to a whole quarter, from the import's record of what became of each item."""
    return QuarterResult(
        period=record["period"],
        department=record["department"],
        counts=record["counts"],
        items=[
            ItemOutcome(
                plan=entry["plan"],
                action=entry["code"],
                outcome=entry["outcome"],
                update_id=entry.get("update_id"),
                warnings=[ItemWarning(**w) for w in entry.get("warnings", [])],
            )
            for entry in record["actions"]
        ],
    )


@operation(
    "POST",
    "/updates/<int:update_id>/review",
    "Accept a submitted update, or return it to its department with a comment.",
    response=Update,
    body=ReviewBody,
    errors=(404, 409),
    roles=PLANNERS,
)
def review_update(update_id: int, body: ReviewBody) -> Response:
    try:
        result = review.decide_update(
            signed_in_user(), update_id, body.version, body.decision, body.comment
        )
    except UpdateError as error:
        return _refusal(error)
    return _update_json(result.update)
