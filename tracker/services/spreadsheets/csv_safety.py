"""CSV output that spreadsheets will not run as formulas, written row by row for streaming.

A cell whose text starts with `=`, `+`, `-`, `@`, a tab or a carriage return is prefixed with a
single quote, so Excel, LibreOffice and Google Sheets show it as text instead of evaluating it
(CSV injection). Numbers are written as they are: they are not formulas.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Excel needs a byte-order mark to read a UTF-8 CSV file's accents correctly.
BOM = "\ufeff"


def safe_cell(value: object) -> object:
    """`value` with a leading single quote when it is text a spreadsheet would run."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_lines(rows: Iterable[Iterable[object]], bom: bool = True) -> Iterator[str]:
    """Each row as one CSV line (CRLF-terminated), every cell passed through `safe_cell`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if bom:
        yield BOM
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
