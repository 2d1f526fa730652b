"""A department's quarter as a spreadsheet: template downloads, the import and its result."""

from __future__ import annotations

import io

from flask import flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from werkzeug.wrappers import Response
from wtforms import SubmitField

from tracker.access import roles, signed_in_user
from tracker.models import Role, User
from tracker.services.spreadsheets import importing as spreadsheet_import
from tracker.services.spreadsheets import template as spreadsheet_template
from tracker.services.spreadsheets.columns import ImportRefused, load_scope, max_bytes
from tracker.services.spreadsheets.outcome import import_report
from tracker.updates import Page, bp
from tracker.updates.presenters import import_row


class ImportForm(FlaskForm):
    file = FileField(
        _l("Filled-in template (.xlsx or .csv)"),
        validators=[FileRequired(_l("Choose the file to upload."))],
        render_kw={"accept": ".xlsx,.csv"},
    )
    submit = SubmitField(_l("Import"))


@bp.route("/<quarter>/template.<any(xlsx, csv):fmt>")
@roles(Role.DEPARTMENT)
def download_template(quarter: str, fmt: str) -> Response:
    scope = load_scope(signed_in_user(), quarter)
    body, media = spreadsheet_template.build(scope, fmt)
    response = send_file(
        io.BytesIO(body),
        mimetype=media,
        as_attachment=True,
        download_name=spreadsheet_template.filename(scope, fmt),
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/<quarter>/import", methods=["GET", "POST"])
@roles(Role.DEPARTMENT)
def import_sheet(quarter: str) -> Page | Response:
    user = signed_in_user()
    form = ImportForm()
    if request.method == "GET":
        return _import_page(user, quarter, form)
    if not form.validate():
        return _import_page(user, quarter, form, status=400)
    upload = form.file.data
    try:
        data = upload.read(max_bytes() + 1)
        event_id = spreadsheet_import.import_updates(user, quarter, upload.filename or "", data)
    except ImportRefused as refused:
        return _import_page(user, quarter, form, refused, refused.status)
    flash(_("The file was imported."), "success")
    return redirect(url_for(".import_result", quarter=quarter, event_id=event_id))


def _import_page(
    user: User,
    quarter: str,
    form: ImportForm,
    refused: ImportRefused | None = None,
    status: int = 200,
) -> Page:
    scope = load_scope(user, quarter)
    page = render_template(
        "updates/import.html",
        scope=scope,
        form=form,
        reason=spreadsheet_import.closed_reason(scope),
        refused=refused,
        max_mb=f"{max_bytes() / 1024 / 1024:g}",
    )
    return page, status


@bp.route("/<quarter>/import/<int:event_id>")
@roles(Role.DEPARTMENT)
def import_result(quarter: str, event_id: int) -> str:
    report = import_report(signed_in_user(), quarter, event_id)
    rows = [import_row(row) for row in report.actions]
    return render_template("updates/import_result.html", report=report, rows=rows)
