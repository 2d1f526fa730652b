"""What a quarterly update may hold as a draft and must hold to be submitted.

Forecasts (the completion quarter and milestone forecast dates) must lie inside the plan's
window: from the first day of the plan's first fiscal year to the last day of its last fiscal
year, plus FORECAST_GRACE_QUARTERS. The grace exists because actions do slip past a plan's
end and a department must be able to say so truthfully; anything later than a year past the
plan is treated as a typing mistake. Completion dates may not be in the future nor before the
plan starts.

A draft is only checked for what could never be stored (percent outside 0..100, milestones of
another action, a milestone forecast after its own completion date); the rules below apply on
submission.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _

from tracker.fiscal import FiscalQuarter, quarters_between
from tracker.i18n import date_text, percent_text, quarter_label
from tracker.models import ActionStatus, Plan, ProgressUpdate

FORECAST_GRACE_QUARTERS = 4
TEXT_MAX = 20_000

Errors = dict[str, list[str]]


@dataclass(frozen=True)
class MilestoneInput:
    """A milestone's forecast or completion date as the department gives it."""

    milestone_id: int
    forecast_on: date | None = None
    completed_on: date | None = None


@dataclass(frozen=True)
class UpdateInput:
    """Everything a department types into an update."""

    status: ActionStatus
    percent_complete: int | None
    forecast_completion: FiscalQuarter | None
    accomplishments: str = ""
    risks: str = ""
    next_steps: str = ""
    decrease_reason: str = ""
    milestones: tuple[MilestoneInput, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class PlanWindow:
    """The quarters and dates inside which an update's forecasts may fall."""

    first_quarter: FiscalQuarter
    last_quarter: FiscalQuarter
    starts_on: date
    ends_on: date

    @classmethod
    def of(cls, plan: Plan, start_month: int) -> PlanWindow:
        """The plan's years plus the grace quarters."""
        first = FiscalQuarter(plan.first_year, 1)
        last = FiscalQuarter(plan.last_year, 4) + FORECAST_GRACE_QUARTERS
        return cls(first, last, first.start_date(start_month), last.end_date(start_month))

    def quarters(self) -> list[FiscalQuarter]:
        """Every quarter a forecast completion may name."""
        return quarters_between(self.first_quarter, self.last_quarter)


@dataclass(frozen=True)
class RuleContext:
    """What the rules need to know besides the input."""

    window: PlanWindow
    today: date
    milestone_ids: tuple[int, ...]
    previous_accepted_percent: int | None = None


def milestone_key(milestone_id: int, name: str) -> str:
    """The error key of one milestone's date field."""
    return f"milestones.{milestone_id}.{name}"


def _add(errors: Errors, key: str, message: str) -> None:
    errors.setdefault(key, []).append(message)


def check_draft(data: UpdateInput, ctx: RuleContext) -> Errors:
    """Problems that block even a draft: values that could never be stored."""
    errors: Errors = {}
    if data.percent_complete is not None and not 0 <= data.percent_complete <= 100:
        _add(errors, "percent_complete", _("Enter a whole number from 0 to 100."))
    seen = [m.milestone_id for m in data.milestones]
    if len(set(seen)) != len(seen) or not set(seen) <= set(ctx.milestone_ids):
        _add(errors, "milestones", _("The milestones changed. Reload the page and try again."))
    for name in ("accomplishments", "risks", "next_steps", "decrease_reason"):
        if len(getattr(data, name)) > TEXT_MAX:
            _add(errors, name, _("Keep this under %(n)s characters.", n=TEXT_MAX))
    for entry in data.milestones:
        # Dates that contradict each other are a typing mistake even in a draft.
        if entry.forecast_on and entry.completed_on and entry.forecast_on > entry.completed_on:
            _add(
                errors,
                milestone_key(entry.milestone_id, "forecast_on"),
                _(
                    "The forecast date cannot be after the completion date (%(done)s). "
                    "Correct one of the dates, or clear the forecast.",
                    done=entry.completed_on.isoformat(),
                ),
            )
    return errors


def check_submission(data: UpdateInput, ctx: RuleContext) -> Errors:
    """Every rule an update must satisfy to be submitted for review."""
    errors = check_draft(data, ctx)
    _percent_rules(data, ctx, errors)
    if data.status in (ActionStatus.AT_RISK, ActionStatus.OFF_TRACK) and not data.risks.strip():
        _add(
            errors, "risks", _("Describe the risks and issues: the action is at risk or off track.")
        )
    _forecast_rules(data, ctx, errors)
    _milestone_rules(data, ctx, errors)
    return errors


def _percent_rules(data: UpdateInput, ctx: RuleContext, errors: Errors) -> None:
    percent = data.percent_complete
    if percent is None:
        _add(errors, "percent_complete", _("Enter the percent complete, from 0 to 100."))
        return
    if data.status is ActionStatus.COMPLETED and percent != 100:
        _add(errors, "percent_complete", _("A completed action must be 100% complete."))
    previous = ctx.previous_accepted_percent
    if previous is not None and percent < previous and not data.decrease_reason.strip():
        _add(
            errors,
            "decrease_reason",
            _(
                "Explain why the percent complete went down from %(previous)s.",
                previous=percent_text(previous),
            ),
        )


def _forecast_rules(data: UpdateInput, ctx: RuleContext, errors: Errors) -> None:
    quarter, window = data.forecast_completion, ctx.window
    if quarter is None:
        if data.status is not ActionStatus.CANCELLED:
            _add(
                errors,
                "forecast_completion",
                _("Choose the quarter in which the action will be completed."),
            )
        return
    if not window.first_quarter <= quarter <= window.last_quarter:
        first, last = quarter_label(window.first_quarter), quarter_label(window.last_quarter)
        _add(
            errors,
            "forecast_completion",
            _("Choose a quarter from %(first)s to %(last)s.", first=first, last=last),
        )


def _milestone_rules(data: UpdateInput, ctx: RuleContext, errors: Errors) -> None:
    given = {m.milestone_id: m for m in data.milestones}
    window = ctx.window
    for milestone_id in ctx.milestone_ids:
        entry = given.get(milestone_id, MilestoneInput(milestone_id))
        forecast_key = milestone_key(milestone_id, "forecast_on")
        completed_key = milestone_key(milestone_id, "completed_on")
        if data.status is ActionStatus.COMPLETED and entry.completed_on is None:
            _add(errors, completed_key, _("Enter the completion date: the action is completed."))
        elif data.status is not ActionStatus.CANCELLED and not (
            entry.forecast_on or entry.completed_on
        ):
            _add(errors, forecast_key, _("Enter a forecast date or a completion date."))
        if entry.forecast_on and not window.starts_on <= entry.forecast_on <= window.ends_on:
            start, end = date_text(window.starts_on), date_text(window.ends_on)
            _add(
                errors,
                forecast_key,
                _("Enter a forecast date from %(a)s to %(b)s.", a=start, b=end),
            )
        if entry.completed_on and entry.completed_on > ctx.today:
            _add(errors, completed_key, _("A completion date cannot be in the future."))
        elif entry.completed_on and entry.completed_on < window.starts_on:
            start = date_text(window.starts_on)
            _add(
                errors,
                completed_key,
                _("A completion date cannot be before the plan starts (%(start)s).", start=start),
            )


class UpdateError(Exception):
    """A refused change, turned into a page by the view."""


class UpdateInvalid(UpdateError):
    """The input breaks a rule; `errors` maps field keys to messages."""

    def __init__(self, errors: Errors) -> None:
        super().__init__("invalid update")
        self.errors = errors


class UpdateNotEditable(UpdateError):
    """The update or its period cannot be changed now; `message` says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UpdateConflict(UpdateError):
    """Someone changed the update since the form was opened; `update` is their version."""

    def __init__(self, update: ProgressUpdate) -> None:
        super().__init__("update changed since it was opened")
        self.update = update
