"""Editing an action: its area, lead and participants, each change in the log; a participant
added to an active plan owes updates from the next reporting period to open."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.authoring.conftest import (
    ACTION,
    AREA,
    action_version,
    activate,
    build_plan,
    plan_changes,
    signed_in,
)
from tests.conftest import post_form
from tracker.extensions import db
from tracker.fiscal import quarter_of
from tracker.models import Action, Department, ReportingPeriod, Role, action_participant
from tracker.services.calendar import clock
from tracker.services.calendar.periods import start_month
from tracker.services.updates.queries import assigned_actions

EDIT = "/plans/it-plan/actions/S1.1/edit"


def participants(app: Flask) -> dict[str, str | None]:
    with app.app_context():
        rows = db.session.execute(
            select(Department.acronym, action_participant.c.since_quarter)
            .join(Department, Department.id == action_participant.c.department_id)
            .join(Action, Action.id == action_participant.c.action_id)
            .where(Action.code == "S1.1")
        )
        return {acronym: str(since) if since else None for acronym, since in rows}


def test_moving_an_action_and_changing_its_departments_is_logged(
    app: Flask, planner: FlaskClient
) -> None:
    build_plan(planner)
    second = {**AREA, "area-code": "T", "area-name_en": "Secure IT"}
    assert (
        post_form(planner, "/plans/it-plan/areas", second, page="/plans/it-plan/edit").status_code
        == 302
    )
    assert activate(app, planner).status_code == 400  # area T is empty
    other = {**ACTION, "code": "T1.1", "area_code": "T"}
    assert post_form(planner, "/plans/it-plan/actions/new", other).status_code == 302
    assert activate(app, planner).status_code == 302
    assert participants(app) == {"TBS": None}  # added while the plan was a draft

    data = {
        **ACTION,
        "area_code": "T",
        "lead": "TBS",
        "participants": ["PSPC", "TBS"],
        "version": action_version(app),
    }
    assert post_form(planner, EDIT, data).status_code == 302
    moved = plan_changes(app, "action_moved")[-1]
    assert (moved.old_value, moved.new_value) == ("S", "T")
    lead = plan_changes(app, "lead_changed")[-1]
    assert (lead.old_value, lead.new_value) == ("SSC", "TBS")
    with app.app_context():
        upcoming = db.session.scalar(
            select(ReportingPeriod.quarter)
            .where(ReportingPeriod.opens_on > clock.today())
            .order_by(ReportingPeriod.quarter)
        )
    # TBS became the lead (no longer a participant); PSPC joins from the next period to open.
    assert upcoming is not None
    assert participants(app) == {"PSPC": str(upcoming)}
    changed = plan_changes(app, "participants_changed")[-1]
    assert changed.old_value == "TBS" and changed.new_value.startswith("PSPC")


def test_a_new_participant_reports_from_the_next_period(app: Flask, planner: FlaskClient) -> None:
    build_plan(planner)
    assert activate(app, planner).status_code == 302
    data = {**ACTION, "participants": ["TBS", "PSPC"], "version": action_version(app)}
    assert post_form(planner, EDIT, data).status_code == 302
    pspc = signed_in(app, Role.DEPARTMENT, "pspc@example.gc.ca", department="PSPC")
    tbs = signed_in(app, Role.DEPARTMENT, "tbs@example.gc.ca", department="TBS")
    assert "S1.1" not in pspc.get("/updates/").get_data(as_text=True)
    assert "S1.1" in tbs.get("/updates/").get_data(as_text=True)
    with app.app_context():
        department = db.session.scalar(select(Department.id).where(Department.acronym == "PSPC"))
        assert department is not None
        now = quarter_of(clock.today(), start_month())
        assert db.session.scalar(assigned_actions(department, now)) is None
        assert db.session.scalar(assigned_actions(department, now + 2)) is not None
