"""The reports pages: list, generate (planners), a report's checksums and verification, downloads.

Oversight staff, planners and admins read and download reports; department users may not
(docs/service.md). Nothing here changes a stored report: generating adds a new version.
"""

from __future__ import annotations

import base64
import binascii
import io
from collections.abc import Iterable

from flask import flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from tracker.access import roles, signed_in_user
from tracker.fiscal import fiscal_year_label
from tracker.i18n import current_language
from tracker.models import ReportFile, Role
from tracker.reports import bp, service
from tracker.reports.files import FORMATS
from tracker.reports.forms import GenerateForm, VerifyForm, empty_generate_form
from tracker.reports.service import Verification
from tracker.services.calendar import clock
from tracker.services.calendar.periods import start_month

READERS = (Role.OVERSIGHT, Role.PLANNER, Role.ADMIN)
Page = str | tuple[str, int]


@bp.app_template_filter("fiscal_year")
def fiscal_year_filter(year: int) -> str:
    """Template filter: a fiscal year as people write it ('2018-19' / '2018-2019')."""
    return fiscal_year_label(year, current_language(), start_month())


@bp.app_template_filter("in_file_order")
def in_file_order(files: Iterable[ReportFile]) -> list[ReportFile]:
    """Template filter: a report's files as the pages list them (PDF, XLSX, CSV, milestones)."""
    order = {fmt: n for n, fmt in enumerate(FORMATS)}
    return sorted(files, key=lambda f: order.get(f.format, len(order)))


def _index(form: GenerateForm | None, status: int = 200) -> tuple[str, int]:
    if form is None and signed_in_user().role == Role.PLANNER:
        form = empty_generate_form(service.generation_choices(clock.today()), current_language())
    return render_template("reports/index.html", groups=service.list_reports(), form=form), status


@bp.route("/")
@roles(*READERS)
def index() -> Page:
    return _index(None)


@bp.route("/generate", methods=["POST"])
@roles(Role.PLANNER)
def generate() -> Page | Response:
    form = GenerateForm()
    form.load_choices(service.generation_choices(clock.today()))
    if not form.validate():
        return _index(form, 400)
    slug, year = form.chosen()
    user = signed_in_user()
    try:
        report = service.generate_annual_report(
            slug, year, f"user:{user.email}", actor=user, language=form.language.data
        )
    except service.ReportError as error:
        form.target.errors = [str(error)]
        return _index(form, 400)
    flash(_("Version %(version)s of the report was generated.", version=report.version), "success")
    return redirect(url_for("reports.show", report_id=report.id))


def _show(
    report_id: int, form: VerifyForm, result: Verification | None, status: int = 200
) -> tuple[str, int]:
    report = service.get_report(report_id)
    html = render_template(
        "reports/show.html",
        report=report,
        snapshot=service.report_snapshot(report),
        versions=service.other_versions(report),
        translations=service.other_languages(report),
        form=form,
        result=result,
    )
    return html, status


@bp.route("/<int:report_id>")
@roles(*READERS)
def show(report_id: int) -> Page:
    return _show(report_id, VerifyForm(formdata=None), None)


@bp.route("/<int:report_id>/verify", methods=["POST"])
@roles(*READERS)
def verify(report_id: int) -> Page:
    form = VerifyForm()
    if not form.validate():
        return _show(report_id, form, None, 400)
    if form.uploaded() is not None:
        result = service.verify(*service.digest(form.chunks()))
    else:
        result = service.verify(form.sha256.data or "")
    return _show(report_id, form, result)


@bp.route("/<int:report_id>/<any(pdf, xlsx, csv, milestones):fmt>")
@roles(*READERS)
def download(report_id: int, fmt: str) -> Response:
    stored = service.get_file(report_id, fmt)
    response = send_file(
        io.BytesIO(stored.content),
        mimetype=stored.media_type,
        as_attachment=True,
        download_name=stored.filename,
        etag=stored.sha256,
        max_age=0,
    )
    response.headers["Content-Type"] = stored.media_type  # as stored, charset included
    digest = base64.b64encode(binascii.unhexlify(stored.sha256)).decode("ascii")
    response.headers["Repr-Digest"] = f"sha-256=:{digest}:"
    return response
