"""Render a report's files from one snapshot: the PDF and the workbook in child processes
while this process writes the CSV files.

The year's updates are read from the database once, in the caller's read transaction, and
spooled to a temporary file (pickled batches); the workbook and the CSV file each stream them
back from there, so every file shows the same rows and memory stays flat. Children never touch
the database: they get the snapshot and the spool's path, and render inside the app context
they inherit. Children are forked (cheap: the renderers are already imported) when the first
file is submitted, before the rows are read, so they do not carry a copy of them.
`REPORT_RENDER_PROCESSES = 0` renders everything in this process instead.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import pickle
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import IO

from flask import Flask, current_app
from werkzeug.utils import secure_filename

from tracker.extensions import db
from tracker.fiscal import fiscal_year_label
from tracker.reports.raw import RawUpdate, update_rows
from tracker.reports.snapshot import ReportSnapshot

FORMATS = ("pdf", "xlsx", "csv", "milestones")
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "milestones": "text/csv; charset=utf-8",
}
SUFFIXES = {"pdf": ".pdf", "xlsx": ".xlsx", "csv": ".csv", "milestones": "_milestones.csv"}
SPOOL_BATCH = 2000


@dataclass(frozen=True)
class RenderedFile:
    format: str
    filename: str
    media_type: str
    content: bytes
    sha256: str


class RowSpool:
    """The year's update rows, read once from the database and replayed from a temporary file."""

    def __init__(self, plan_id: int, fiscal_year: int) -> None:
        file: IO[bytes] = tempfile.NamedTemporaryFile(prefix="tracker-report-", delete=False)
        self.path = file.name
        try:
            with file:
                batch: list[RawUpdate] = []
                for row in update_rows(plan_id, fiscal_year):
                    batch.append(row)
                    if len(batch) == SPOOL_BATCH:
                        pickle.dump(batch, file, pickle.HIGHEST_PROTOCOL)
                        batch = []
                if batch:
                    pickle.dump(batch, file, pickle.HIGHEST_PROTOCOL)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        """Remove the temporary file."""
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            pass


def replay(path: str) -> Callable[[], Iterator[RawUpdate]]:
    """A row source (see raw.RowSource) that reads a spool back, batch by batch."""

    def rows() -> Iterator[RawUpdate]:
        with open(path, "rb") as spool:
            while True:
                try:
                    batch: list[RawUpdate] = pickle.load(spool)  # noqa: S301 - our own file
                except EOFError:
                    return
                yield from batch

    return rows


def render_one(fmt: str, snapshot: ReportSnapshot, version: int, spool: str) -> bytes:
    """One file's bytes (in whichever process runs it)."""
    # Imported here: reportlab and XlsxWriter cost every web worker about 10 MB, and only the
    # scheduler, the CLI and the rare "generate now" request render reports.
    from tracker.reports import csv_export, pdf, xlsx

    if fmt == "pdf":
        return pdf.render_pdf(snapshot, version)
    if fmt == "xlsx":
        return xlsx.render_xlsx(snapshot, version, replay(spool))
    if fmt == "csv":
        return b"".join(csv_export.render_csv(snapshot, replay(spool)))
    if fmt == "milestones":
        return b"".join(csv_export.render_milestones_csv(snapshot))
    raise ValueError(f"unknown report file format {fmt!r}")


def _child_init(app: Flask) -> None:
    """In a forked child: the parent's app context; its pooled connections stay the parent's."""
    context = app.app_context()
    context.push()
    db.engine.dispose(close=False)  # never use (or close) a connection the parent holds


def _pool(app: Flask) -> Executor | None:
    """Child processes for the PDF and the workbook, or None to render in this process."""
    processes = int(app.config["REPORT_RENDER_PROCESSES"])
    if processes <= 0 or "fork" not in multiprocessing.get_all_start_methods():
        return None
    return ProcessPoolExecutor(
        max_workers=processes,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_child_init,
        initargs=(app,),
    )


def render_files(snapshot: ReportSnapshot, version: int, plan_id: int) -> list[RenderedFile]:
    """The files of one report, all from the same snapshot and the same rows."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    pool = _pool(app)
    spool: RowSpool | None = None
    contents: dict[str, bytes] = {}
    try:
        futures: dict[str, Future[bytes]] = {}
        if pool is not None:  # the PDF needs no rows: start it before reading them
            futures["pdf"] = pool.submit(render_one, "pdf", snapshot, version, "")
        spool = RowSpool(plan_id, snapshot.fiscal_year)
        if pool is not None:
            futures["xlsx"] = pool.submit(render_one, "xlsx", snapshot, version, spool.path)
        for fmt in FORMATS:
            if fmt not in futures:
                contents[fmt] = render_one(fmt, snapshot, version, spool.path)
        for fmt, future in futures.items():
            contents[fmt] = future.result()
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        if spool is not None:
            spool.close()
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
