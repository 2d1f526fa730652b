"""The /reports/ pages: who may see and download, generating, downloads, verifying a copy."""

from __future__ import annotations

import base64
import hashlib
import io
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.conftest import AuthActions, make_user, post_form
from tests.factories.reports import SLUG, YEAR, build_plan
from tracker import create_app
from tracker.extensions import db
from tracker.models import AnnualReport, Role
from tracker.reports import service
from tracker.reports.files import RenderedFile
from tracker.reports.snapshot import ReportSnapshot

PLANNER, OVERSIGHT, ADMIN, DEPT = (
    "planner@example.gc.ca",
    "oversight@example.gc.ca",
    "admin@example.gc.ca",
    "dept@example.gc.ca",
)


@pytest.fixture(scope="module")
def rendered() -> dict[tuple[object, ...], list[RenderedFile]]:
    return {}


@pytest.fixture(autouse=True)
def render_each_report_once(
    monkeypatch: pytest.MonkeyPatch, rendered: dict[tuple[object, ...], list[RenderedFile]]
) -> None:
    """These tests are about listing, downloading and verifying a report's files, not about what
    the files say (test_renderers and test_pdf read them): each distinct report of the module's
    world is rendered once, for real, and its files are stored again by the later tests."""
    render = service.render_files

    def once(snapshot: ReportSnapshot, version: int, plan_id: int) -> list[RenderedFile]:
        key = (plan_id, version, snapshot.fiscal_year, snapshot.language)
        if key not in rendered:
            rendered[key] = render(snapshot, version, plan_id)
        return rendered[key]

    monkeypatch.setattr(service, "render_files", once)


@pytest.fixture
def report_id(app: Flask) -> int:
    build_plan(app)
    make_user(app, Role.PLANNER, PLANNER)
    make_user(app, Role.OVERSIGHT, OVERSIGHT)
    make_user(app, Role.ADMIN, ADMIN)
    make_user(app, Role.DEPARTMENT, DEPT, department="LEAD")
    with app.app_context():
        return service.generate_annual_report(SLUG, YEAR, "scheduler").id


def text(response: object) -> str:
    return " ".join(response.get_data(as_text=True).split())  # type: ignore[attr-defined]


def report_count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(AnnualReport.id))) or 0


@pytest.mark.parametrize("email", [OVERSIGHT, PLANNER, ADMIN])
def test_readers_see_the_list_the_page_and_download(
    client: FlaskClient, auth: AuthActions, report_id: int, email: str
) -> None:
    auth.login(email)
    listing = client.get("/reports/")
    assert listing.status_code == 200
    assert f"/reports/{report_id}/pdf" in listing.get_data(as_text=True)
    page = client.get(f"/reports/{report_id}")
    assert page.status_code == 200 and "SHA-256" in text(page)
    assert client.get(f"/reports/{report_id}/csv").status_code == 200


def test_department_users_may_not_see_or_download_reports(
    client: FlaskClient, auth: AuthActions, report_id: int
) -> None:
    auth.login(DEPT)
    assert "/reports/" not in client.get("/").get_data(as_text=True)  # no menu entry
    for url in ("/reports/", f"/reports/{report_id}", f"/reports/{report_id}/pdf"):
        assert client.get(url).status_code == 403, url
    response = post_form(client, f"/reports/{report_id}/verify", {"sha256": "0" * 64}, page="/")
    assert response.status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(client: FlaskClient, report_id: int) -> None:
    response = client.get(f"/reports/{report_id}/pdf")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_only_planners_get_the_generate_form(
    app: Flask, client: FlaskClient, auth: AuthActions, report_id: int
) -> None:
    auth.login(OVERSIGHT)
    assert "Generate a report" not in text(client.get("/reports/"))
    data = {"target": f"{SLUG}:{YEAR}", "language": "en"}
    assert post_form(client, "/reports/generate", data, page="/reports/").status_code == 403
    assert report_count(app) == 1


def test_a_planner_generates_a_new_version_and_lands_on_it(
    app: Flask, client: FlaskClient, auth: AuthActions, report_id: int
) -> None:
    auth.login(PLANNER)
    page = text(client.get("/reports/"))
    assert "Generate a report" in page and f'value="{SLUG}:{YEAR}"' in page
    assert f'value="{SLUG}:2025"' not in page  # fiscal 2025-26 is not over
    data = {"target": f"{SLUG}:{YEAR}", "language": "en"}
    response = post_form(client, "/reports/generate", data, page="/reports/")
    assert response.status_code == 302
    new_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    shown = text(client.get(f"/reports/{new_id}"))
    assert "Version 2 of the report was generated." in shown and "English" in shown
    with app.app_context():
        report = db.session.get(AnnualReport, new_id)
        assert report is not None and report.triggered_by == f"user:{PLANNER}"
    old = text(client.get(f"/reports/{report_id}"))
    assert "A newer version of this report exists" in old
    assert client.get(f"/reports/{report_id}/pdf").status_code == 200  # still downloadable


def test_a_french_copy_does_not_supersede_the_english_one(
    client: FlaskClient, auth: AuthActions, report_id: int
) -> None:
    auth.login(PLANNER)
    data = {"target": f"{SLUG}:{YEAR}", "language": "fr"}
    response = post_form(client, "/reports/generate", data, page="/reports/")
    french_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    english = text(client.get(f"/reports/{report_id}"))
    assert "A newer version" not in english and "(English)" in english
    assert f'href="/reports/{french_id}" hreflang="fr"' in client.get(f"/reports/{report_id}").text
    french = text(client.get(f"/reports/{french_id}"))
    assert "Annual report 2024-25, version 1 (French)" in french
    listing = client.get("/reports/").get_data(as_text=True)
    rows = re.findall(r"<tr>.*?</tr>", listing, re.S)
    languages = [("English" in r, "French" in r, "latest" in r) for r in rows[1:]]
    assert sorted(languages) == [(False, True, True), (True, False, True)]  # both latest


@pytest.mark.parametrize("target", [f"{SLUG}:2025", "nope:2024", "", f"{SLUG}:x"])
def test_bad_generation_requests_change_nothing(
    app: Flask, client: FlaskClient, auth: AuthActions, report_id: int, target: str
) -> None:
    auth.login(PLANNER)
    data = {"target": target, "language": "en"}
    response = post_form(client, "/reports/generate", data, page="/reports/")
    assert response.status_code == 400
    assert report_count(app) == 1


def test_generate_needs_a_csrf_token(
    client: FlaskClient, auth: AuthActions, report_id: int
) -> None:
    auth.login(PLANNER)
    response = client.post("/reports/generate", data={"target": f"{SLUG}:{YEAR}"})
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("fmt", "media_type"),
    [
        ("pdf", "application/pdf"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("csv", "text/csv; charset=utf-8"),
        ("milestones", "text/csv; charset=utf-8"),
    ],
)
def test_downloads_are_attachments_with_their_checksum(
    app: Flask, client: FlaskClient, auth: AuthActions, report_id: int, fmt: str, media_type: str
) -> None:
    auth.login(OVERSIGHT)
    response = client.get(f"/reports/{report_id}/{fmt}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == media_type
    disposition = response.headers["Content-Disposition"]
    suffix = "_milestones.csv" if fmt == "milestones" else f".{fmt}"
    assert disposition == f"attachment; filename=rep_2024-25_en_v1{suffix}"
    digest = hashlib.sha256(response.data).digest()
    assert response.headers["Repr-Digest"] == f"sha-256=:{base64.b64encode(digest).decode()}:"
    with app.app_context():
        assert service.get_file(report_id, fmt).sha256 == digest.hex()
    assert client.get(f"/reports/{report_id}/docx").status_code == 404
    assert client.get("/reports/999/pdf").status_code == 404


def verify(client: FlaskClient, report_id: int, **data: object) -> tuple[int, str]:
    url = f"/reports/{report_id}/verify"
    response = post_form(client, url, dict(data), page=f"/reports/{report_id}")
    return response.status_code, text(response)


def test_verifying_a_downloaded_copy_and_a_changed_one(
    client: FlaskClient, auth: AuthActions, report_id: int
) -> None:
    auth.login(OVERSIGHT)
    content = client.get(f"/reports/{report_id}/xlsx").data
    status, page = verify(client, report_id, file=(io.BytesIO(content), "copy.xlsx"))
    assert status == 200
    assert "matches a file issued by the tracker" in page
    assert "Excel (XLSX) of version 1 of the 2024-25 report of Reporting Plan" in page
    assert hashlib.sha256(content).hexdigest() in page
    status, page = verify(client, report_id, file=(io.BytesIO(content + b" "), "copy.xlsx"))
    assert status == 200 and "No match" in page


def test_verifying_a_pasted_checksum(
    app: Flask, client: FlaskClient, auth: AuthActions, report_id: int
) -> None:
    auth.login(OVERSIGHT)
    with app.app_context():
        sha = service.get_file(report_id, "pdf").sha256
    status, page = verify(client, report_id, sha256=f"  {sha.upper()} ")
    assert status == 200 and "PDF of version 1" in page
    status, page = verify(client, report_id, sha256="abc")
    assert status == 400 and "64 hex digits" in page
    status, page = verify(client, report_id)
    assert status == 400 and "Choose a file" in page


def test_no_reports_route_edits_or_deletes() -> None:
    app = create_app({"DATABASE_URL": "sqlite://", "SECRET_KEY": "x"}, env="testing")
    writes = {
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/reports")
        and rule.methods
        and rule.methods - {"GET", "HEAD", "OPTIONS"}
    }
    assert writes == {"/reports/generate", "/reports/<int:report_id>/verify"}
    methods = {
        m
        for r in app.url_map.iter_rules()
        if r.rule.startswith("/reports")
        for m in r.methods or ()
    }
    assert not methods & {"PUT", "PATCH", "DELETE"}


def test_report_page_lists_each_file_checksum(
    app: Flask, client: FlaskClient, auth: AuthActions, report_id: int
) -> None:
    auth.login(OVERSIGHT)
    page = client.get(f"/reports/{report_id}").get_data(as_text=True)
    with app.app_context():
        shas = {f.format: f.sha256 for f in service.get_report(report_id).files}
    for sha in shas.values():
        assert re.search(rf"<code class=\"checksum\">{sha}</code>", page)
