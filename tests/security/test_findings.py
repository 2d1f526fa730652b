"""Findings 5 to 8: drafts, look-alike accounts, session and cache headers, the audit trail,
and the small ones. Each attack asserts the answer and that nothing was stored."""

from __future__ import annotations

import io
import re
import unicodedata
from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import PASSWORD, AuthActions, csrf_token, make_user, post_form
from tests.factories.updates import PREVIOUS, QUARTER, add_update
from tests.security.helpers import table_counts
from tests.updates.helpers import World, form_data
from tracker.assets import CHARTJS_URL
from tracker.extensions import db
from tracker.models import AuditEvent, ReportingPeriod, Role, User, WorkflowState


def _events(app: Flask, action: str) -> list[AuditEvent]:
    with app.app_context():
        events = list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))
        db.session.expunge_all()
        return events


# ---- 5: a department's unsent draft --------------------------------------------------------


def test_planner_cannot_read_a_draft_at_review(
    app: Flask, world: World, planner: FlaskClient
) -> None:
    draft = add_update(app, world, world.period_id, state=WorkflowState.DRAFT, risks="secret")
    response = planner.get(f"/review/{draft}")
    assert response.status_code == 404
    assert "secret" not in response.get_data(as_text=True)
    before = table_counts(app, exclude={"audit_event"})
    data = {"version": "1", "comment": "x", "accept": "1"}
    refused = post_form(planner, f"/review/{draft}", data, page="/review/")
    assert refused.status_code == 404  # refused (not waiting for review), the draft not shown
    assert "secret" not in refused.get_data(as_text=True)
    assert table_counts(app, exclude={"audit_event"}) == before


def test_planner_still_reads_a_submitted_update(
    app: Flask, world: World, planner: FlaskClient
) -> None:
    sent = add_update(app, world, world.period_id, state=WorkflowState.SUBMITTED)
    assert planner.get(f"/review/{sent}").status_code == 200


# ---- 6: look-alike accounts and names ------------------------------------------------------

NFC = unicodedata.normalize("NFC", "écrivain@example.gc.ca")
NFD = unicodedata.normalize("NFD", "écrivain@example.gc.ca")


def _new_user(**overrides: str) -> dict[str, str]:
    password = "tangerine ladder quietly 47 orbits"
    data = {
        "email": NFC,
        "name": "Écrivain Person",
        "role": "planner",
        "department": "",
        "language": "fr",
        "new_password": password,
        "confirm_password": password,
    }
    return {**data, **overrides}


def test_nfd_email_is_the_same_account_as_nfc(app: Flask, world: World, admin: FlaskClient) -> None:
    assert post_form(admin, "/admin/users/new", _new_user()).status_code == 302
    before = table_counts(app, exclude={"audit_event"})
    response = post_form(admin, "/admin/users/new", _new_user(email=NFD))
    assert response.status_code == 400
    assert "already exists" in response.get_data(as_text=True)
    assert table_counts(app, exclude={"audit_event"}) == before
    # and the NFD spelling signs in to the NFC account
    client = app.test_client()
    assert AuthActions(client).login(NFD, "tangerine ladder quietly 47 orbits").status_code == 302


@pytest.mark.parametrize(
    "name", ["Evil\u202egnp.exe", "Zero\u200bwidth", "Tab\there", "Bell\x07", "Iso\u2066late"]
)
def test_names_with_bidi_or_control_characters_are_refused(
    app: Flask, world: World, admin: FlaskClient, name: str
) -> None:
    before = table_counts(app, exclude={"audit_event"})
    response = post_form(admin, "/admin/users/new", _new_user(name=name))
    assert response.status_code == 400
    assert "invisible or control characters" in response.get_data(as_text=True)
    assert table_counts(app, exclude={"audit_event"}) == before


def test_names_are_stored_in_nfc(app: Flask, world: World, admin: FlaskClient) -> None:
    name = unicodedata.normalize("NFD", "Hélène Côté")
    assert post_form(admin, "/admin/users/new", _new_user(name=name)).status_code == 302
    with app.app_context():
        stored = db.session.scalars(select(User.name).where(User.email == NFC)).one()
    assert stored == unicodedata.normalize("NFC", name)


# ---- 7: session, caching, CSP, audit -------------------------------------------------------


def test_csrf_token_changes_at_sign_in(app: Flask, world: World) -> None:
    client = app.test_client()
    before = csrf_token(client, "/login")
    data = {"email": "planner@example.gc.ca", "password": PASSWORD, "csrf_token": before}
    response = client.post("/login", data=data)
    assert response.status_code == 302
    after = csrf_token(client, "/account/password")
    assert after != before
    # a token planted before sign-in no longer works after it
    response = client.post("/logout", data={"csrf_token": before})
    assert response.status_code == 400
    assert client.get("/").status_code == 200


@pytest.mark.parametrize("url", ["/", "/updates/", "/account/password"])
def test_signed_in_pages_are_not_stored(dept: FlaskClient, url: str) -> None:
    response = dept.get(url)
    assert response.status_code == 200
    assert "no-store" in response.headers.get("Cache-Control", "")


def test_static_files_stay_cacheable(dept: FlaskClient) -> None:
    with dept.get("/static/css/app.css") as response:
        assert "no-store" not in response.headers.get("Cache-Control", "")


def test_csp_names_the_one_chartjs_file(client: FlaskClient) -> None:
    policy = client.get("/login").headers["Content-Security-Policy"]
    script_src = next(p for p in policy.split(";") if p.strip().startswith("script-src"))
    assert script_src.split()[1:] == ["'self'", CHARTJS_URL]


def test_cross_department_404_is_audited(app: Flask, world: World, dept: FlaskClient) -> None:
    other = add_update(
        app,
        world,
        world.period_id,
        state=WorkflowState.SUBMITTED,
        action_id=world.other_action_id,
        department_id=world.other_department_id,
    )
    for url in (world.other_form_url, f"/updates/{other}/compare?a=1&b=1"):
        assert dept.get(url).status_code == 404
    events = _events(app, "access.not_found")
    assert [e.detail["path"] for e in events] == [
        world.other_form_url,
        f"/updates/{other}/compare",
    ]
    assert {e.actor_label for e in events} == {"dept@example.gc.ca"}


def test_refused_hostile_upload_is_audited(app: Flask, world: World, dept: FlaskClient) -> None:
    before = table_counts(app, exclude={"audit_event"})
    bomb = b"PK\x03\x04" + b"\x00" * 200
    response = post_form(
        dept,
        f"/updates/{QUARTER}/import",
        {"file": (io.BytesIO(bomb), "quarter.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert table_counts(app, exclude={"audit_event"}) == before
    [event] = _events(app, "updates.import_refused")
    assert event.detail["filename"] == "quarter.xlsx"
    assert event.detail["status"] == 400


def test_user_updated_records_before_and_after(
    app: Flask, world: World, admin: FlaskClient
) -> None:
    target = make_user(app, Role.DEPARTMENT, "d9@example.gc.ca", department="ACR")
    data = {"name": "Renamed", "role": "planner", "department": "", "language": "fr", "active": "y"}
    assert post_form(admin, f"/admin/users/{target}", data).status_code == 302
    [event] = _events(app, "user.updated")
    before, after = event.detail["before"], event.detail["after"]
    assert before["name"] == "Department User" and after["name"] == "Renamed"
    assert before["role"] == "department" and after["role"] == "planner"
    assert before["language"] == "en" and after["language"] == "fr"
    assert before["department"] == "ACR" and after["department"] is None
    assert before["active"] is True and after["active"] is True


# ---- 8: the small ones ---------------------------------------------------------------------


@pytest.mark.parametrize("value", ["abc", "1e2", "50.5", "101", "-1"])
def test_percent_error_is_shown_once(
    app: Flask, world: World, dept: FlaskClient, value: str
) -> None:
    before = table_counts(app, exclude={"audit_event"})
    response = post_form(dept, world.form_url, form_data(world, percent_complete=value))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    shown = re.search(r'id="percent_complete-error">(.*?)</p>', html, re.S)
    assert shown is not None
    assert shown.group(1).count("Enter a whole number from 0 to 100.") == 1
    assert table_counts(app, exclude={"audit_event"}) == before


def test_template_csv_names_its_charset_once(dept: FlaskClient) -> None:
    response = dept.get(f"/updates/{QUARTER}/template.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"


@pytest.mark.parametrize("until", ["9999-12-31", "2027-04-01"])
def test_a_period_cannot_be_reopened_for_years(
    app: Flask, world: World, admin: FlaskClient, until: str
) -> None:
    page = f"/admin/periods/{world.previous_period_id}"
    response = post_form(admin, f"{page}/reopen", {"until": until}, page=page)
    assert response.status_code == 400
    assert "Reopen it until" in response.get_data(as_text=True)
    with app.app_context():
        period = db.session.get(ReportingPeriod, world.previous_period_id)
        assert period is not None and period.reopened_until is None


def test_a_period_can_be_reopened_within_the_next_fiscal_year(
    app: Flask, world: World, admin: FlaskClient
) -> None:
    page = f"/admin/periods/{world.previous_period_id}"
    response = post_form(admin, f"{page}/reopen", {"until": "2027-03-31"}, page=page)
    assert response.status_code == 302
    with app.app_context():
        period = db.session.get(ReportingPeriod, world.previous_period_id)
        assert period is not None and period.reopened_until == date(2027, 3, 31)
    assert PREVIOUS  # 2025-Q1: its fiscal year 2025-26 ends 2026-03-31, the next one 2027-03-31
