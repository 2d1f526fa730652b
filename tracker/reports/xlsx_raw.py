"""The workbook's raw-data rows, written as sheet XML directly and spliced into the file.

A year holds tens of thousands of updates (100 actions x 100 departments x 4 quarters): at
XlsxWriter's cost per cell that sheet alone would take many seconds. XlsxWriter still writes
the sheet itself (header row, frozen pane, filter, column widths); its data rows are produced
here as inline-string cells, spooled to a temporary file, and inserted before `</sheetData>`
when the finished file is copied. Text is always an inline string, never a formula; times are
written as 'YYYY-MM-DD HH:MM' text (UTC).
"""

from __future__ import annotations

import io
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import IO

from xlsxwriter.utility import xl_col_to_name

MAX_CELL_CHARS = 32767
# Deflate level for the (large) raw sheet: level 1 is several times faster than the default
# for a file only a few percent larger.
COMPRESS_LEVEL = 1
_ESCAPED = re.compile("_x[0-9A-Fa-f]{4}_")
# XML 1.0 cannot hold most control characters, and a bare CR would be read back as LF: Excel's
# own _xHHHH_ escape keeps them. Most text has none, so the search comes first: a
# str.translate() with a mapping costs a Python call per character of every long narrative.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\ufffe\uffff]")
# Text that needs none of the escapes below goes in as it is (one regex search per cell).
_NEEDS_ESCAPE = re.compile("[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]|_x").search
_DIMENSION = re.compile(rb'<dimension ref="[^"]*"/>')
Cell = str | int | float | datetime | None


def _text(value: str) -> str:
    """Cell text as XML: escaped, control characters as _xHHHH_, cut to Excel's limit."""
    value = value[:MAX_CELL_CHARS]
    if "_x" in value:  # literal text that looks like an escape must itself be escaped
        value = _ESCAPED.sub(lambda m: "_x005F" + m[0], value)
    if "&" in value:
        value = value.replace("&", "&amp;")
    if "<" in value:
        value = value.replace("<", "&lt;")
    if ">" in value:
        value = value.replace(">", "&gt;")
    if _CONTROLS.search(value) is not None:
        value = _CONTROLS.sub(lambda m: f"_x{ord(m[0]):04X}_", value)
    return value


class RawRows:
    """Data rows spooled as sheet XML, starting on the sheet's second row."""

    def __init__(self, columns: int) -> None:
        self.names = [xl_col_to_name(n) for n in range(columns)]
        self.file: IO[bytes] = tempfile.TemporaryFile()
        self.count = 0

    def write(self, rows: Iterable[Sequence[Cell]]) -> None:
        """Append rows (one list of cells each); text goes in as inline strings."""
        buffer: list[str] = []
        for cells in rows:
            self.count += 1
            r = self.count + 1
            parts = [f'<row r="{r}">']
            for name, value in zip(self.names, cells, strict=False):
                if value is None:
                    continue
                if type(value) is str:
                    if len(value) > MAX_CELL_CHARS or _NEEDS_ESCAPE(value) is not None:
                        value = _text(value)
                    parts.append(
                        f'<c r="{name}{r}" t="inlineStr"><is><t xml:space="preserve">'
                        f"{value}</t></is></c>"
                    )
                elif isinstance(value, datetime):
                    stamp = value.isoformat(" ", "minutes")
                    parts.append(f'<c r="{name}{r}" t="inlineStr"><is><t>{stamp}</t></is></c>')
                else:
                    parts.append(f'<c r="{name}{r}"><v>{value}</v></c>')
            parts.append("</row>")
            buffer.append("".join(parts))
            if len(buffer) >= 500:
                self._flush(buffer)
        self._flush(buffer)

    def _flush(self, buffer: list[str]) -> None:
        self.file.write("".join(buffer).encode("utf-8"))
        buffer.clear()

    def splice(self, workbook: bytes, sheet: int) -> bytes:
        """The workbook with these rows inserted into its `sheet`-th sheet (1-based)."""
        name = f"xl/worksheets/sheet{sheet}.xml"
        last = f"{self.names[-1]}{self.count + 1}".encode("ascii")
        output = io.BytesIO()
        with (
            zipfile.ZipFile(io.BytesIO(workbook)) as source,
            zipfile.ZipFile(
                output, "w", zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL
            ) as target,
        ):
            for info in source.infolist():
                data = source.read(info)
                if info.filename != name:
                    target.writestr(info, data)
                    continue
                head, tail = data.split(b"</sheetData>", 1)
                head = _DIMENSION.sub(b'<dimension ref="A1:' + last + b'"/>', head, count=1)
                with target.open(name, "w") as out:  # deflated at COMPRESS_LEVEL
                    out.write(head)
                    self.file.seek(0)
                    shutil.copyfileobj(self.file, out)
                    out.write(b"</sheetData>" + tail)
        self.file.close()
        return output.getvalue()
