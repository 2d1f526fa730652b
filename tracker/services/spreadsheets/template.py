"""The department's quarter as a spreadsheet template to fill in: XLSX (XlsxWriter) or CSV.

Each row is prefilled as the update form would be: the period's update if there is one, else
the last accepted update, else the last one. Text is always written as text (`write_string`,
and the workbook never turns strings into formulas or links); CSV cells pass through
`safe_cell`, whose protective leading quote the importer removes.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Sequence
from datetime import date

import xlsxwriter
from flask_babel import gettext as _
from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from tracker.fiscal import FiscalQuarter
from tracker.i18n import current_language
from tracker.services.spreadsheets.columns import (
    MILESTONE_COLUMNS,
    UPDATE_COLUMNS,
    Column,
    QuarterScope,
    milestones_sheet_name,
    quarter_text,
    updates_sheet_name,
)
from tracker.services.spreadsheets.csv_safety import csv_lines
from tracker.services.updates.save import prefill
from tracker.vocab import STATUS_LABELS, state_label

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MEDIA_TYPE = "text/csv"  # the response adds "; charset=utf-8" itself
OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
DATA_ROW_HEIGHT = 45
Cell = str | int | date | None


def filename(scope: QuarterScope, extension: str) -> str:
    """The download's file name, e.g. 'updates-SSC-2025-Q2.xlsx'."""
    acronym = re.sub(r"[^A-Za-z0-9-]+", "", scope.department.acronym) or "department"
    return f"updates-{acronym}-{scope.period.quarter}.{extension}"


def meta_row(scope: QuarterScope) -> list[Cell]:
    """Row 1: the department and the period the file is for."""
    return [
        _("Department"),
        scope.department.acronym,
        _("Reporting period"),
        quarter_text(scope.period.quarter),
    ]


def headings(columns: Sequence[Column]) -> list[Cell]:
    """The column headings in the current language."""
    return [str(column.label) for column in columns]


def update_rows(scope: QuarterScope) -> Iterator[list[Cell]]:
    """One prefilled row per action, in UPDATE_COLUMNS order."""
    lang = current_language()
    for ctx in scope.contexts:
        data = prefill(ctx)
        state = state_label(ctx.update.state) if ctx.update else _("Not started")
        yield [
            ctx.plan.slug,
            ctx.action.code,
            ctx.action.text("title", lang),
            state,
            str(STATUS_LABELS[data.status]),
            data.percent_complete,
            quarter_text(data.forecast_completion) if data.forecast_completion else None,
            data.accomplishments,
            data.risks,
            data.next_steps,
            data.decrease_reason,
        ]


def milestone_rows(scope: QuarterScope) -> Iterator[list[Cell]]:
    """One prefilled row per milestone of every action, in MILESTONE_COLUMNS order."""
    lang = current_language()
    for ctx in scope.contexts:
        given = {m.milestone_id: m for m in prefill(ctx).milestones}
        for milestone in ctx.action.milestones:
            entry = given[milestone.id]
            yield [
                ctx.plan.slug,
                ctx.action.code,
                milestone.code,
                milestone.text("title", lang),
                milestone.baseline_due,
                entry.forecast_on,
                entry.completed_on,
            ]


def build(scope: QuarterScope, fmt: str) -> tuple[bytes, str]:
    """The template in `fmt` ('xlsx' or 'csv') and its media type."""
    if fmt == "xlsx":
        return build_xlsx(scope), XLSX_MEDIA_TYPE
    return build_csv(scope).encode("utf-8"), CSV_MEDIA_TYPE


def build_csv(scope: QuarterScope) -> str:
    """The updates sheet as CSV (UTF-8 with a byte-order mark, formula-like text quoted)."""
    rows = [meta_row(scope), headings(UPDATE_COLUMNS), *update_rows(scope)]
    return "".join(csv_lines(rows))


def build_xlsx(scope: QuarterScope) -> bytes:
    """The workbook: the updates sheet, the Milestones sheet and the Instructions sheet."""
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, OPTIONS)
    title = _("Quarterly updates")
    workbook.set_properties({"title": f"{title} {scope.department.acronym} {scope.period.quarter}"})
    formats = _Formats(workbook)
    _updates_sheet(workbook.add_worksheet(updates_sheet_name(scope.period.quarter)), formats, scope)
    _milestones_sheet(workbook.add_worksheet(milestones_sheet_name()), formats, scope)
    _instructions_sheet(workbook.add_worksheet(_("Instructions")[:31]), formats, scope)
    workbook.close()
    return output.getvalue()


class _Formats:
    """The cell formats of the template."""

    def __init__(self, workbook: Workbook) -> None:
        top = {"valign": "top", "text_wrap": True}
        self.heading = workbook.add_format(
            {"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#dce6f1", "bottom": 1}
        )
        self.label = workbook.add_format({"bold": True})
        self.title = workbook.add_format({"bold": True, "font_size": 14})
        self.text = workbook.add_format(top)
        self.info = workbook.add_format({**top, "bg_color": "#eeeeee", "font_color": "#333333"})
        self.date = workbook.add_format({"valign": "top", "num_format": "yyyy-mm-dd"})
        self.info_date = workbook.add_format(
            {"valign": "top", "num_format": "yyyy-mm-dd", "bg_color": "#eeeeee"}
        )


def _write(
    sheet: Worksheet, row: int, col: int, value: Cell, fmt: Format, date_fmt: Format
) -> None:
    if value is None:
        sheet.write_blank(row, col, None, fmt)
    elif isinstance(value, str):
        sheet.write_string(row, col, value, fmt)
    elif isinstance(value, date):
        sheet.write_datetime(row, col, value, date_fmt)
    else:
        sheet.write_number(row, col, value, fmt)


def _table(
    sheet: Worksheet, f: _Formats, columns: Sequence[Column], first: int, rows: Sequence[list[Cell]]
) -> None:
    """Headings on row `first`, then the rows; grey cells are for information only."""
    for col, column in enumerate(columns):
        sheet.set_column(col, col, column.width)
        sheet.write_string(first, col, str(column.label), f.heading)
    for offset, values in enumerate(rows, start=first + 1):
        for col, (column, value) in enumerate(zip(columns, values, strict=True)):
            fmt, date_fmt = (f.info, f.info_date) if column.info else (f.text, f.date)
            _write(sheet, offset, col, value, fmt, date_fmt)
    if rows:
        sheet.autofilter(first, 0, first + len(rows), len(columns) - 1)


def _updates_sheet(sheet: Worksheet, f: _Formats, scope: QuarterScope) -> None:
    for col, value in enumerate(meta_row(scope)):
        sheet.write_string(0, col, str(value), f.label)
    rows = list(update_rows(scope))
    _table(sheet, f, UPDATE_COLUMNS, 1, rows)
    sheet.freeze_panes(2, 3)
    for row in range(2, 2 + len(rows)):
        sheet.set_row(row, DATA_ROW_HEIGHT)
    if rows:
        _update_validations(sheet, 1 + len(rows))


def _update_validations(sheet: Worksheet, last: int) -> None:
    """Drop-down statuses, whole percents and a hint for quarters on rows 3 to `last` + 1."""
    keys = [c.key for c in UPDATE_COLUMNS]
    rules = {
        "status": {
            "validate": "list",
            "source": [str(label) for label in STATUS_LABELS.values()],
            "error_message": _("Choose a status from the list."),
        },
        "percent_complete": {
            "validate": "integer",
            "criteria": "between",
            "minimum": 0,
            "maximum": 100,
            "error_message": _("Enter a whole number from 0 to 100."),
        },
        "forecast_completion": {
            "validate": "any",
            "input_message": _("Like %(example)s.", example=quarter_text(FiscalQuarter(2026, 4))),
        },
    }
    for key, rule in rules.items():
        col = keys.index(key)
        sheet.data_validation(2, col, last, col, rule)


def _milestones_sheet(sheet: Worksheet, f: _Formats, scope: QuarterScope) -> None:
    rows = list(milestone_rows(scope))
    _table(sheet, f, MILESTONE_COLUMNS, 0, rows)
    sheet.freeze_panes(1, 4)
    if rows:
        keys = [c.key for c in MILESTONE_COLUMNS]
        first, last = keys.index("forecast_on"), keys.index("completed_on")
        rule = {
            "validate": "date",
            "criteria": "between",
            "minimum": date(1990, 1, 1),
            "maximum": date(2199, 12, 31),
            "input_message": _("A date as YYYY-MM-DD."),
            "error_message": _("Enter a date as YYYY-MM-DD, for example 2026-03-31."),
        }
        sheet.data_validation(1, first, len(rows), last, rule)


def instructions(scope: QuarterScope) -> list[str]:
    """The Instructions sheet's paragraphs, in the current language."""
    statuses = ", ".join(str(label) for label in STATUS_LABELS.values())
    return [
        _(
            "Give one row per action on the sheet “%(sheet)s”, and the dates of each milestone "
            "on the sheet “%(milestones)s”.",
            sheet=updates_sheet_name(scope.period.quarter),
            milestones=milestones_sheet_name(),
        ),
        _(
            "Do not change row 1, the column headings, the plans or the codes: they identify "
            "your department, the period, each action and each milestone. The grey columns "
            "are there for information; changes to them are ignored."
        ),
        _("Status: one of %(statuses)s.", statuses=statuses),
        _("An action at risk or off track needs its risks and issues described."),
        _("Percent complete: a whole number from 0 to 100."),
        _(
            "Forecast completion quarter: the fiscal year and the quarter as the screens show "
            "them, like %(example)s (2026-Q4 is read the same).",
            example=quarter_text(FiscalQuarter(2026, 4)),
        ),
        _("Milestone dates: a forecast date or a completion date, as YYYY-MM-DD."),
        _("Type values, not formulas: a file with a formula in it is refused."),
        _(
            "The import saves drafts. Rows of updates already submitted or accepted are skipped. "
            "Submit each update from its page when it is ready."
        ),
        _(
            "If any row has an error, nothing is imported, and the page lists every error by "
            "sheet, row and column. Correct the file and upload it again."
        ),
    ]


def _instructions_sheet(sheet: Worksheet, f: _Formats, scope: QuarterScope) -> None:
    sheet.set_column(0, 0, 110)
    sheet.write_string(0, 0, _("How to fill in this template"), f.title)
    for row, paragraph in enumerate(instructions(scope), start=2):
        sheet.write_string(row, 0, paragraph, f.text)
