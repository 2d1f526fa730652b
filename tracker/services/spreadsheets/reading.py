"""Reading an uploaded spreadsheet into plain rows of cells, refusing what is not one.

The kind is decided by the bytes, never by the file name: an XLSX file is a zip archive holding
`[Content_Types].xml` and `xl/workbook.xml`; anything else must be UTF-8 text (a byte-order
mark is allowed) and is read as CSV, with commas, semicolons or tabs between cells. Workbooks
are read by openpyxl in read-only mode without computed values, so that a cell holding a
formula is seen as one. Archives that would expand past MAX_UNPACKED_BYTES and sheets longer
than MAX_ROWS are refused before they can tie the server up.
"""

from __future__ import annotations

import csv
import io
import warnings
import zipfile
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _

from tracker.services.spreadsheets.columns import ImportRefused
from tracker.services.spreadsheets.csv_safety import FORMULA_PREFIXES

MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_ROWS = 5_000
MAX_COLUMNS = 40
ZIP_MAGIC = b"PK\x03\x04"
OLD_EXCEL_MAGIC = b"\xd0\xcf\x11\xe0"
Value = str | int | float | bool | date | datetime | None


@dataclass(frozen=True)
class Cell:
    """A cell's value as stored; `formula` when it holds a formula instead of a value."""

    value: Value = None
    formula: bool = False

    @property
    def blank(self) -> bool:
        """True when the cell holds nothing (blank text counts as nothing)."""
        if self.formula:
            return False
        return self.value is None or (isinstance(self.value, str) and not self.value.strip())


Row = tuple[Cell, ...]


@dataclass(frozen=True)
class Upload:
    """The file's kind ('xlsx' or 'csv'), its sheet names and the rows of the sheets read."""

    kind: str
    sheet_names: list[str]
    sheets: dict[str, list[Row]]


def read_upload(data: bytes, wanted: Collection[str] = ()) -> Upload:
    """The rows of an XLSX file's sheets named in `wanted` (folded names), or of a CSV file."""
    if data.startswith(ZIP_MAGIC):
        if not zipfile.is_zipfile(io.BytesIO(data)):
            raise _not_a_spreadsheet(_("The workbook could not be opened."))
        return _read_xlsx(data, wanted)
    if data.startswith(OLD_EXCEL_MAGIC):
        raise _not_a_spreadsheet(
            _("This is an old Excel (.xls) file or a password-protected workbook.")
        )
    return _read_csv(data)


def _not_a_spreadsheet(detail: str = "") -> ImportRefused:
    message = _(
        "This file is not a spreadsheet we can read. Upload the template as an Excel workbook "
        "(.xlsx) or as a CSV file saved in UTF-8."
    )
    return ImportRefused(400, message, [detail] if detail else [])


def _read_xlsx(data: bytes, wanted: Collection[str]) -> Upload:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        unpacked = sum(info.file_size for info in archive.infolist())
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise _not_a_spreadsheet(_("The file is a zip archive but not an Excel workbook."))
    if unpacked > MAX_UNPACKED_BYTES:
        raise ImportRefused(413, _("The workbook is too large once unpacked."))
    # Imported here: openpyxl costs every web worker about 6 MB, for a rare upload.
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            # openpyxl warns about features it drops (extensions, styles): harmless here.
            warnings.simplefilter("ignore")
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
            try:
                sheet_names = list(workbook.sheetnames)
                sheets = {
                    name: _sheet_rows(workbook[name])
                    for name in sheet_names
                    if " ".join(name.split()).casefold() in wanted
                }
            finally:
                workbook.close()
    except ImportRefused:
        raise
    except Exception as error:  # a damaged or hostile workbook: refuse it, whatever broke
        raise _not_a_spreadsheet(_("The workbook could not be opened.")) from error
    return Upload("xlsx", sheet_names, sheets)


def _sheet_rows(sheet: Any) -> list[Row]:
    rows: list[Row] = []
    sheet.reset_dimensions()  # trust the cells, not the dimension the file claims
    for raw in sheet.iter_rows(max_col=MAX_COLUMNS):
        if len(rows) >= MAX_ROWS:
            raise ImportRefused(400, _("The sheet has more than %(n)s rows.", n=MAX_ROWS))
        rows.append(
            tuple(
                Cell(getattr(cell, "value", None), getattr(cell, "data_type", None) == "f")
                for cell in raw
            )
        )
    return rows


def _read_csv(data: bytes) -> Upload:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise _not_a_spreadsheet(
            _("The file is not UTF-8 text: in Excel, save it as “CSV UTF-8”.")
        ) from error
    if not text.strip() or "\x00" in text:
        raise _not_a_spreadsheet()
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    rows: list[Row] = []
    try:
        for raw in reader:
            if len(rows) >= MAX_ROWS:
                raise ImportRefused(400, _("The file has more than %(n)s rows.", n=MAX_ROWS))
            rows.append(tuple(Cell(unprotect(value) or None) for value in raw[:MAX_COLUMNS]))
    except csv.Error as error:
        raise _not_a_spreadsheet(str(error)) from error
    return Upload("csv", [], {"": rows})


def _delimiter(text: str) -> str:
    """Comma, or the semicolon or tab that a spreadsheet in some locales saves instead."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    return max((",", ";", "\t"), key=first.count)


def unprotect(value: str) -> str:
    """A CSV cell without the leading quote that `safe_cell` added before formula-like text."""
    if value.startswith("'") and value[1:].startswith(FORMULA_PREFIXES):
        return value[1:]
    return value
