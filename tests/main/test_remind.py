"""A planner's "Remind" for a late department: one e-mail per user in their language, recorded,
shown on the pages, refused a second time within a day, and refused to department users.

The world (tests/factories/updates.py): today 2025-10-05; 2025-Q1 is past due and nobody
reported, so ACR (two users), OTH and PAR are late for it; 2025-Q2 is not due yet.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, update

from tests.conftest import post_form
from tests.factories.updates import (
    DEPT2_EMAIL,
    DEPT_EMAIL,
    OVERSIGHT_EMAIL,
    PLANNER_EMAIL,
    PREVIOUS,
    QUARTER,
    World,
)
from tests.updates.helpers import login
from tracker.extensions import db
from tracker.models import AuditEvent, Plan, ReminderSent, User

REMINDED = re.compile(r"Reminded on [0-9]{1,2} [A-Z][a-z]{2} by Planner User")  # "2 Dec"


def remind(client: FlaskClient, world: World, department: str = "ACR", **extra: Any) -> Any:
    url = f"/plans/{world.plan_slug}/remind"
    data = {"department": department, "period": PREVIOUS, "next": "/", **extra}
    return post_form(client, url, data, page="/")


def mails(app: Flask) -> list[dict[str, Any]]:
    """The e-mails sent (without MAIL_HOST they are kept as `mail.logged` audit events)."""
    with app.app_context():
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "mail.logged").order_by(AuditEvent.id)
        )
        return [e.detail for e in events]


def reminders(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(ReminderSent.id))) or 0


def test_remind_sends_one_mail_per_user_in_their_language_and_records_it(
    app: Flask, world: World
) -> None:
    with app.app_context():
        db.session.execute(update(User).where(User.email == DEPT2_EMAIL).values(language="fr"))
        db.session.commit()
    planner = login(app, PLANNER_EMAIL)
    response = remind(planner, world)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    sent = mails(app)
    assert sorted(m["to"] for m in sent) == [DEPT2_EMAIL, DEPT_EMAIL]
    by_to = {m["to"]: m for m in sent}
    assert by_to[DEPT_EMAIL]["subject"].startswith("Reminder: 1 progress update for 2025-26 Q1")
    french = by_to[DEPT2_EMAIL]["subject"]
    assert french.startswith("Rappel\xa0: 1 mise à jour pour le T1 2025-2026")
    assert "S1.1" in by_to[DEPT_EMAIL]["body"]
    with app.app_context():
        (record,) = db.session.scalars(select(ReminderSent)).all()
        assert (record.recipients, str(record.period.quarter)) == (2, PREVIOUS)
        assert record.sent_by is not None and record.sent_by.email == PLANNER_EMAIL
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "reminder.sent"))
        assert event is not None and event.detail["period"] == PREVIOUS
    home = planner.get("/").get_data(as_text=True)
    assert "Reminder sent to 2 people at ACR." in home
    assert REMINDED.search(home)


def test_a_second_reminder_within_a_day_is_refused_and_nothing_is_sent(
    app: Flask, world: World
) -> None:
    planner = login(app, PLANNER_EMAIL)
    assert remind(planner, world).status_code == 302
    home = planner.get("/").get_data(as_text=True)
    acr = home.split(">ACR</abbr>", 1)[1].split("</tr>", 1)[0]
    assert "It can be reminded again after" in acr and 'name="department"' not in acr
    before = (len(mails(app)), reminders(app))
    again = remind(login(app, PLANNER_EMAIL), world)
    assert again.status_code == 409
    assert "ACR was already reminded about this period" in again.get_data(as_text=True)
    assert (len(mails(app)), reminders(app)) == before
    assert remind(planner, world, department="OTH").status_code == 302  # another department


def test_a_department_that_is_not_late_is_not_reminded(app: Flask, world: World) -> None:
    planner = login(app, PLANNER_EMAIL)
    response = remind(planner, world, period=QUARTER)  # not due until 2025-10-15
    assert response.status_code == 409
    assert "owes no update for this period now" in response.get_data(as_text=True)
    assert (mails(app), reminders(app)) == ([], 0)
    assert remind(planner, world, period="junk").status_code == 400
    assert remind(planner, world, department="NOPE").status_code == 404


def test_department_and_oversight_users_cannot_remind(app: Flask, world: World) -> None:
    for email in (DEPT_EMAIL, OVERSIGHT_EMAIL):
        assert remind(login(app, email), world).status_code == 403
    assert (mails(app), reminders(app)) == ([], 0)


def test_compliance_and_attention_pages_offer_remind_to_planners_only(
    app: Flask, world: World
) -> None:
    planner, oversight = login(app, PLANNER_EMAIL), login(app, OVERSIGHT_EMAIL)
    for page in ("compliance", "attention"):
        url = f"/plans/{world.plan_slug}/{page}"
        html = planner.get(url).get_data(as_text=True)
        assert html.count(f'action="/plans/{world.plan_slug}/remind"') == 3  # ACR, OTH, PAR
        assert f'name="next" value="{url}"' in html
        seen = oversight.get(url).get_data(as_text=True)
        assert "Late departments" in seen and "/remind" not in seen
    assert remind(planner, world, next=f"/plans/{world.plan_slug}/compliance").status_code == 302
    html = planner.get(f"/plans/{world.plan_slug}/compliance").get_data(as_text=True)
    assert REMINDED.search(html)


def test_an_archived_plan_has_nobody_to_remind(app: Flask, world: World) -> None:
    with app.app_context():
        db.session.execute(update(Plan).values(status="archived"))
        db.session.commit()
    planner = login(app, PLANNER_EMAIL)
    html = planner.get(f"/plans/{world.plan_slug}/compliance").get_data(as_text=True)
    assert "No department is late" in html and "/remind" not in html
    assert remind(planner, world).status_code == 409
    assert (mails(app), reminders(app)) == ([], 0)


def test_each_planner_gets_the_kept_remind_forms_with_their_own_csrf_token(
    app: Flask, world: World
) -> None:
    """The late departments are rendered once and kept; the token in them is the reader's."""
    url = f"/plans/{world.plan_slug}/compliance"
    tokens = []
    for client in (login(app, PLANNER_EMAIL), login(app, PLANNER_EMAIL)):
        html = client.get(url).get_data(as_text=True)
        [*in_forms] = set(re.findall(r'name="csrf_token" value="([^"]+)"', html))
        assert len(in_forms) == 1 and "\x00" not in html
        tokens.append(in_forms[0])
        sent = client.post(
            f"/plans/{world.plan_slug}/remind",
            data={"csrf_token": in_forms[0], "department": "OTH", "period": PREVIOUS, "next": url},
        )
        assert sent.status_code in (302, 409)  # sent, or refused as a repeat: never a CSRF 400
    assert tokens[0] != tokens[1]
