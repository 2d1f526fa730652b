"""Yearly roadmap reports: a frozen snapshot, its renderers (PDF, XLSX, CSV) and the pages.

`builder` reads the database into a `snapshot.ReportSnapshot` (plain frozen data); `files`
renders a report's files from it: `pdf`, `xlsx` (with `xlsx_sheets`, `xlsx_roadmap` and the
raw-data rows of `xlsx_raw`) and `csv_export` (updates and milestones), the update rows read
once from `raw`; `tracker.reports.service` stores them, one version sequence per language;
`routes` serves them.
"""

from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/reports")
