"""Reminder e-mails: once each, to the right people, in their language, listing what is owed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from tests.conftest import AuthActions, make_user
from tests.factories import ActionFactory, AreaFactory, DepartmentFactory, PlanFactory
from tests.scheduling.conftest import Inbox, free_port
from tracker import jobs
from tracker.extensions import db
from tracker.fiscal import FiscalQuarter
from tracker.models import Action, AuditEvent, Department, JobRun, ProgressUpdate, Role, User
from tracker.services.calendar.periods import ensure_periods
from tracker.services.figures import rollups
from tracker.services.operations.job_runs import RunResult

TORONTO = ZoneInfo("America/Toronto")
# 2025-Q2 (July-September 2025) is due 15 October 2025 and locks 30 October.
THREE_DAYS_BEFORE = datetime(2025, 10, 12, 6, 0, tzinfo=TORONTO)
DAY_AFTER = datetime(2025, 10, 16, 6, 0, tzinfo=TORONTO)
Q2 = FiscalQuarter(2025, 2)


@dataclass(frozen=True)
class World:
    """Who owes what for 2025-Q2."""

    acr_en: str = "acr.en@example.gc.ca"
    acr_fr: str = "acr.fr@example.gc.ca"
    fin: str = "fin@example.gc.ca"
    done: str = "done@example.gc.ca"
    inactive: str = "gone@example.gc.ca"


def add_user(email: str, dept_id: int | None, language: str = "en", active: bool = True) -> None:
    role = Role.DEPARTMENT if dept_id else Role.PLANNER
    db.session.add(
        User(
            email=email,
            name=email.split("@")[0].title(),
            role=role.value,
            department_id=dept_id,
            password_hash="not-a-login",
            language=language,
            active=active,
        )
    )


@pytest.fixture
def world(app: Flask) -> World:
    """ACR owes a draft (A2) and a missing update (A6); FIN owes a missing participant update (A1)
    and a returned one (A3); DONE owes nothing; future and draft-plan actions don't count."""
    w = World()
    with app.app_context():
        period = {p.quarter: p for p in ensure_periods(2025, 2025)}[Q2]
        acr, fin, done = (DepartmentFactory(acronym=a) for a in ("ACR", "FIN", "DONE"))
        plan = PlanFactory(slug="it", title_en="IT Plan", title_fr="Plan de la TI")
        area = AreaFactory(plan=plan)

        def action(code: str, lead: object, **kw: object) -> int:
            made = ActionFactory(
                area=area,
                code=code,
                title_en=f"{code} in English",
                title_fr=f"{code} en français",
                lead_department=lead,
                **kw,
            )
            return int(made.id)

        a1 = action("A1", acr, participants=[fin])
        a2, a3, a4 = action("A2", acr), action("A3", fin), action("A4", done)
        action("A5", acr, start_quarter=FiscalQuarter(2025, 3))  # starts after Q2
        action("A6", acr)
        draft_area = AreaFactory(plan=PlanFactory(slug="draft", status="draft"))
        ActionFactory(area=draft_area, code="D1", lead_department=acr)
        for action_id, dept, state in [
            (a1, acr, "submitted"), (a2, acr, "draft"), (a3, fin, "returned"),
            (a4, done, "accepted"),
        ]:  # fmt: skip
            db.session.add(
                ProgressUpdate(
                    action_id=action_id, department_id=dept.id, period_id=period.id,
                    state=state, percent_complete=10,
                )
            )  # fmt: skip
        add_user(w.acr_en, acr.id)
        add_user(w.acr_fr, acr.id, language="fr")
        add_user(w.fin, fin.id)
        add_user(w.done, done.id)
        add_user(w.inactive, acr.id, active=False)
        add_user("planner@example.gc.ca", None)
        db.session.commit()
    return w


def reminders(app: Flask, now: datetime) -> dict[RunResult, int]:
    with app.app_context():
        return dict(jobs.reminders_job(now).results)


def body_lines(inbox: Inbox, address: str) -> list[str]:
    (message,) = inbox.to(address)
    return message.get_content().splitlines()


def subject(message: EmailMessage) -> str:
    # Long subjects are folded onto a continuation line; mail clients drop that whitespace.
    return str(message["Subject"]).strip()


def listed(lines: list[str]) -> list[str]:
    return [line.strip() for line in lines if line.startswith("  - ")]


def test_each_reminder_goes_once_to_the_people_who_owe_updates(
    app: Flask, world: World, smtp_server: Inbox
) -> None:
    assert reminders(app, THREE_DAYS_BEFORE) == {RunResult.SUCCEEDED: 3}
    assert reminders(app, THREE_DAYS_BEFORE) == {RunResult.SKIPPED: 3}
    recipients = sorted(r for rcpt, _m in smtp_server.messages for r in rcpt)
    assert recipients == sorted([world.acr_en, world.acr_fr, world.fin])
    assert listed(body_lines(smtp_server, world.acr_en)) == [
        "- A2 A2 in English (draft, not submitted)",
        "- A6 A6 in English (not started)",
    ]
    assert listed(body_lines(smtp_server, world.fin)) == [
        "- A1 A1 in English (not started)",
        "- A3 A3 in English (returned for changes)",
    ]
    (message,) = smtp_server.to(world.acr_en)
    assert message["From"] == "tracker@example.gc.ca"
    assert subject(message) == ("Reminder: 2 progress updates for 2025-26 Q2 due October 15, 2025")
    assert "in 3 days" in message.get_content()


def test_a_french_user_gets_the_reminder_in_french(
    app: Flask, world: World, smtp_server: Inbox
) -> None:
    reminders(app, THREE_DAYS_BEFORE)
    (message,) = smtp_server.to(world.acr_fr)
    assert subject(message) == (
        "Rappel\u00a0: 2 mises à jour pour le T2 2025-2026 à remettre le 15 octobre 2025"
    )
    assert message["Content-Language"] == "fr"
    lines = body_lines(smtp_server, world.acr_fr)
    assert lines[0] == "Bonjour Acr.Fr,"
    assert "Plan de la TI" in lines
    assert listed(lines) == [
        "- A2 A2 en français (brouillon non soumis)",
        "- A6 A6 en français (non commencée)",
    ]


def test_each_offset_is_its_own_reminder(app: Flask, world: World, smtp_server: Inbox) -> None:
    reminders(app, THREE_DAYS_BEFORE)
    with app.app_context():  # ACR submits its draft; A6 is still missing
        draft = db.session.scalars(
            select(ProgressUpdate).where(ProgressUpdate.state == "draft")
        ).one()
        draft.state = "submitted"
        db.session.commit()
    assert reminders(app, DAY_AFTER) == {RunResult.SUCCEEDED: 3}
    assert reminders(app, DAY_AFTER) == {RunResult.SKIPPED: 3}
    assert len(smtp_server.messages) == 6
    after = smtp_server.to(world.acr_en)[1]
    assert subject(after).endswith("overdue since October 15, 2025")
    assert listed(after.get_content().splitlines()) == ["- A6 A6 in English (not started)"]
    with app.app_context():
        keys = db.session.scalars(select(JobRun.key).order_by(JobRun.key)).all()
    assert {k.rsplit(":", 1)[0] for k in keys} == {"reminder:2025-Q2:-3", "reminder:2025-Q2:1"}


@pytest.mark.parametrize(
    ("now", "expected_offset"),
    [
        (datetime(2025, 10, 1, 7, tzinfo=TORONTO), -14),  # on the day
        (datetime(2025, 10, 8, 7, tzinfo=TORONTO), -14),  # 7 days late: still caught up
        (datetime(2025, 10, 9, 7, tzinfo=TORONTO), None),  # 8 days late: too stale
        (datetime(2025, 10, 20, 7, tzinfo=TORONTO), 1),  # -3 and +1 both missed: latest only
        (datetime(2025, 10, 31, 7, tzinfo=TORONTO), None),  # the period is locked
    ],
)
def test_catch_up_sends_only_the_latest_round_within_the_window(
    app: Flask, world: World, smtp_server: Inbox, now: datetime, expected_offset: int | None
) -> None:
    reminders(app, now)
    with app.app_context():
        keys = db.session.scalars(select(JobRun.key)).all()
    assert {k.split(":")[2] for k in keys} == (
        {str(expected_offset)} if expected_offset is not None else set()
    )
    assert len(smtp_server.messages) == (3 if expected_offset is not None else 0)


def test_nobody_is_reminded_when_every_department_is_complete(
    app: Flask, world: World, smtp_server: Inbox
) -> None:
    with app.app_context():
        db.session.execute(update(ProgressUpdate).values(state="accepted"))
        # A Core update: the rollups' listener does not see it.
        rollups.refresh_bypassed(db.session(), db.session.scalars(select(Action.id)).all())
        period_id = db.session.scalar(select(ProgressUpdate.period_id).limit(1))
        for code, acronym in {"A1": "FIN", "A6": "ACR"}.items():
            db.session.add(
                ProgressUpdate(
                    action_id=db.session.scalar(select(Action.id).where(Action.code == code)),
                    department_id=db.session.scalar(
                        select(Department.id).where(Department.acronym == acronym)
                    ),
                    period_id=period_id,
                    state="submitted",
                    percent_complete=50,
                )
            )
        db.session.commit()
    assert reminders(app, THREE_DAYS_BEFORE) == {}
    assert smtp_server.messages == []


def test_a_finished_action_is_no_longer_owed(app: Flask, world: World, smtp_server: Inbox) -> None:
    with app.app_context():
        periods = {p.quarter: p for p in ensure_periods(2025, 2025)}
        db.session.add(
            ProgressUpdate(
                action_id=db.session.scalar(select(Action.id).where(Action.code == "A6")),
                department_id=db.session.scalar(
                    select(Department.id).where(Department.acronym == "ACR")
                ),
                period_id=periods[FiscalQuarter(2025, 1)].id,
                state="accepted",
                status="completed",
                percent_complete=100,
            )
        )
        db.session.commit()
    reminders(app, THREE_DAYS_BEFORE)
    assert listed(body_lines(smtp_server, world.acr_en)) == [
        "- A2 A2 in English (draft, not submitted)"
    ]


def test_an_smtp_failure_is_recorded_and_retried(
    app: Flask, world: World, smtp_server: Inbox
) -> None:
    working_port = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = free_port()  # nothing listens there
    assert reminders(app, THREE_DAYS_BEFORE) == {RunResult.FAILED: 3}
    with app.app_context():
        errors = db.session.scalars(select(JobRun.error)).all()
    assert all(e.startswith("MailError: SMTP delivery to") for e in errors)
    app.config["MAIL_PORT"] = working_port
    assert reminders(app, THREE_DAYS_BEFORE) == {RunResult.SUCCEEDED: 3}
    assert len(smtp_server.messages) == 3
    with app.app_context():
        assert set(db.session.scalars(select(JobRun.attempts))) == {2}


def test_without_smtp_reminders_are_logged_and_shown_to_admins(
    app: Flask, world: World, client: FlaskClient, auth: AuthActions
) -> None:
    assert reminders(app, THREE_DAYS_BEFORE) == {RunResult.SUCCEEDED: 3}
    with app.app_context():
        logged = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "mail.logged")
        ).all()
    assert sorted(e.detail["to"] for e in logged) == sorted([world.acr_en, world.acr_fr, world.fin])
    make_user(app, Role.ADMIN, "admin@example.gc.ca")
    auth.login("admin@example.gc.ca")
    page = client.get("/admin/jobs").get_data(as_text=True)
    assert "reminder:2025-Q2:-3:" in page
    assert "Rappel\u00a0: 2 mises à jour pour le T2 2025-2026" in page
    assert "A6 A6 in English (not started)" in page


def test_the_reminder_links_to_the_updates_page_when_the_site_address_is_set(
    app: Flask, world: World, smtp_server: Inbox
) -> None:
    app.config["PUBLIC_BASE_URL"] = "https://tracker.example.gc.ca/"
    reminders(app, THREE_DAYS_BEFORE)
    (message,) = smtp_server.to(world.fin)
    assert "Submit them at https://tracker.example.gc.ca/updates/" in message.get_content()
