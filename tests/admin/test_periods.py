"""The reporting calendar: role boundaries, date rules, reopening and closing, all audited."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import AuthActions, make_user, post_form, queries
from tracker.extensions import db
from tracker.fiscal import FiscalQuarter
from tracker.models import AuditEvent, ReportingPeriod, Role
from tracker.services.calendar.dates import CalendarError, reopen_period
from tracker.services.calendar.periods import PeriodState, ensure_periods, state_of

TODAY = date(2025, 8, 1)  # 2025-26 Q1 locked on 30 July; Q2 opens on 1 September


@pytest.fixture
def periods(app: Flask) -> dict[str, int]:
    """Periods of fiscal years 2024-25 and 2025-26, with a fixed `today`; ids by quarter."""
    app.config["TODAY"] = TODAY
    with app.app_context():
        ensure_periods(2024, 2025)
        db.session.commit()
        rows = db.session.scalars(select(ReportingPeriod))
        return {str(p.quarter): p.id for p in rows}


def _period(app: Flask, period_id: int) -> ReportingPeriod:
    with app.app_context():
        period = db.session.get(ReportingPeriod, period_id)
        assert period is not None
        db.session.expunge(period)
        return period


def _events(app: Flask, prefix: str = "period.") -> list[AuditEvent]:
    with app.app_context():
        events = list(
            db.session.scalars(
                select(AuditEvent)
                .where(AuditEvent.action.startswith(prefix))
                .order_by(AuditEvent.id)
            )
        )
        db.session.expunge_all()
        return events


# ---- role boundaries -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role,department",
    [(Role.PLANNER, None), (Role.DEPARTMENT, "ACR"), (Role.OVERSIGHT, None)],
)
def test_calendar_refuses_other_roles(
    app: Flask,
    client: FlaskClient,
    auth: AuthActions,
    periods: dict[str, int],
    role: Role,
    department: str | None,
) -> None:
    make_user(app, role, "someone@example.gc.ca", department=department)
    auth.login("someone@example.gc.ca")
    period_id = periods["2025-Q1"]
    assert client.get("/admin/periods").status_code == 403
    assert client.get(f"/admin/periods/{period_id}").status_code == 403
    before = _period(app, period_id)
    for path, data in [
        (
            f"/admin/periods/{period_id}",
            {"opens_on": "2025-05-01", "due_on": "2025-07-15", "locks_on": "2025-07-30"},
        ),
        (f"/admin/periods/{period_id}/reopen", {"until": "2025-09-01"}),
        (f"/admin/periods/{period_id}/close", {}),
    ]:
        assert post_form(client, path, data, page="/").status_code == 403
    after = _period(app, period_id)
    assert (after.opens_on, after.reopened_until) == (before.opens_on, before.reopened_until)
    assert _events(app) == []


def test_calendar_sends_anonymous_visitors_to_login(client: FlaskClient) -> None:
    response = client.get("/admin/periods")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


# ---- the list ----------------------------------------------------------------------------


def test_calendar_shows_this_fiscal_year_with_states(
    client: FlaskClient, admin: int, periods: dict[str, int]
) -> None:
    page = client.get("/admin/periods").get_data(as_text=True)
    assert "2025-26 Q1" in page and "2025-26 Q4" in page and "2024-25 Q4" not in page
    q1, q2 = page.split("2025-26 Q1", 1)[1], page.split("2025-26 Q2", 1)[1]
    assert q1.split("</tr>", 1)[0].count("Locked") == 1
    assert q2.split("</tr>", 1)[0].count("Upcoming") == 1
    assert 'href="/admin/periods?year=2024"' in page


def test_calendar_year_filter(client: FlaskClient, admin: int, periods: dict[str, int]) -> None:
    page = client.get("/admin/periods?year=2024").get_data(as_text=True)
    assert "2024-25 Q1" in page and "2025-26 Q1" not in page
    assert client.get("/admin/periods?year=1999").status_code == 404


def test_calendar_without_periods(client: FlaskClient, admin: int) -> None:
    response = client.get("/admin/periods")
    assert response.status_code == 200
    assert b"No reporting periods yet" in response.data


def test_calendar_query_count_does_not_grow(
    app: Flask, client: FlaskClient, admin: int, periods: dict[str, int]
) -> None:
    few = queries(app, client, "/admin/periods")
    with app.app_context():
        ensure_periods(2000, 2040)
        db.session.commit()
    assert queries(app, client, "/admin/periods") == few


# ---- dates -------------------------------------------------------------------------------


def test_change_dates_is_saved_and_audited(
    app: Flask, client: FlaskClient, admin: int, periods: dict[str, int]
) -> None:
    period_id = periods["2025-Q2"]
    assert b'value="2025-09-01"' in client.get(f"/admin/periods/{period_id}").data
    data = {"opens_on": "2025-08-15", "due_on": "2025-10-20", "locks_on": "2025-11-05"}
    response = post_form(client, f"/admin/periods/{period_id}", data)
    assert response.status_code == 302
    period = _period(app, period_id)
    assert (period.opens_on, period.due_on, period.locks_on) == (
        date(2025, 8, 15),
        date(2025, 10, 20),
        date(2025, 11, 5),
    )
    [event] = _events(app)
    assert event.action == "period.dates_changed" and event.actor_id == admin
    assert event.object_type == "ReportingPeriod" and event.object_id == str(period_id)
    assert event.detail["quarter"] == "2025-Q2"
    assert event.detail["before"]["opens_on"] == "2025-09-01"
    assert event.detail["after"]["opens_on"] == "2025-08-15"


def test_unchanged_dates_write_no_event(
    app: Flask, client: FlaskClient, admin: int, periods: dict[str, int]
) -> None:
    data = {"opens_on": "2025-09-01", "due_on": "2025-10-15", "locks_on": "2025-10-30"}
    response = post_form(
        client, f"/admin/periods/{periods['2025-Q2']}", data, follow_redirects=True
    )
    assert b"Nothing changed." in response.data
    assert _events(app) == []


@pytest.mark.parametrize(
    "data,field,message",
    [
        ({"due_on": "2025-08-31"}, "due_on", "The due date cannot be before the opening date."),
        ({"locks_on": "2025-10-14"}, "locks_on", "The lock date cannot be before the due date."),
        ({"opens_on": "2025-06-30"}, "opens_on", "Reporting cannot open before the quarter starts"),
        ({"opens_on": "2025-13-01"}, "opens_on", "Not a valid date value."),
        ({"due_on": ""}, "due_on", "This field is required."),
    ],
)
def test_date_rules(
    app: Flask,
    client: FlaskClient,
    admin: int,
    periods: dict[str, int],
    data: dict[str, str],
    field: str,
    message: str,
) -> None:
    period_id = periods["2025-Q2"]
    before = _period(app, period_id)
    valid = {"opens_on": "2025-09-01", "due_on": "2025-10-15", "locks_on": "2025-10-30"}
    response = post_form(client, f"/admin/periods/{period_id}", {**valid, **data})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    error = page.split(f'id="{field}-error"', 1)[1].split("</p>", 1)[0]
    assert message in error
    after = _period(app, period_id)
    assert (after.opens_on, after.due_on, after.locks_on) == (
        before.opens_on,
        before.due_on,
        before.locks_on,
    )
    assert _events(app) == []


def test_unknown_period_is_404(client: FlaskClient, admin: int, periods: dict[str, int]) -> None:
    assert client.get("/admin/periods/9999").status_code == 404
    assert post_form(client, "/admin/periods/9999/close", {}, page="/").status_code == 404


# ---- reopen and close ---------------------------------------------------------------------


def test_reopen_then_close(
    app: Flask, client: FlaskClient, admin: int, periods: dict[str, int]
) -> None:
    period_id = periods["2025-Q1"]
    page = f"/admin/periods/{period_id}"
    response = post_form(client, f"{page}/reopen", {"until": "2025-08-20"}, page=page)
    assert response.status_code == 302
    period = _period(app, period_id)
    assert period.reopened_until == date(2025, 8, 20)
    assert state_of(period, TODAY) is PeriodState.OPEN
    assert b"Reopened until" in client.get(page).data

    response = post_form(client, f"{page}/close", {}, page=page)
    assert response.status_code == 302
    period = _period(app, period_id)
    assert period.reopened_until is None
    assert state_of(period, TODAY) is PeriodState.LOCKED

    reopened, closed = _events(app)
    assert reopened.action == "period.reopened" and closed.action == "period.closed"
    assert reopened.detail["before"]["reopened_until"] is None
    assert reopened.detail["after"]["reopened_until"] == "2025-08-20"
    assert closed.detail["before"]["reopened_until"] == "2025-08-20"
    assert closed.detail["after"]["reopened_until"] is None
    assert {reopened.actor_id, closed.actor_id} == {admin}


@pytest.mark.parametrize(
    "quarter,until,message",
    [
        ("2025-Q1", "2025-07-31", "Choose a date in the future."),
        ("2025-Q1", TODAY.isoformat(), "Choose a date in the future."),
        ("2025-Q1", "", "This field is required."),
        ("2025-Q1", "someday", "Not a valid date value."),
        ("2025-Q2", "2025-12-01", "This period is not locked yet"),
    ],
)
def test_reopen_rules(
    app: Flask,
    client: FlaskClient,
    admin: int,
    periods: dict[str, int],
    quarter: str,
    until: str,
    message: str,
) -> None:
    period_id = periods[quarter]
    response = post_form(client, f"/admin/periods/{period_id}/reopen", {"until": until}, page="/")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page.split('id="until-error"', 1)[1].split("</p>", 1)[0]
    assert _period(app, period_id).reopened_until is None
    assert _events(app) == []


def test_close_refuses_a_period_that_is_not_reopened(
    app: Flask, client: FlaskClient, admin: int, periods: dict[str, int]
) -> None:
    response = post_form(client, f"/admin/periods/{periods['2025-Q1']}/close", {}, page="/")
    assert response.status_code == 400
    assert b"This period is not reopened." in response.data
    assert _events(app) == []


def test_lock_date_must_stay_before_a_reopening(
    app: Flask, client: FlaskClient, admin: int, periods: dict[str, int]
) -> None:
    period_id = periods["2025-Q1"]
    page = f"/admin/periods/{period_id}"
    post_form(client, f"{page}/reopen", {"until": "2025-08-20"}, page=page)
    data = {"opens_on": "2025-06-01", "due_on": "2025-07-15", "locks_on": "2025-08-25"}
    response = post_form(client, page, data)
    assert response.status_code == 400
    assert "close the reopening first" in response.get_data(as_text=True)
    assert _period(app, period_id).locks_on == date(2025, 7, 30)


def test_reopen_service_takes_today(app: Flask, periods: dict[str, int]) -> None:
    admin_id = make_user(app, Role.ADMIN, "calendar.admin@example.gc.ca")
    with app.app_context():
        from tracker.models import User

        actor = db.session.get(User, admin_id)
        assert actor is not None
        with pytest.raises(CalendarError) as error:
            reopen_period(periods["2025-Q1"], date(2025, 7, 31), actor, today=date(2025, 7, 20))
        assert error.value.field == "until"
        reopen_period(periods["2025-Q1"], date(2025, 9, 1), actor, today=date(2025, 8, 30))
        period = db.session.get(ReportingPeriod, periods["2025-Q1"])
        assert period is not None and period.quarter == FiscalQuarter(2025, 1)
        assert period.reopened_until == date(2025, 9, 1)
