"""Yearly roadmap reports: a frozen snapshot, its renderers (PDF, XLSX, CSV) and the pages.

`builder` reads the database into a `snapshot.ReportSnapshot` (plain frozen data); `pdf`,
`xlsx` and `csv_export` render files from that snapshot and from the streamed update rows of
`raw`; `tracker.reports.service` stores them; `routes` serves them.
"""

from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/reports")
