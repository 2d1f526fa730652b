"""Planners' review: the queue, what changed, accept, return with a comment, who and when."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import counted, post_form
from tests.factories import ActionFactory, AreaFactory, PlanFactory, ensure_department
from tests.factories.updates import (
    ADMIN_EMAIL,
    DEPT_EMAIL,
    PLANNER_EMAIL,
    World,
    add_update,
    set_period,
)
from tests.updates.helpers import form_data, login, post_update, revisions_of, the_update
from tracker.extensions import db
from tracker.models import AuditEvent, ProgressUpdate, ReportingPeriod, WorkflowState


def submit(app: Flask, world: World, **overrides: Any) -> int:
    client = login(app, DEPT_EMAIL)
    assert (
        post_update(client, world.form_url, form_data(world, "send", **overrides)).status_code
        == 302
    )
    update = the_update(app, world)
    assert update is not None
    return update.id


def decide(
    client: FlaskClient, update_id: int, button: str, comment: str = "", version: str = "1"
) -> Any:
    url = f"/review/{update_id}"
    return post_form(client, url, {"version": version, button: "1", "comment": comment})


def test_queue_lists_submitted_updates_with_previous_values(app: Flask, world: World) -> None:
    add_update(app, world, world.previous_period_id, percent=30, status="at_risk")
    update_id = submit(app, world, percent_complete="45")
    add_update(
        app,
        world,
        world.period_id,
        state=WorkflowState.DRAFT,
        action_id=world.other_action_id,
        department_id=world.other_department_id,
    )
    html = login(app, PLANNER_EMAIL).get("/review/").get_data(as_text=True)
    assert "1 update waiting for review." in html
    assert f"/review/{update_id}" in html
    assert "30%" in html and "45%" in html
    assert "At risk" in html and "On track" in html
    # On a phone each row reads as a card: every cell names its column (table--stack).
    assert 'class="table table--compact table--stack"' in html
    cells = re.findall(r"<td([^>]*)>", html)
    assert len(cells) == 6 and all("data-label=" in cell for cell in cells)


def test_queue_filters(app: Flask, world: World) -> None:
    submit(app, world)
    client = login(app, PLANNER_EMAIL)
    assert "1 update waiting" in client.get("/review/?department=ACR").get_data(as_text=True)
    assert "0 updates waiting" in client.get("/review/?department=OTH").get_data(as_text=True)
    assert "1 update waiting" in client.get(f"/review/?plan={world.plan_slug}").get_data(
        as_text=True
    )
    assert "0 updates waiting" in client.get("/review/?plan=nope").get_data(as_text=True)
    with app.app_context():
        from tracker.models import StrategicArea

        area_id = db.session.scalar(select(StrategicArea.id))
    html = client.get(f"/review/?plan={world.plan_slug}&area={area_id}").get_data(as_text=True)
    assert "1 update waiting" in html
    assert (
        client.get(f"/review/?plan={world.plan_slug}&area={area_id + 99}")
        .get_data(as_text=True)
        .count("0 updates waiting")
        == 1
    )
    assert client.get("/review/?area=abc").status_code == 400
    assert client.get("/review/?page=0").status_code == 400
    assert client.get("/review/?page=9").status_code == 404


def test_review_page_shows_what_changed(app: Flask, world: World) -> None:
    add_update(app, world, world.previous_period_id, percent=30, accomplishments="Old")
    update_id = submit(app, world, percent_complete="45", accomplishments="New")
    html = login(app, PLANNER_EMAIL).get(f"/review/{update_id}").get_data(as_text=True)
    assert "Last accepted (2025-26 Q1)" in html
    assert "<del>30%</del>" in html and "<ins>45%</ins>" in html
    assert "<del>Old</del>" in html and "<ins>New</ins>" in html
    assert ">Changed<" in html
    # On a phone each field is a card, its values after the same headings as the columns.
    assert 'class="table diff table--stack"' in html
    assert '<td data-label="Last accepted (2025-26 Q1)"><del>30%</del></td>' in html
    assert '<td data-label="This update (2025-26 Q2)"><ins>45%</ins></td>' in html
    assert "Accept" in html and "Return to the department" in html


def test_accept_records_who_and_when_and_is_final(app: Flask, world: World) -> None:
    update_id = submit(app, world)
    client = login(app, PLANNER_EMAIL)
    response = decide(client, update_id, "accept")
    assert response.status_code == 302
    update = the_update(app, world)
    assert update is not None
    assert update.state == "accepted"
    assert update.reviewed_by_id == world.user_ids[PLANNER_EMAIL]
    assert update.reviewed_at is not None
    assert [r.event for r in revisions_of(app, update_id)] == ["submitted", "accepted"]
    with app.app_context():
        assert "update.accepted" in db.session.scalars(select(AuditEvent.action)).all()
    # accepted is read only: for the department and for a second decision
    dept = login(app, DEPT_EMAIL)
    assert post_update(dept, world.form_url, form_data(world, version="2")).status_code == 409
    assert decide(client, update_id, "send_back", "Too late", version="2").status_code == 409
    assert the_update(app, world).state == "accepted"  # type: ignore[union-attr]


def test_return_needs_a_comment(app: Flask, world: World) -> None:
    update_id = submit(app, world)
    client = login(app, PLANNER_EMAIL)
    response = decide(client, update_id, "send_back", "   ")
    assert response.status_code == 400
    assert "Explain what the department should change before you return the update." in (
        response.get_data(as_text=True)
    )
    update = the_update(app, world)
    assert update is not None and update.state == "submitted" and update.version == 1
    assert len(revisions_of(app, update_id)) == 1


def test_return_fix_resubmit_accept(app: Flask, world: World) -> None:
    """The whole loop, with who/when recorded at each step."""
    update_id = submit(app, world)
    planner = login(app, PLANNER_EMAIL)
    assert decide(planner, update_id, "send_back", "Add the risks, please.").status_code == 302
    dept = login(app, DEPT_EMAIL)
    html = dept.get(world.form_url).get_data(as_text=True)
    assert "Add the risks, please." in html
    fixed = form_data(world, "send", version="2", risks="Vendor delay.")
    assert post_update(dept, world.form_url, fixed).status_code == 302
    assert decide(planner, update_id, "accept", version="3").status_code == 302
    revisions = revisions_of(app, update_id)
    assert [(r.number, r.event) for r in revisions] == [
        (1, "submitted"),
        (2, "returned"),
        (3, "submitted"),
        (4, "accepted"),
    ]
    assert [r.author_id for r in revisions] == [
        world.user_ids[DEPT_EMAIL],
        world.user_ids[PLANNER_EMAIL],
        world.user_ids[DEPT_EMAIL],
        world.user_ids[PLANNER_EMAIL],
    ]
    assert revisions[1].snapshot["review_comment"] == "Add the risks, please."
    with app.app_context():
        events = db.session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.action.like("update.%"))
            .order_by(AuditEvent.id)
        ).all()
    assert events == ["update.submitted", "update.returned", "update.submitted", "update.accepted"]


def test_double_click_accept_is_one_decision(app: Flask, world: World) -> None:
    update_id = submit(app, world)
    client = login(app, ADMIN_EMAIL)
    assert decide(client, update_id, "accept").status_code == 302
    assert decide(client, update_id, "accept").status_code == 302
    assert len(revisions_of(app, update_id)) == 2


def test_two_planners_deciding_differently(app: Flask, world: World) -> None:
    update_id = submit(app, world)
    first, second = login(app, PLANNER_EMAIL), login(app, ADMIN_EMAIL)
    assert decide(first, update_id, "accept").status_code == 302
    response = decide(second, update_id, "send_back", "No")
    assert response.status_code == 409
    assert "since you opened it" in response.get_data(as_text=True)
    assert the_update(app, world).state == "accepted"  # type: ignore[union-attr]


def test_locked_period_cannot_be_reviewed_until_reopened(app: Flask, world: World) -> None:
    update_id = submit(app, world)
    app.config["TODAY"] = "2025-11-15"
    client = login(app, PLANNER_EMAIL)
    assert "This reporting period is locked" in client.get(f"/review/{update_id}").get_data(
        as_text=True
    )
    assert decide(client, update_id, "accept").status_code == 409
    assert the_update(app, world).state == "submitted"  # type: ignore[union-attr]
    from datetime import date

    set_period(app, world.period_id, reopened_until=date(2025, 11, 30))
    assert decide(client, update_id, "accept").status_code == 302


def test_draft_is_not_reviewable(app: Flask, world: World) -> None:
    update_id = add_update(app, world, world.period_id, state=WorkflowState.DRAFT)
    client = login(app, PLANNER_EMAIL)
    # A draft is its department's alone (issue 15): not even shown to a planner.
    assert client.get(f"/review/{update_id}").status_code == 404
    data = {"version": "1", "accept": "1", "comment": ""}
    assert post_form(client, f"/review/{update_id}", data, page="/review/").status_code == 404
    assert the_update(app, world).state == "draft"  # type: ignore[union-attr]
    assert client.get("/review/999").status_code == 404


def test_queue_query_count_is_fixed(app: Flask, world: World) -> None:
    submit(app, world)
    client = login(app, PLANNER_EMAIL)
    client.get("/review/")
    with counted(app) as one:
        client.get("/review/")
    with app.app_context():
        period_id = db.session.scalar(
            select(ReportingPeriod.id).where(ReportingPeriod.id == world.period_id)
        )
        plan = PlanFactory(first_year=2025, last_year=2027)
        for i in range(6):
            dept = ensure_department(f"Q{i}")
            action = ActionFactory(area=AreaFactory(plan=plan), lead_department=dept)
            db.session.add(
                ProgressUpdate(
                    action_id=action.id,
                    department_id=dept.id,
                    period_id=period_id,
                    state="submitted",
                    status="on_track",
                    percent_complete=10,
                )
            )
        db.session.commit()
    client.get("/review/")  # the choice lists are cached again after the change, as before
    with counted(app) as many:
        assert "7 updates waiting" in client.get("/review/").get_data(as_text=True)
    assert len(many) == len(one)
