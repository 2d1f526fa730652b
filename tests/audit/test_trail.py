"""The audit trail: who may read it, filters, pages, and that no one can change an event."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import AuthActions, make_user, queries
from tracker.db import AppendOnlyError
from tracker.extensions import db
from tracker.models import AuditEvent, Role
from tracker.services.audit.trail import AuditFilter, known_actions, search_events

BASE = datetime(2025, 3, 10, 15, 0, tzinfo=UTC)  # 11:00 in Ottawa


@pytest.fixture
def reader(app: Flask, auth: AuthActions) -> int:
    """An oversight user, signed in."""
    user_id = make_user(app, Role.OVERSIGHT, "reader@example.gc.ca")
    auth.login("reader@example.gc.ca")
    return user_id


def _add(app: Flask, count: int = 1, **fields: object) -> None:
    """Add `count` events one minute apart after BASE; `n` in string fields is the index."""
    with app.app_context():
        for n in range(count):
            values = {k: v.format(n=n) if isinstance(v, str) else v for k, v in fields.items()}
            values.setdefault("occurred_at", BASE + timedelta(minutes=n))
            values.setdefault("action", "test.event")
            db.session.add(AuditEvent(**values))
        db.session.commit()


def _rows(page: str) -> list[str]:
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [row for row in body.split("<tr>")[1:] if "No event matches" not in row]


# ---- who may read it ---------------------------------------------------------------------


@pytest.mark.parametrize("role,department", [(Role.ADMIN, None), (Role.OVERSIGHT, None)])
def test_admin_and_oversight_read_the_trail(
    app: Flask, client: FlaskClient, auth: AuthActions, role: Role, department: str | None
) -> None:
    make_user(app, role, "someone@example.gc.ca", department=department)
    auth.login("someone@example.gc.ca")
    response = client.get("/audit/")
    assert response.status_code == 200
    assert b"login.succeeded" in response.data


@pytest.mark.parametrize("role,department", [(Role.PLANNER, None), (Role.DEPARTMENT, "ACR")])
def test_other_roles_are_refused_and_the_refusal_is_recorded(
    app: Flask, client: FlaskClient, auth: AuthActions, role: Role, department: str | None
) -> None:
    user_id = make_user(app, role, "someone@example.gc.ca", department=department)
    auth.login("someone@example.gc.ca")
    assert client.get("/audit/").status_code == 403
    with app.app_context():
        denied = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "access.denied"))
        assert denied is not None and denied.actor_id == user_id
        assert denied.detail == {"path": "/audit/"}


def test_anonymous_visitors_are_sent_to_login(client: FlaskClient) -> None:
    response = client.get("/audit/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


# ---- nothing can change an event ------------------------------------------------------------


def test_no_route_under_audit_accepts_a_change(app: Flask) -> None:
    rules = [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/audit")]
    assert rules, "the audit blueprint is not registered"
    for rule in rules:
        assert set(rule.methods or ()) <= {"GET", "HEAD", "OPTIONS"}, rule.rule
    for endpoint, view in app.view_functions.items():
        if endpoint.startswith("audit."):
            assert view.__name__ in {"index", "export"}


def test_posting_to_the_trail_is_refused(app: Flask, client: FlaskClient, reader: int) -> None:
    _add(app, 1)
    for method in (client.post, client.put, client.delete, client.patch):
        assert method("/audit/").status_code in (400, 405)
    with app.app_context():
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "test.event"))


def test_the_orm_refuses_to_update_or_delete_an_event(app: Flask) -> None:
    _add(app, 1)
    with app.app_context():
        event = db.session.scalar(select(AuditEvent))
        assert event is not None
        event.action = "tampered"
        with pytest.raises(AppendOnlyError):
            db.session.flush()
        db.session.rollback()
        event = db.session.scalar(select(AuditEvent))
        db.session.delete(event)
        with pytest.raises(AppendOnlyError):
            db.session.flush()
        db.session.rollback()
        assert db.session.scalar(select(AuditEvent.action)) == "test.event"


# ---- reading and filtering -----------------------------------------------------------------


def test_newest_first_with_readable_detail(app: Flask, client: FlaskClient, reader: int) -> None:
    _add(app, 1, action="user.updated", detail={"before": {"role": "planner", "active": True}})
    _add(app, 1, action="period.reopened", occurred_at=BASE + timedelta(days=1))
    rows = _rows(client.get("/audit/").get_data(as_text=True))
    actions = [row.split("<code>", 1)[1].split("</code>", 1)[0] for row in rows]
    assert actions.index("period.reopened") < actions.index("user.updated")
    updated = rows[actions.index("user.updated")]
    assert "<dt>before</dt>" in updated and "<dt>role</dt><dd>planner" in updated
    assert "<dt>active</dt><dd>yes" in updated


def test_filters_by_action_actor_object_and_dates(
    app: Flask, client: FlaskClient, reader: int
) -> None:
    planner = make_user(app, Role.PLANNER, "pat.planner@example.gc.ca")
    _add(app, 3, action="user.updated", actor_id=planner, actor_label="pat.planner@example.gc.ca")
    _add(app, 2, action="login.failed", actor_label="intruder-{n}@elsewhere.com")
    _add(app, 1, action="period.reopened", object_type="ReportingPeriod", object_id="7")
    _add(app, 1, action="old.event", occurred_at=BASE - timedelta(days=30))

    def count(query: str) -> int:
        response = client.get(f"/audit/?{query}")
        assert response.status_code == 200
        return len(_rows(response.get_data(as_text=True)))

    assert count("action=user.updated") == 3
    assert count("actor=PAT.PLANNER") == 3
    assert count("actor=intruder-1") == 1
    assert count("actor=%25") == 0  # a literal %, not a wildcard
    assert count("object_type=ReportingPeriod") == 1
    assert count("object_type=ReportingPeriod&object_id=8") == 0
    assert count("date_from=2025-02-01&date_to=2025-02-28") == 1
    assert count("date_from=2025-03-10&date_to=2025-03-10&action=login.failed") == 2
    assert count("date_from=2025-03-11&action=login.failed") == 0


def test_date_filter_uses_the_local_day(app: Flask, client: FlaskClient, reader: int) -> None:
    # 02:00 UTC on 11 March is still 10 March in Ottawa (UTC-4 after the DST change).
    _add(app, 1, action="late.event", occurred_at=datetime(2025, 3, 11, 2, 0, tzinfo=UTC))
    page = client.get("/audit/?action=late.event&date_from=2025-03-10&date_to=2025-03-10")
    assert len(_rows(page.get_data(as_text=True))) == 1
    page = client.get("/audit/?action=late.event&date_from=2025-03-11")
    assert len(_rows(page.get_data(as_text=True))) == 0


@pytest.mark.parametrize(
    "query,message",
    [
        ("action=no.such.action", "Not a valid choice"),
        ("object_type=Nope", "Not a valid choice"),
        ("date_from=2025-02-30", "Not a valid date value"),
        (
            "date_from=2025-03-02&date_to=2025-03-01",
            "The end date cannot be before the start date.",
        ),
    ],
)
def test_bad_filters_are_refused(
    client: FlaskClient, reader: int, query: str, message: str
) -> None:
    response = client.get(f"/audit/?{query}")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_filter_choices_list_recorded_actions(app: Flask, client: FlaskClient, reader: int) -> None:
    _add(app, 2, action="b.second")
    _add(app, 1, action="a.first")
    with app.app_context():
        assert known_actions() == ["a.first", "b.second", "login.succeeded", "user.created"]
    page = client.get("/audit/").get_data(as_text=True)
    assert '<option value="a.first">a.first</option>' in page
    assert '<option value="ReportingPeriod">ReportingPeriod</option>' in page


def test_pages_of_fifty_keep_the_filters(app: Flask, client: FlaskClient, reader: int) -> None:
    _add(app, 120, action="bulk.event", object_id="{n}")
    first = client.get("/audit/?action=bulk.event").get_data(as_text=True)
    assert len(_rows(first)) == 50
    assert 'href="/audit/?action=bulk.event&amp;page=2"' in first
    assert "Previous page" not in first
    third = client.get("/audit/?action=bulk.event&page=3").get_data(as_text=True)
    assert len(_rows(third)) == 20
    assert "Next page" not in third and "Previous page" in third
    with app.app_context():
        page = search_events(AuditFilter(action="bulk.event"), page=2)
        assert [e.object_id for e in page.items] == [str(n) for n in range(69, 19, -1)]
        assert page.has_prev and page.has_next


def test_query_count_does_not_grow_with_events(
    app: Flask, client: FlaskClient, reader: int
) -> None:
    _add(app, 3, action="few.event", detail={"n": "{n}"})
    few = queries(app, client, "/audit/")
    _add(app, 200, action="many.{n}", actor_label="x{n}@example.gc.ca", object_type="User")
    assert queries(app, client, "/audit/") == few
    assert queries(app, client, "/audit/?actor=x1&date_from=2025-01-01&page=2") == few
