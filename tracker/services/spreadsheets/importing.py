"""Importing a department's quarter from a spreadsheet: every row or nothing, as drafts.

- The import writes drafts only. The rules a draft must pass (values that could never be
  stored, such as a percent of 140 or a text too long) are errors, and so is an action at risk
  or off track without its risks described (BLOCKING); the other rules checked on submission
  (a percent given, forecasts inside the plan, milestone dates, completed means 100 %, ...)
  are warnings to fix before submitting, shown on the result page.
- Any error refuses the whole file, and nothing is written: the page lists every problem by
  sheet, row and column.
- Updates already submitted or accepted are never changed; their rows are reported as skipped.
- A row equal to what the update holds (or, with no update yet, to the values the template was
  prefilled with) is reported as unchanged and writes nothing, so uploading a file twice
  changes nothing the second time, and untouched rows create no empty drafts.
- The file carries no version: the import applies to the updates as they stand when it runs,
  in one transaction. On SQLite the transaction holds the write lock from its first read; on
  PostgreSQL a save that slips in between is caught by the version counter or the unique
  constraint, and the whole import is judged again against it.
- Each written update gets its revision and `update.saved` audit event, as with the form, and
  one `updates.imported` event records the outcome of every row; the result page reads it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from typing import Any

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from tracker.extensions import db
from tracker.i18n import date_text
from tracker.models import AuditEvent, User
from tracker.services.audit.events import add_event
from tracker.services.calendar import periods
from tracker.services.spreadsheets.columns import (
    LOCKED_STATES,
    TEXT_FIELDS,
    ImportRefused,
    QuarterScope,
    load_scope,
    max_bytes,
    sheet_names,
)
from tracker.services.spreadsheets.reading import read_upload
from tracker.services.spreadsheets.rows import Dates, UpdateRow, read_rows
from tracker.services.spreadsheets.sheets import Sheet, check_headings, check_top, sheets_of
from tracker.services.updates.revisions import snapshot_with_input
from tracker.services.updates.rules import (
    Errors,
    MilestoneInput,
    UpdateInput,
    check_draft,
    check_submission,
)
from tracker.services.updates.save import input_of, prefill, stage_update

EVENT = "updates.imported"
# Submission rules that refuse a file all the same (issue 3 names them): a status of at risk or
# off track without its risks described says nothing a reviewer can use, even in a draft.
BLOCKING = ("risks",)
SHOWN_CHARS = 300  # long text is shortened in the audit event (the revisions keep it whole)


def closed_reason(scope: QuarterScope) -> str | None:
    """Why nothing can be imported into the period today, or None when it is open."""
    state = scope.state
    if state is periods.PeriodState.UPCOMING:
        when = date_text(scope.period.opens_on)
        return str(_("This reporting period opens on %(date)s.", date=when))
    if state is periods.PeriodState.LOCKED:
        return str(
            _(
                "This reporting period is locked: its updates are read only. "
                "An administrator can reopen it."
            )
        )
    return None


def import_updates(user: User, quarter: str, filename: str, data: bytes) -> int:
    """Import the file's rows as drafts of the user's department; the `updates.imported` id."""
    try:
        try:
            return _import(user, quarter, filename, data)
        except (IntegrityError, StaleDataError):
            # Someone saved one of these updates while the file was being read: judge again.
            db.session.rollback()
            return _import(user, quarter, filename, data)
    except ImportRefused as refused:
        db.session.rollback()
        _audit_refusal(user, quarter, filename, len(data), refused)
        raise


def _audit_refusal(
    user: User, quarter: str, filename: str, size: int, refused: ImportRefused
) -> None:
    """Record a refused file (a zip bomb, a disguised file, rows with errors): nothing of it is
    kept but this event, in its own transaction."""
    detail = {
        "quarter": quarter[:20],
        "filename": filename[:200],
        "bytes": size,
        "status": refused.status,
        "reason": str(refused.message)[:SHOWN_CHARS],
        "problems": len(refused.cells) + len(refused.details),
    }
    add_event("updates.import_refused", actor=user, detail=detail)
    db.session.commit()


def _import(user: User, quarter: str, filename: str, data: bytes) -> int:
    scope = load_scope(user, quarter)
    reason = closed_reason(scope)
    if reason is not None:
        raise ImportRefused(409, reason)
    if len(data) > max_bytes():
        size = _("%(n)s MB", n=f"{max_bytes() / 1024 / 1024:g}")
        raise ImportRefused(413, _("The file is larger than %(size)s.", size=size))
    updates_names, milestones_names = sheet_names(scope.period.quarter)
    upload = read_upload(data, updates_names | milestones_names)
    planned = plan_import(*sheets_of(upload, scope), scope)
    event = write_import(planned, scope, user, upload.kind, filename)
    db.session.commit()
    return event.id


@dataclass(frozen=True)
class Planned:
    """A row read and checked: what the update will hold, and the submission warnings."""

    row: UpdateRow
    data: UpdateInput
    warnings: Errors


def plan_import(updates: Sheet, milestones: Sheet | None, scope: QuarterScope) -> list[Planned]:
    """Every row checked against the draft rules; ImportRefused listing every problem."""
    check_top(updates, scope)
    if milestones is not None:
        check_headings(milestones, 1)
    reading = read_rows(updates, milestones, scope)
    errors, planned = list(reading.errors), []
    for row in reading.updates.values():
        data = row_input(row, reading.dates.get(row.ctx.action.id, {}))
        refused, warnings = check_row(data, row)
        for key, messages in refused.items():
            located = _milestone_cell(key, milestones, reading.milestone_rows)
            if located is not None:
                sheet, number, name = located
                errors += [sheet.error(number, name, m) for m in messages]
                continue
            column = key if key in (*TEXT_FIELDS, "percent_complete") else None
            errors += [updates.error(row.number, column, m) for m in messages]
        planned.append(Planned(row, data, warnings))
    if errors:
        raise ImportRefused(
            400,
            _("Nothing was imported. Correct these problems and upload the file again."),
            cells=sorted(errors, key=lambda e: (e.sheet != updates.name, e.row, e.column)),
        )
    if not planned:
        raise ImportRefused(400, _("The file has no action rows to import."))
    return planned


def _milestone_cell(
    key: str, milestones: Sheet | None, rows: dict[int, int]
) -> tuple[Sheet, int, str] | None:
    """The milestones sheet's cell of an error keyed `milestones.<id>.<field>`, when the
    milestone has a row there (None: the error stays on the action's row)."""
    parts = key.split(".")
    if milestones is None or len(parts) != 3 or parts[0] != "milestones":
        return None
    number = rows.get(int(parts[1])) if parts[1].isdigit() else None
    return (milestones, number, parts[2]) if number is not None else None


def check_row(data: UpdateInput, row: UpdateRow) -> tuple[Errors, Errors]:
    """(errors, warnings): the draft rules and BLOCKING rules refuse the file, the rest warn."""
    rules = row.ctx.rules()
    draft = check_draft(data, rules)
    submission = check_submission(data, rules)
    errors = {k: v for k, v in submission.items() if k in draft or k in BLOCKING}
    warnings = {k: v for k, v in submission.items() if k not in errors}
    return errors, warnings


def row_input(row: UpdateRow, dates: dict[int, Dates]) -> UpdateInput:
    """The row's values; milestones missing from the file keep the prefilled dates."""
    given = {m.milestone_id: m for m in prefill(row.ctx).milestones}
    milestones = tuple(
        MilestoneInput(m.id, *dates[m.id]) if m.id in dates else given[m.id]
        for m in row.ctx.action.milestones
    )
    return UpdateInput(
        status=row.status,
        percent_complete=row.percent,
        forecast_completion=row.forecast,
        milestones=milestones,
        **row.texts,
    )


def comparable(data: UpdateInput) -> UpdateInput:
    """`data` without blank milestone entries, in a fixed order, for comparison."""
    kept = (m for m in data.milestones if m.forecast_on or m.completed_on)
    return replace(data, milestones=tuple(sorted(kept, key=lambda m: m.milestone_id)))


def write_import(
    planned: list[Planned],
    scope: QuarterScope,
    user: User,
    kind: str,
    filename: str,
    via: str = "import",
) -> AuditEvent:
    """Stage the checked rows and the `updates.imported` event recording each row's outcome."""
    outcomes = [_apply(item, user, via) for item in planned]
    detail = {
        "period": str(scope.period.quarter),
        "department": scope.department.acronym,
        "file": filename[:200],
        "format": kind,
        "counts": dict(Counter(o["outcome"] for o in outcomes)),
        "actions": outcomes,
    }
    event = add_event(EVENT, actor=user, obj=scope.department, detail=detail)
    db.session.flush()
    return event


def _apply(item: Planned, user: User, via: str) -> dict[str, Any]:
    """Write one row if it changes a draft; its outcome for the audit event."""
    ctx = item.row.ctx
    entry: dict[str, Any] = {
        "action_id": ctx.action.id,
        "code": ctx.action.code,
        "plan": ctx.plan.slug,
        "row": item.row.number,
    }
    update = ctx.update
    if update is not None and update.state in LOCKED_STATES:
        differs = comparable(input_of(update)) != comparable(item.data)
        return {**entry, "outcome": f"skipped_{update.state}", "differs": differs}
    warnings = [{"field": k, "message": m} for k, found in item.warnings.items() for m in found]
    old = input_of(update) if update is not None else prefill(ctx)
    if comparable(old) == comparable(item.data):
        return {**entry, "outcome": "unchanged", "warnings": warnings if update else []}
    stored = stage_update(ctx, item.data, user, submit=False, via=via)
    return {
        **entry,
        "outcome": "created" if update is None else "updated",
        "update_id": stored.id,
        "old": _shown(old),
        "new": _shown(item.data),
        "warnings": warnings,
    }


def _shown(data: UpdateInput) -> dict[str, Any]:
    """The values as a snapshot, long text shortened."""
    snapshot = snapshot_with_input({}, data)
    for key in TEXT_FIELDS:
        text = snapshot[key] or ""
        snapshot[key] = text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"
    return snapshot
