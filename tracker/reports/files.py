"""Render a report's files from one snapshot, reading the year's updates once.

The year's updates are streamed from the database once, in the caller's read transaction;
each row is turned into cells once and goes both to the updates CSV and to the workbook's
raw-data sheet (spooled as sheet XML to a temporary file), so both files show the same rows
and memory stays flat whatever the size of the year. The PDF needs only the snapshot. By
default everything is rendered here, the PDF first: its layout is the largest step, and the
memory it frees is handed back before the spreadsheets and the insert, which would otherwise
add to its peak. With `REPORT_RENDER_PROCESSES = 1` the PDF is drawn in a forked child while
this process reads the rows; the child never touches the database (it inherits the app
context, not a connection) but costs a second Python process's memory (see docs/reports.md
for the figures).
"""

from __future__ import annotations

import ctypes
import gc
import hashlib
import multiprocessing
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from flask import Flask, current_app
from flask_babel import force_locale
from werkzeug.utils import secure_filename

from tracker.extensions import db
from tracker.fiscal import fiscal_year_label
from tracker.reports import raw
from tracker.reports.snapshot import ReportSnapshot

FORMATS = ("pdf", "xlsx", "csv", "milestones")
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "milestones": "text/csv; charset=utf-8",
}
SUFFIXES = {"pdf": ".pdf", "xlsx": ".xlsx", "csv": ".csv", "milestones": "_milestones.csv"}


@dataclass(frozen=True)
class RenderedFile:
    format: str
    filename: str
    media_type: str
    content: bytes
    sha256: str


def _pdf(snapshot: ReportSnapshot, version: int) -> bytes:
    """The PDF's bytes (in whichever process runs it)."""
    # Imported here: WeasyPrint costs every web worker memory, and only the scheduler, the CLI
    # and the rare "generate now" request render reports.
    from tracker.reports import pdf

    return pdf.render_pdf(snapshot, version)


def _child_init(app: Flask) -> None:
    """In a forked child: the parent's app context; its pooled connections stay the parent's."""
    app.app_context().push()
    db.engine.dispose(close=False)  # never use (or close) a connection the parent holds


def _pdf_child(app: Flask) -> ProcessPoolExecutor | None:
    """A forked child process for the PDF, or None to draw it in this process."""
    processes = int(app.config["REPORT_RENDER_PROCESSES"])
    if processes <= 0 or "fork" not in multiprocessing.get_all_start_methods():
        return None
    return ProcessPoolExecutor(
        max_workers=1,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_child_init,
        initargs=(app,),
    )


def _spreadsheets(snapshot: ReportSnapshot, version: int, plan_id: int) -> dict[str, bytes]:
    """The workbook and both CSV files, from one pass over the year's updates."""
    from tracker.reports import csv_export, xlsx
    from tracker.reports.xlsx_raw import RawRows

    with force_locale(snapshot.language):
        cells = raw.Cells(snapshot.language, snapshot.start_month)
        updates = csv_export.UpdatesCsv()
        data = RawRows(len(raw.WIDTHS))

        def each_row() -> Iterator[list[str | int | None]]:
            for row in raw.update_rows(plan_id, snapshot.fiscal_year):
                line = cells(row)
                updates.add(line)
                yield line

        data.write(each_row())
        milestones = b"".join(csv_export.render_milestones_csv(snapshot))
    return {
        "xlsx": xlsx.render_workbook(snapshot, version, data),
        "csv": updates.finish(),
        "milestones": milestones,
    }


def release_memory() -> None:
    """Free what a finished rendering left behind (WeasyPrint's boxes hold reference cycles)
    and hand glibc's free heap pages back to the system, so that the next step reuses them
    rather than adding to the process's peak."""
    gc.collect()
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: the pages stay in the process for reuse
        pass


def render_files(snapshot: ReportSnapshot, version: int, plan_id: int) -> list[RenderedFile]:
    """The files of one report, all from the same snapshot and the same rows."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    child = _pdf_child(app)
    try:
        if child is None:
            # The PDF first: the memory its layout frees is reused by the spreadsheets and the
            # insert instead of adding to their peak.
            pdf_bytes = _pdf(snapshot, version)
            release_memory()
            contents = _spreadsheets(snapshot, version, plan_id)
            contents["pdf"] = pdf_bytes
            release_memory()  # before the caller's insert copies the files
        else:
            pending = child.submit(_pdf, snapshot, version)
            contents = _spreadsheets(snapshot, version, plan_id)
            contents["pdf"] = pending.result()
    finally:
        if child is not None:
            child.shutdown(wait=True, cancel_futures=True)
    year = fiscal_year_label(snapshot.fiscal_year, "en", snapshot.start_month)
    stem = secure_filename(f"{snapshot.plan.slug}_{year}_{snapshot.language}_v{version}")
    return [
        RenderedFile(
            fmt,
            f"{stem}{SUFFIXES[fmt]}",
            MEDIA_TYPES[fmt],
            contents[fmt],
            hashlib.sha256(contents[fmt]).hexdigest(),
        )
        for fmt in FORMATS
    ]
