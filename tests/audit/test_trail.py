"""The audit trail: who may read it, filters, pages, and that no one can change an event."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import insert, select

from tests.conftest import AuthActions, make_user, queries
from tests.factories.updates import ADMIN_EMAIL, PLANNER_EMAIL, World
from tracker.db import AppendOnlyError
from tracker.extensions import db
from tracker.fiscal import FiscalQuarter
from tracker.models import Action, AuditEvent, Role, User
from tracker.services.accounts.users import UserInput, update_user
from tracker.services.audit.trail import AuditFilter, known_actions, search_events
from tracker.services.plans.replanning import move_target

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
    page = response.get_data(as_text=True)
    name = f"{role.value.title()} User"
    if role is Role.ADMIN:  # admins may open the account, so the name links to it
        assert f'">{name}</a> signed in.' in page
    else:
        assert f'<td data-label="Description">{name} signed in.</td>' in page
    # On a phone each event reads as a card: every cell names its column (table--stack).
    assert 'class="table table--compact table--stack"' in page
    cells = re.findall(r"<td([^>]*)>", "".join(_rows(page)))
    assert cells and all("data-label=" in cell for cell in cells)


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


def test_newest_first_in_words(app: Flask, client: FlaskClient, reader: int) -> None:
    before = {"name": "Pat", "role": "planner", "active": True}
    detail = {"before": before, "after": {**before, "role": "oversight"}}
    _add(app, 1, action="user.updated", actor_label="boss@example.gc.ca", detail=detail)
    _add(app, 1, action="widget.frobbed", occurred_at=BASE + timedelta(days=1))
    rows = _rows(client.get("/audit/?date_to=2025-12-31").get_data(as_text=True))
    assert "widget.frobbed" in rows[0] and "Role: Planner → Oversight" in rows[1]
    assert '<td data-label="Event">Account changed</td>' in rows[1]
    assert "{" not in rows[1] and "before" not in rows[1]


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
        ("date_from=yesterday", "Not a valid date value"),
        ("date_to=9999-12-31", "Enter a date from January 1, 1900 to December 31, 2999."),
        ("date_from=0001-01-01", "Enter a date from January 1, 1900 to December 31, 2999."),
        ("text=" + "x" * 201, "Field cannot be longer than 200 characters."),
        (
            "date_from=2025-03-02&date_to=2025-03-01",
            "The end date cannot be before the start date.",
        ),
    ],
)
def test_bad_filters_are_refused(
    client: FlaskClient, reader: int, query: str, message: str
) -> None:
    for url in ("/audit/", "/audit/events.csv"):
        response = client.get(f"{url}?{query}")
        assert response.status_code == 400
        assert message in response.get_data(as_text=True)


@pytest.mark.parametrize("page", ["0", "-1", "abc", "99999999999"])
def test_a_bad_page_number_is_refused(client: FlaskClient, reader: int, page: str) -> None:
    assert client.get(f"/audit/?page={page}").status_code == 400


def test_filters_by_name_and_by_text(app: Flask, client: FlaskClient, reader: int) -> None:
    planner = make_user(app, Role.PLANNER, "p@example.gc.ca")  # named "Planner User"
    moved = {"from": "2027-Q2", "to": "2028-Q1", "reason": "Vendor delay 100%"}
    _add(app, 1, action="action.target_moved", actor_id=planner, detail=moved)
    _add(app, 2, action="action.target_moved", detail={"reason": "Budget"})
    _add(app, 1, action="action.target_moved", detail={"reason": 'Délai du "fournisseur"'})

    def count(query: str) -> int:
        response = client.get(f"/audit/?action=action.target_moved&{query}")
        assert response.status_code == 200
        return len(_rows(response.get_data(as_text=True)))

    assert count("actor=planner+user") == 1
    assert count("text=vendor") == 1
    assert count("text=100%25") == 1 and count("text=0%25") == 1 and count("text=%25%25") == 0
    assert count("text=budget") == 2
    assert count("text=nothing-like-this") == 0
    assert count("text=délai") == 1 and count('text=du+"fournisseur"') == 1


def test_filter_choices_are_grouped_kinds_and_named_types(
    app: Flask, client: FlaskClient, reader: int
) -> None:
    _add(app, 2, action="b.second")
    _add(app, 1, action="a.first")
    with app.app_context():
        assert known_actions() == ["a.first", "b.second", "login.succeeded", "user.created"]
    page = client.get("/audit/").get_data(as_text=True)
    accounts = page.split('<optgroup label="Sign-in and accounts">', 1)[1].split("</optgroup>")[0]
    assert '<option value="login.succeeded">Signed in</option>' in accounts
    other = page.split('<optgroup label="Other">', 1)[1].split("</optgroup>")[0]
    assert '<option value="a.first">a.first</option>' in other
    assert "login.succeeded" not in other
    assert '<option value="ReportingPeriod">Reporting quarter</option>' in page
    with client.session_transaction() as session:
        session["lang"] = "fr"
    french = client.get("/audit/").get_data(as_text=True)
    assert '<optgroup label="Ouvertures de session et comptes">' in french
    assert 'value="ProgressUpdate">Mise à jour d' in french


def test_pages_of_fifty_keep_the_filters(app: Flask, client: FlaskClient, reader: int) -> None:
    _add(app, 120, action="bulk.event", object_id="{n}")
    first = client.get("/audit/?action=bulk.event").get_data(as_text=True)
    assert len(_rows(first)) == 50
    assert "120 events match these filters." in first and "Page 1 of 3" in first
    assert 'href="/audit/events.csv?action=bulk.event" download' in first
    assert 'href="/audit/?action=bulk.event&amp;page=2"' in first
    assert "Previous page" not in first
    third = client.get("/audit/?action=bulk.event&page=3").get_data(as_text=True)
    assert len(_rows(third)) == 20
    assert "Next page" not in third and "Previous page" in third
    with app.app_context():
        page = search_events(AuditFilter(action="bulk.event"), page=2)
        assert [e.object_id for e in page.items] == [str(n) for n in range(69, 19, -1)]
        assert page.has_prev and page.has_next


def test_a_long_trail_is_one_page_of_fifty(app: Flask, client: FlaskClient, reader: int) -> None:
    with app.app_context():
        rows = [
            {"action": "bulk.event", "occurred_at": BASE + timedelta(seconds=n), "detail": {}}
            for n in range(2000)
        ]
        db.session.execute(insert(AuditEvent), rows)
        db.session.commit()
    page = client.get("/audit/").get_data(as_text=True)
    assert len(_rows(page)) == 50
    assert "2,002 events match these filters." in page
    assert "Page 1 of 41" in page


def test_query_count_does_not_grow_with_events(
    app: Flask, client: FlaskClient, reader: int
) -> None:
    _add(app, 3, action="few.event", detail={"n": "{n}"})
    few = queries(app, client, "/audit/")
    _add(app, 200, action="many.{n}", actor_label="x{n}@example.gc.ca", object_type="User")
    assert queries(app, client, "/audit/") == few
    # One query per kind of object a page names, so a page naming fewer kinds needs fewer.
    assert queries(app, client, "/audit/?actor=x1&date_from=2025-01-01&page=2") <= few


# ---- events the services really record, read back in words ---------------------------------


def test_what_the_services_record_reads_in_words(
    app: Flask, client: FlaskClient, auth: AuthActions, world: World
) -> None:
    auth.login("nobody@example.gc.ca")  # an unknown account: a failed sign-in
    with app.test_request_context():
        planner = db.session.get(User, world.user_ids[PLANNER_EMAIL])
        admin = db.session.get(User, world.user_ids[ADMIN_EMAIL])
        action = db.session.get(Action, world.action_id)
        assert planner is not None and admin is not None and action is not None
        target = FiscalQuarter(2027, 1)
        move_target(world.plan_slug, "S1.1", target, "Vendor delay.", action.version, planner)
        change = UserInput(planner.email, planner.name, Role.OVERSIGHT, language="fr")
        update_user(planner, change, admin)
    auth.login(ADMIN_EMAIL)
    page = client.get("/audit/?date_from=2025-01-01").get_data(as_text=True)
    assert "Sign-in failed for nobody@example.gc.ca: no account has this address." in page
    plan, action_url = f"/plans/{world.plan_slug}/", f"/plans/{world.plan_slug}/actions/S1.1"
    moved = (
        f'">Planner User</a> moved the target of <a href="{action_url}">S1.1</a> (<a href="{plan}">'
    )
    assert moved in page and "from 2026-27 Q4 to 2027-28 Q1: Vendor delay." in page
    assert "changed the account of" in page
    assert "<li>Role: Planner → Oversight</li><li>Language: English → Français</li>" in page
