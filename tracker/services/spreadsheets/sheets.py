"""The sheets of an uploaded file: finding them, and checking their first rows and headings.

Problems here (missing sheets, another department's or period's file, wrong headings) refuse
the file with one message, before any row is read.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from xlsxwriter.utility import xl_col_to_name

from tracker.fiscal import FiscalQuarter
from tracker.services.spreadsheets import cells as cells
from tracker.services.spreadsheets.columns import (
    FIRST_DATA_ROW,
    HEADER_ROW,
    META_ROW,
    MILESTONE_COLUMNS,
    UPDATE_COLUMNS,
    CellError,
    Column,
    ImportRefused,
    QuarterScope,
    fold,
    in_every_language,
    milestones_sheet_name,
    quarter_text,
    sheet_names,
    updates_sheet_name,
)
from tracker.services.spreadsheets.reading import Cell, Row, Upload

DEPARTMENT_LABEL = _l("Department")
PERIOD_LABEL = _l("Reporting period")


@dataclass(frozen=True)
class Sheet:
    """A sheet of the file: its name as shown in messages, its rows and its columns."""

    name: str
    rows: list[Row]
    columns: Sequence[Column]
    first: int  # the first data row

    def cell(self, row: Row, key: str) -> Cell:
        """The cell of `row` in the column `key` (blank when the row is short)."""
        index = self.index(key)
        return row[index] if index < len(row) else Cell()

    def index(self, key: str) -> int:
        """The position of the column `key`."""
        return [c.key for c in self.columns].index(key)

    def error(self, number: int, key: str | None, message: str) -> CellError:
        """A problem in row `number` (as Excel numbers rows), in column `key` if given."""
        column = column_name(self.columns, self.index(key)) if key else ""
        return CellError(self.name, number, column, message)

    def data_rows(self) -> Iterator[tuple[int, Row]]:
        """(row number, row) of every non-blank data row."""
        for number, row in enumerate(self.rows[self.first - 1 :], start=self.first):
            if not all(c.blank for c in row):
                yield number, row


def column_name(columns: Sequence[Column], index: int) -> str:
    """A column as shown in messages, e.g. 'F (Percent complete)'."""
    return f"{xl_col_to_name(index)} ({columns[index].label})"


def sheets_of(upload: Upload, scope: QuarterScope) -> tuple[Sheet, Sheet | None]:
    """The updates sheet and (XLSX only) the milestones sheet, or the file is refused."""
    if upload.kind == "csv":
        return Sheet(_("CSV file"), upload.sheets[""], UPDATE_COLUMNS, FIRST_DATA_ROW), None
    updates_names, milestones_names = sheet_names(scope.period.quarter)
    updates = _find(upload, updates_names)
    milestones = _find(upload, milestones_names)
    if updates is None or milestones is None:
        expected = [updates_sheet_name(scope.period.quarter), milestones_sheet_name()]
        raise ImportRefused(
            400,
            _("The workbook does not have the template's sheets for this period."),
            [
                _("Expected: %(names)s.", names=_quoted(expected)),
                _("Found: %(names)s.", names=_quoted(upload.sheet_names)),
            ],
        )
    return (
        Sheet(updates, upload.sheets[updates], UPDATE_COLUMNS, FIRST_DATA_ROW),
        Sheet(milestones, upload.sheets[milestones], MILESTONE_COLUMNS, 2),
    )


def _quoted(names: Sequence[str]) -> str:
    return ", ".join(f"“{name}”" for name in names)


def _find(upload: Upload, names: set[str]) -> str | None:
    return next((n for n in upload.sheet_names if fold(n) in names and n in upload.sheets), None)


def check_top(sheet: Sheet, scope: QuarterScope) -> None:
    """Row 1 names this department and this period, and the headings follow."""
    top = sheet.rows[META_ROW - 1] if sheet.rows else ()
    values = [cells.text(c) for c in top[:4]] + [""] * 4
    acronym, quarter = scope.department.acronym, quarter_text(scope.period.quarter)
    labelled = fold(values[0]) in in_every_language(DEPARTMENT_LABEL) and fold(
        values[2]
    ) in in_every_language(PERIOD_LABEL)
    if not labelled or not values[1] or not values[3]:
        expected = f"{DEPARTMENT_LABEL} | {acronym} | {PERIOD_LABEL} | {quarter}"
        raise ImportRefused(
            400,
            _("Row 1 is not the template's: it names the department and the reporting period."),
            [_("Expected: %(names)s.", names=expected)],
        )
    if fold(values[1]) != fold(acronym):
        message = _(
            "This file is for the department %(theirs)s. You can import only your own "
            "department's updates (%(ours)s).",
            theirs=values[1],
            ours=acronym,
        )
        raise ImportRefused(400, message)
    if _quarter_of(values[3]) != scope.period.quarter:
        message = _(
            "This file is for the reporting period %(theirs)s, not %(ours)s. Download this "
            "period's template.",
            theirs=values[3],
            ours=quarter,
        )
        raise ImportRefused(400, message)
    check_headings(sheet, HEADER_ROW)


def _quarter_of(text: str) -> FiscalQuarter | None:
    """The quarter row 1 names, in the screens' form or the canonical one (None: neither)."""
    try:
        return FiscalQuarter.parse_any(text)
    except ValueError:
        return None


def check_headings(sheet: Sheet, number: int) -> None:
    """Row `number` holds the sheet's column headings (in English or French), in order."""
    row = sheet.rows[number - 1] if len(sheet.rows) >= number else ()
    found = [cells.text(c) for c in row]
    while found and not found[-1]:
        found.pop()
    expected = [column.label for column in sheet.columns]
    matches = len(found) == len(expected) and all(
        fold(text) in in_every_language(label) for text, label in zip(found, expected, strict=True)
    )
    if not matches:
        raise ImportRefused(
            400,
            _(
                "Row %(row)s of “%(sheet)s” does not hold the template's column headings.",
                row=number,
                sheet=sheet.name,
            ),
            [
                _("Expected: %(names)s.", names=" | ".join(str(label) for label in expected)),
                _("Found: %(names)s.", names=" | ".join(found) or "-"),
            ],
        )
