"""A department's quarterly update on one action: its context, saving a draft and submitting.

Optimistic locking: the form carries the version it was opened at (0 for a new update). A save
against another version is refused with UpdateConflict, unless it repeats exactly what is
stored (a double click or a re-posted form), which is treated as already done. Two requests
that race past that check are caught by the unique (action, department, period) constraint or
by SQLAlchemy's version counter, and judged again against the winner.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from tracker.extensions import db
from tracker.i18n import current_language, date_text
from tracker.models import (
    Action,
    ActionStatus,
    MilestoneForecast,
    Plan,
    ProgressUpdate,
    ReportingPeriod,
    User,
    WorkflowState,
)
from tracker.services.audit.events import add_event
from tracker.services.calendar import clock, periods
from tracker.services.errors import NotFound
from tracker.services.updates.queries import (
    assigned_actions,
    department_of,
    get_period,
    previous_update,
)
from tracker.services.updates.revisions import record_revision
from tracker.services.updates.rules import (
    MilestoneInput,
    PlanWindow,
    RuleContext,
    UpdateConflict,
    UpdateInput,
    UpdateInvalid,
    UpdateNotEditable,
    check_draft,
    check_submission,
)


@dataclass(frozen=True)
class UpdateContext:
    """Everything the update form needs: action, period, the update and its predecessors."""

    action: Action
    period: ReportingPeriod
    department_id: int
    update: ProgressUpdate | None
    previous_accepted: ProgressUpdate | None
    previous: ProgressUpdate | None
    window: PlanWindow
    today: date

    @property
    def plan(self) -> Plan:
        """The action's plan."""
        return self.action.area.plan

    def read_only_reason(self) -> str | None:
        """Why the department cannot change the update now, or None when it can."""
        state = periods.state_of(self.period, self.today)
        if state is periods.PeriodState.UPCOMING:
            when = date_text(self.period.opens_on)
            return str(_("This reporting period opens on %(date)s.", date=when))
        if state is periods.PeriodState.LOCKED:
            return str(
                _(
                    "This reporting period is locked: its updates are read only. "
                    "An administrator can reopen it."
                )
            )
        current = self.update.state if self.update is not None else None
        if current == WorkflowState.SUBMITTED.value:
            return str(_("This update is waiting for review. You can change it if it is returned."))
        if current == WorkflowState.ACCEPTED.value:
            return str(_("This update was accepted and can no longer be changed."))
        return None

    def rules(self) -> RuleContext:
        """The context the validation rules need."""
        accepted = self.previous_accepted
        return RuleContext(
            window=self.window,
            today=self.today,
            milestone_ids=tuple(m.id for m in self.action.milestones),
            previous_accepted_percent=accepted.percent_complete if accepted else None,
        )


def load_context(user: User, quarter: str, action_id: int) -> UpdateContext:
    """The user's department's update context, 404 for actions it is not assigned."""
    department_id = department_of(user)
    period = get_period(quarter)
    action = db.session.scalar(
        assigned_actions(department_id, period.quarter)
        .where(Action.id == action_id)
        .options(selectinload(Action.milestones))
    )
    if action is None:
        raise NotFound()
    update = db.session.scalar(
        select(ProgressUpdate)
        .where(
            ProgressUpdate.action_id == action.id,
            ProgressUpdate.department_id == department_id,
            ProgressUpdate.period_id == period.id,
        )
        .options(selectinload(ProgressUpdate.milestone_forecasts))
    )
    # The latest earlier update is usually accepted too: then one query answers both.
    previous = previous_update(action.id, department_id, period.quarter, False)
    accepted = previous
    if previous is not None and previous.state != WorkflowState.ACCEPTED.value:
        accepted = previous_update(action.id, department_id, period.quarter, True)
    return UpdateContext(
        action=action,
        period=period,
        department_id=department_id,
        update=update,
        previous_accepted=accepted,
        previous=previous,
        window=PlanWindow.of(action.area.plan, periods.start_month()),
        today=clock.today(),
    )


def input_of(update: ProgressUpdate) -> UpdateInput:
    """The stored values of an update as form input."""
    return UpdateInput(
        status=ActionStatus(update.status),
        percent_complete=update.percent_complete,
        forecast_completion=update.forecast_completion,
        accomplishments=update.accomplishments,
        risks=update.risks,
        next_steps=update.next_steps,
        decrease_reason=update.decrease_reason,
        milestones=tuple(
            MilestoneInput(f.milestone_id, f.forecast_on, f.completed_on)
            for f in update.milestone_forecasts
        ),
    )


def prefill(ctx: UpdateContext) -> UpdateInput:
    """The form's starting values: this update, else the last accepted one, else the last one."""
    source = ctx.previous_accepted or ctx.previous
    if ctx.update is not None:
        data = input_of(ctx.update)
    elif source is not None:
        data = replace(input_of(source), decrease_reason="")
    else:
        data = UpdateInput(ActionStatus.NOT_STARTED, None, None)
    given = {m.milestone_id: m for m in data.milestones}
    milestones = tuple(
        given.get(m.id) or MilestoneInput(m.id, None, m.completed_on) for m in ctx.action.milestones
    )
    return replace(data, milestones=milestones)


def _normalized(data: UpdateInput) -> UpdateInput:
    kept = (m for m in data.milestones if m.forecast_on or m.completed_on)
    return replace(data, milestones=tuple(sorted(kept, key=lambda m: m.milestone_id)))


def _already_done(update: ProgressUpdate, data: UpdateInput, submit: bool) -> bool:
    """True when `update` already holds `data` in the state the request asks for."""
    wanted = WorkflowState.SUBMITTED if submit else WorkflowState.DRAFT
    return update.state == wanted.value and _normalized(input_of(update)) == _normalized(data)


@dataclass(frozen=True)
class SaveResult:
    """The saved update and whether this request changed it."""

    update: ProgressUpdate
    changed: bool


def save_update(
    user: User,
    quarter: str,
    action_id: int,
    data: UpdateInput,
    version: int,
    *,
    submit: bool,
    context: UpdateContext | None = None,
) -> SaveResult:
    """Save a draft (or submit it for review) of the user's department's update. `context` is
    the update's context if the caller loaded it in this (write) transaction already."""
    try:
        return _save(context or load_context(user, quarter, action_id), user, data, version, submit)
    except (IntegrityError, StaleDataError):
        # Another request saved the same update between our read and our write.
        db.session.rollback()
        return _save(load_context(user, quarter, action_id), user, data, version, submit)


def _save(
    ctx: UpdateContext, user: User, data: UpdateInput, version: int, submit: bool
) -> SaveResult:
    update = ctx.update
    if update is not None and update.version != version:
        if _already_done(update, data, submit):
            return SaveResult(update, changed=False)
        raise UpdateConflict(update)
    reason = ctx.read_only_reason()
    if reason is not None:
        raise UpdateNotEditable(reason)
    errors = (check_submission if submit else check_draft)(data, ctx.rules())
    if errors:
        raise UpdateInvalid(errors)
    update = stage_update(ctx, data, user, submit=submit)
    db.session.commit()
    return SaveResult(update, changed=True)


def stage_update(
    ctx: UpdateContext, data: UpdateInput, user: User, *, submit: bool, via: str = "form"
) -> ProgressUpdate:
    """Write checked `data`, its revision and audit event to the session, without committing."""
    update = ctx.update
    if update is None:
        update = ProgressUpdate(
            action_id=ctx.action.id,
            department_id=ctx.department_id,
            period=ctx.period,
            created_by_id=user.id,
        )
        db.session.add(update)
    _apply(update, data, user, submit)
    db.session.flush()
    event = "submitted" if submit else "saved"
    revision = record_revision(update, event, user)
    period = str(ctx.period.quarter)
    detail = {"action": ctx.action.code, "period": period, "revision": revision.number}
    if via != "form":
        detail["via"] = via
    add_event(f"update.{event}", actor=user, obj=update, detail=detail)
    return update


def _apply(update: ProgressUpdate, data: UpdateInput, user: User, submit: bool) -> None:
    now = clock.now()
    update.status = data.status.value
    update.percent_complete = data.percent_complete
    update.forecast_completion = data.forecast_completion
    written = (data.accomplishments, data.risks, data.next_steps, data.decrease_reason)
    stored = (update.accomplishments, update.risks, update.next_steps, update.decrease_reason)
    if written != stored:
        update.narrative_language = current_language()  # the language it was written in
    update.accomplishments = data.accomplishments
    update.risks = data.risks
    update.next_steps = data.next_steps
    update.decrease_reason = data.decrease_reason
    existing = {f.milestone_id: f for f in update.milestone_forecasts}
    for entry in data.milestones:
        forecast = existing.get(entry.milestone_id)
        if forecast is None:
            if entry.forecast_on is None and entry.completed_on is None:
                continue
            forecast = MilestoneForecast(milestone_id=entry.milestone_id)
            update.milestone_forecasts.append(forecast)
        forecast.forecast_on, forecast.completed_on = entry.forecast_on, entry.completed_on
    update.updated_at, update.updated_by_id = now, user.id
    if submit:
        update.state = WorkflowState.SUBMITTED.value
        update.submitted_at, update.submitted_by_id = now, user.id
    else:
        update.state = WorkflowState.DRAFT.value
