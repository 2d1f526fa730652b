"""The department's quarter page: period, due date, actions by plan and area, update states."""

from __future__ import annotations

from flask import Flask

from tests.conftest import counted
from tests.factories import ActionFactory, AreaFactory, PlanFactory, ensure_department
from tests.factories.updates import (
    DEPT_EMAIL,
    OTHER_EMAIL,
    PARTNER_EMAIL,
    PREVIOUS,
    World,
    add_update,
    set_period,
)
from tests.updates.helpers import login
from tracker.extensions import db
from tracker.models import WorkflowState


def test_quarter_page_lists_assigned_actions_with_due_date(app: Flask, world: World) -> None:
    html = login(app, DEPT_EMAIL).get("/updates/").get_data(as_text=True)
    assert "Reporting period 2025-26 Q2" in html
    assert "10 days left" in html  # due 2025-10-15, today 2025-10-05
    assert "S1.1" in html and "S1.2" not in html
    assert "Lead" in html
    assert f"/updates/2025-Q2/actions/{world.action_id}" in html
    assert "1 not started" in html


def test_participant_sees_the_action_as_participant(app: Flask, world: World) -> None:
    html = login(app, PARTNER_EMAIL).get("/updates/").get_data(as_text=True)
    assert "S1.1" in html and "Participant" in html


def test_states_and_values_are_shown(app: Flask, world: World) -> None:
    add_update(app, world, world.period_id, state=WorkflowState.RETURNED, percent=45)
    html = login(app, DEPT_EMAIL).get("/updates/").get_data(as_text=True)
    assert "state--returned" in html and "Returned" in html
    assert "45%" in html
    assert "1 returned" in html


def test_overdue_and_due_today(app: Flask, world: World) -> None:
    app.config["TODAY"] = "2025-10-15"
    html = login(app, DEPT_EMAIL).get("/updates/").get_data(as_text=True)
    assert "Due today" in html
    # No update yet is not an error before the due date: the badge turns red once overdue.
    assert "state--none" in html and "state--missing" not in html
    app.config["TODAY"] = "2025-10-18"
    html = login(app, DEPT_EMAIL).get("/updates/").get_data(as_text=True)
    assert "Overdue by 3 days" in html
    assert "state--missing" in html and "state--none" not in html


def test_earlier_locked_period_is_read_only(app: Flask, world: World) -> None:
    client = login(app, DEPT_EMAIL)
    html = client.get(f"/updates/?period={PREVIOUS}").get_data(as_text=True)
    assert "Reporting period 2025-26 Q1" in html
    assert "Locked: updates are read only." in html
    assert ">View<" in html
    set_period(app, world.previous_period_id, reopened_until=None)
    assert client.get("/updates/?period=2025-Q3").status_code == 404  # not opened yet
    assert client.get("/updates/?period=junk").status_code == 404


def test_no_period_yet(app: Flask, world: World) -> None:
    app.config["TODAY"] = "2020-01-01"
    html = login(app, DEPT_EMAIL).get("/updates/").get_data(as_text=True)
    assert "No reporting period has opened yet." in html


def test_department_without_actions(app: Flask, world: World) -> None:
    html = login(app, OTHER_EMAIL).get("/updates/").get_data(as_text=True)
    assert "S1.2" in html
    with app.app_context():
        ensure_department("NEW")
    from tests.conftest import make_user
    from tracker.models import Role

    make_user(app, Role.DEPARTMENT, "new@example.gc.ca", department="NEW")
    html = login(app, "new@example.gc.ca").get("/updates/").get_data(as_text=True)
    assert "no actions in active plans for this period" in html


def _add_actions(app: Flask, n: int) -> None:
    with app.app_context():
        acr = ensure_department("ACR")
        plan = PlanFactory(first_year=2025, last_year=2027)
        for i in range(n):
            area = AreaFactory(plan=plan)
            ActionFactory(area=area, lead_department=acr, code=f"X{i}")
        db.session.commit()


def _queries(app: Flask, world: World) -> int:
    client = login(app, DEPT_EMAIL)
    client.get("/updates/")  # warm up
    with counted(app) as counter:
        assert client.get("/updates/").status_code == 200
    return len(counter)


def test_query_count_does_not_grow_with_actions(app: Flask, world: World) -> None:
    before = _queries(app, world)
    _add_actions(app, 8)
    add_update(app, world, world.period_id, state=WorkflowState.DRAFT)
    assert _queries(app, world) == before
