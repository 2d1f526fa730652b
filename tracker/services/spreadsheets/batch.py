"""A department's whole quarter in one request: the JSON twin of the spreadsheet import.

The items go through the import's own steps (`importing`): the same scope of actions, the same
rules (draft rules and BLOCKING refuse, the other submission rules warn), the same staging,
revisions, `update.saved` events (with `via: api`) and one `updates.imported` event. Any problem
refuses every item and nothing is written; each problem names its item (by position, from 0)
and field, e.g. `items[2].percent_complete`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from tracker.extensions import db
from tracker.fiscal import FiscalQuarter
from tracker.models import ActionStatus, User
from tracker.services.spreadsheets.columns import (
    ImportRefused,
    QuarterScope,
    fold,
    known_actions,
    load_scope,
)
from tracker.services.spreadsheets.importing import (
    Planned,
    check_row,
    closed_reason,
    row_input,
    write_import,
)
from tracker.services.spreadsheets.rows import Dates, UpdateRow
from tracker.services.updates.save import UpdateContext

VIA = "api"
Problems = list[tuple[str, str]]  # (field, message)


@dataclass(frozen=True)
class ItemInput:
    """One action's values as the request gives them; milestones by code."""

    plan: str
    action: str
    status: ActionStatus
    percent_complete: int | None
    forecast_completion: str | None
    texts: dict[str, str]
    milestones: tuple[tuple[str, date | None, date | None], ...] = ()


@dataclass(frozen=True)
class ItemError:
    """One problem: the item's position, the field and what is wrong."""

    index: int
    field: str
    message: str


class ItemsRefused(Exception):
    """Some items are not valid; nothing was written."""

    def __init__(self, errors: list[ItemError]) -> None:
        super().__init__(f"{len(errors)} problems")
        self.errors = errors


@dataclass
class _Check:
    scope: QuarterScope
    errors: list[ItemError] = field(default_factory=list)
    seen: dict[int, int] = field(default_factory=dict)

    def add(self, index: int, name: str, message: str) -> None:
        self.errors.append(ItemError(index, name, message))


def import_items(user: User, quarter: str, items: list[ItemInput]) -> dict[str, Any]:
    """Stage every item as a draft of the user's department, or none; the import's record."""
    try:
        try:
            return _import(user, quarter, items)
        except (IntegrityError, StaleDataError):
            # Someone saved one of these updates meanwhile: judge the items again.
            db.session.rollback()
            return _import(user, quarter, items)
    except (ImportRefused, ItemsRefused):
        db.session.rollback()
        raise


def _import(user: User, quarter: str, items: list[ItemInput]) -> dict[str, Any]:
    scope = load_scope(user, quarter)
    reason = closed_reason(scope)
    if reason is not None:
        raise ImportRefused(409, reason)
    check = _Check(scope)
    unknown = known_actions(
        scope.department.id,
        [(i.plan, i.action) for i in items if scope.find(i.plan, i.action) is None],
    )
    planned = []
    for index, item in enumerate(items):
        row = _row(check, index, item, unknown)
        if row is None:
            continue
        data = row_input(row, _dates(check, index, item, row.ctx))
        refused, warnings = check_row(data, row)
        for key, messages in refused.items():
            check.errors += [ItemError(index, field_name(key, row.ctx), m) for m in messages]
        planned.append(Planned(row, data, _named(warnings, row.ctx)))
    if check.errors:
        raise ItemsRefused(check.errors)
    event = write_import(planned, scope, user, "json", "", via=VIA)
    db.session.commit()
    return dict(event.detail)


def _row(
    check: _Check, index: int, item: ItemInput, unknown: dict[tuple[str, str], Any]
) -> UpdateRow | None:
    ctx = check.scope.find(item.plan, item.action)
    if ctx is None:
        known = unknown.get((fold(item.plan), fold(item.action)))
        if known is None or not known.exists:
            message = _(
                "There is no action %(code)s in the plan “%(plan)s”.",
                code=item.action,
                plan=item.plan,
            )
        elif not known.assigned:
            message = _("Action %(code)s is not assigned to your department.", code=item.action)
        else:
            message = _(
                "Action %(code)s is not reported on for %(quarter)s: its plan is not active or "
                "does not cover this period.",
                code=item.action,
                quarter=str(check.scope.period.quarter),
            )
        check.add(index, "action", message)
        return None
    if ctx.action.id in check.seen:
        first = check.seen[ctx.action.id]
        message = _(
            "Action %(code)s is already in item %(n)s: send one item per action.",
            code=ctx.action.code,
            n=first,
        )
        check.add(index, "action", message)
        return None
    check.seen[ctx.action.id] = index
    forecast, problems = read_quarter(item.forecast_completion)
    if problems:
        check.errors += [ItemError(index, name, message) for name, message in problems]
        return None
    return UpdateRow(index, ctx, item.status, item.percent_complete, forecast, dict(item.texts))


def _dates(check: _Check, index: int, item: ItemInput, ctx: UpdateContext) -> dict[int, Dates]:
    dates, problems = read_milestones(ctx, item.milestones)
    check.errors += [ItemError(index, name, message) for name, message in problems]
    return dates


def read_quarter(text: str | None) -> tuple[FiscalQuarter | None, Problems]:
    """The forecast completion quarter written like 2025-Q3, or the problem with it."""
    if text is None:
        return None, []
    try:
        return FiscalQuarter.parse(text), []
    except ValueError:
        message = _('"%(value)s" is not a quarter (write it like 2025-Q3).', value=text[:40])
        return None, [("forecast_completion", message)]


def read_milestones(
    ctx: UpdateContext, milestones: Sequence[tuple[str, date | None, date | None]]
) -> tuple[dict[int, Dates], Problems]:
    """(code, forecast, completed) entries as dates by milestone id, or the problems with them."""
    by_code = {fold(m.code): m for m in ctx.action.milestones}
    dates: dict[int, Dates] = {}
    problems: Problems = []
    for position, (code, forecast, completed) in enumerate(milestones):
        milestone = by_code.get(fold(code))
        name = f"milestones[{position}].code"
        if milestone is None:
            message = _(
                "Action %(code)s has no milestone “%(milestone)s”.",
                code=ctx.action.code,
                milestone=code,
            )
            problems.append((name, message))
        elif milestone.id in dates:
            problems.append((name, _("This milestone is given twice.")))
        else:
            dates[milestone.id] = (forecast, completed)
    return dates, problems


def field_name(key: str, ctx: UpdateContext) -> str:
    """A rule's error key with the milestone's code in place of its id."""
    parts = key.split(".")
    if len(parts) == 3 and parts[0] == "milestones":
        codes = {str(m.id): m.code for m in ctx.action.milestones}
        return f"milestones.{codes.get(parts[1], parts[1])}.{parts[2]}"
    return key


def _named(warnings: dict[str, list[str]], ctx: UpdateContext) -> dict[str, list[str]]:
    return {field_name(key, ctx): messages for key, messages in warnings.items()}
