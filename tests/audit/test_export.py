"""The audit trail as CSV: every page of the filtered trail, described in the reader's language,
with the machine columns, and no cell a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import insert

from tests.conftest import AuthActions
from tests.factories.updates import ADMIN_EMAIL, DEPT_EMAIL, OVERSIGHT_EMAIL, World, add_update
from tracker.extensions import db
from tracker.models import AuditEvent, Role, User, WorkflowState
from tracker.services.audit.trail import AuditFilter, event_batches

BASE = datetime(2025, 6, 2, 14, 30, tzinfo=UTC)
HEADER_EN = ["When (UTC, ISO 8601)", "Kind", "Description", "Actor id", "Object type", "Object id"]


def _csv(client: FlaskClient, query: str = "") -> list[list[str]]:
    response = client.get(f"/audit/events.csv?{query}")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="audit-trail.csv"'
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff")  # so Excel reads the accents
    return list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))


def _add_bulk(app: Flask, count: int, **fields: object) -> None:
    with app.app_context():
        rows = [
            {"action": "bulk.event", "occurred_at": BASE + timedelta(minutes=n // 3),
             "object_id": str(n), "detail": {}, **fields}
            for n in range(count)
        ]  # fmt: skip
        db.session.execute(insert(AuditEvent), rows)
        db.session.commit()


def test_the_csv_describes_events_with_machine_columns(
    app: Flask, client: FlaskClient, auth: AuthActions, world: World
) -> None:
    update_id = add_update(app, world, world.period_id, WorkflowState.SUBMITTED)
    dept = world.user_ids[DEPT_EMAIL]
    with app.app_context():
        detail = {"action": "S1.1", "period": "2025-Q2", "revision": 1}
        db.session.add(
            AuditEvent(action="update.submitted", actor_id=dept, object_type="ProgressUpdate",
                       object_id=str(update_id), occurred_at=BASE, detail=detail)
        )  # fmt: skip
        db.session.commit()
    auth.login(OVERSIGHT_EMAIL)
    rows = _csv(client, "action=update.submitted")
    assert rows[0] == HEADER_EN
    assert len(rows) == 2
    when, kind, description, actor, object_type, object_id = rows[1]
    assert when == "2025-06-02T14:30:00+00:00"
    assert kind == "update.submitted"
    assert description.startswith("Department User submitted the update on S1.1 (")
    assert description.endswith(") for 2025-26 Q2.")
    assert "<a" not in description
    assert (actor, object_type, object_id) == (str(dept), "ProgressUpdate", str(update_id))

    with client.session_transaction() as session:
        session["lang"] = "fr"
    french = _csv(client, "action=update.submitted")
    assert french[0][0] == "Date et heure (UTC, ISO 8601)"
    assert french[1][2].startswith("Department User a soumis la mise à jour de S1.1 (")
    assert french[1][2].endswith(") pour T2 2025-2026.")


def test_formulas_are_neutralised(
    app: Flask, client: FlaskClient, auth: AuthActions, world: World
) -> None:
    with app.app_context():
        user = db.session.get(User, world.user_ids[DEPT_EMAIL])
        assert user is not None
        user.name = '=HYPERLINK("http://evil.example")'
        db.session.add_all(
            [
                AuditEvent(action="login.succeeded", actor_id=user.id, occurred_at=BASE),
                AuditEvent(action="odd.event", actor_label="@SUM(1+1)", object_type="Thing",
                           object_id="-2+3", occurred_at=BASE, detail={}),
            ]
        )  # fmt: skip
        db.session.commit()
    auth.login(ADMIN_EMAIL)
    rows = _csv(client, "date_to=2025-12-31")
    by_kind = {row[1]: row for row in rows[1:]}
    assert by_kind["login.succeeded"][2] == '\'=HYPERLINK("http://evil.example") signed in.'
    odd = by_kind["odd.event"]
    assert odd[2] == "'@SUM(1+1): odd.event, on Thing -2+3."
    assert odd[5] == "'-2+3"
    assert by_kind["login.succeeded"][3] == str(world.user_ids[DEPT_EMAIL])


def test_the_csv_holds_every_page_of_the_filtered_trail(
    app: Flask, client: FlaskClient, auth: AuthActions, world: World
) -> None:
    _add_bulk(app, 1234)
    _add_bulk(app, 5, action="other.event")
    auth.login(OVERSIGHT_EMAIL)
    rows = _csv(client, "action=bulk.event")[1:]
    assert len(rows) == 1234  # past 50 per page and 500 per batch
    assert {row[1] for row in rows} == {"bulk.event"}
    ids = [int(row[5]) for row in rows]
    assert sorted(ids) == list(range(1234))
    assert [row[0] for row in rows] == sorted((row[0] for row in rows), reverse=True)


def test_batches_walk_ties_in_time_without_losing_or_repeating(app: Flask) -> None:
    _add_bulk(app, 40)  # three events to each minute
    with app.app_context():
        batches = list(event_batches(AuditFilter(action="bulk.event"), size=7))
        assert [len(b) for b in batches] == [7, 7, 7, 7, 7, 5]
        seen = [(e.occurred_at, e.id) for batch in batches for e in batch]
        assert seen == sorted(seen, reverse=True)
        assert len(set(seen)) == 40


@pytest.mark.parametrize("role", [Role.PLANNER, Role.DEPARTMENT])
def test_only_trail_readers_download_it(
    app: Flask, client: FlaskClient, auth: AuthActions, world: World, role: Role
) -> None:
    email = {Role.PLANNER: "planner@example.gc.ca", Role.DEPARTMENT: DEPT_EMAIL}[role]
    auth.login(email)
    assert client.get("/audit/events.csv").status_code == 403


def test_anonymous_visitors_are_sent_to_login(client: FlaskClient) -> None:
    response = client.get("/audit/events.csv")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
